using System.Text.Encodings.Web;
using System.Text.Json;

namespace Backprop.Simd.Cli;

/// <summary>One JSON object per line, as scripts read them.</summary>
internal static class JsonLine
{
    private static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Write(TextWriter writer, object value) => writer.WriteLine(JsonSerializer.Serialize(value, Options));
}
