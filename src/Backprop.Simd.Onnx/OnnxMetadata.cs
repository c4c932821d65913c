using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Backprop.Simd.Onnx;

/// <summary>
/// The schema's task and names as metadata_props: <c>backprop_simd.task</c> = "classification" or
/// "regression", <c>backprop_simd.input_names</c> and <c>backprop_simd.output_names</c> as JSON
/// arrays of strings (written only when the schema has names). Read with Utf8JsonReader, so
/// nothing here needs reflection.
/// </summary>
internal static class OnnxMetadata
{
    public const string Classification = "classification", Regression = "regression";

    public static void Write(Dictionary<string, string> metadata, DataSchema schema)
    {
        metadata[OnnxModel.TaskMetadataKey] = schema.Task == LearningTask.Regression ? Regression : Classification;
        if (schema.InputNames.Count > 0) metadata[OnnxModel.InputNamesMetadataKey] = ToJson(schema.InputNames);
        if (schema.OutputNames.Count > 0) metadata[OnnxModel.OutputNamesMetadataKey] = ToJson(schema.OutputNames);
    }

    /// <summary>The recorded task, or null when the model does not say.</summary>
    public static LearningTask? Task(IReadOnlyDictionary<string, string> metadata, Func<string, InvalidDataException> refuse)
    {
        if (!metadata.TryGetValue(OnnxModel.TaskMetadataKey, out string? value)) return null;
        return value switch
        {
            Classification => LearningTask.Classification,
            Regression => LearningTask.Regression,
            _ => throw refuse($"metadata {OnnxModel.TaskMetadataKey} is '{Shorten(value)}'; it must be '{Classification}' or '{Regression}'"),
        };
    }

    /// <summary>The names under <paramref name="key"/>: none when the key is absent or the array empty, else exactly <paramref name="expected"/> of them.</summary>
    public static string[] Names(IReadOnlyDictionary<string, string> metadata, string key, int expected, string what, Func<string, InvalidDataException> refuse)
    {
        if (!metadata.TryGetValue(key, out string? json)) return [];
        var names = new List<string>();
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) throw refuse($"metadata {key} is not a JSON array of strings");
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.String) throw refuse($"metadata {key}: item {names.Count} is {reader.TokenType}, not a string");
                names.Add(reader.GetString()!);
            }

            if (reader.TokenType != JsonTokenType.EndArray || reader.Read()) throw refuse($"metadata {key} is not a single JSON array of strings");
        }
        catch (JsonException e)
        {
            throw refuse($"metadata {key} is not valid JSON: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            throw refuse($"metadata {key} is not valid JSON: {e.Message}");
        }

        if (names.Count != 0 && names.Count != expected) throw refuse($"metadata {key} names {names.Count} {what}; the network has {expected}");
        return [.. names];
    }

    private static string ToJson(IReadOnlyList<string> names)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            foreach (string name in names) writer.WriteStringValue(name);
            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "...";
}
