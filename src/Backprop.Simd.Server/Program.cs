using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Backprop.Simd.Inference;
using Backprop.Simd.Onnx;

// A prediction service over a model file written by `backprop train`, or an ONNX model (*.onnx) of a dense network:
//   dotnet run -c Release --project src/Backprop.Simd.Server -- --model model.bpsimd --urls http://127.0.0.1:5080
// POST /predict with {"input": [...]} (JSON) or the raw little-endian float32 values
// (Content-Type: application/octet-stream) answers {"class": k, "output": [...]}.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ServerJson.Default));
string modelPath = builder.Configuration["model"] ?? Environment.GetEnvironmentVariable("BACKPROP_MODEL")
    ?? throw new InvalidOperationException("Give the model file with --model FILE or BACKPROP_MODEL.");
// Fails at start-up, naming the file and the offset (or the ONNX node), if the model is bad.
Predictor predictor = modelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? Predictor.LoadOnnx(modelPath) : Predictor.Load(modelPath);
long requests = 0;

var app = builder.Build();
app.MapGet("/health", () => Results.Ok(new HealthReply("ok", predictor.Layout.ToString())));
app.MapGet("/stats", () => Results.Ok(new StatsReply(Interlocked.Read(ref requests), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2))));
app.MapPost("/predict", async (HttpRequest request) =>
{
    Interlocked.Increment(ref requests);
    float[] input;
    if (request.ContentType?.StartsWith("application/octet-stream", StringComparison.Ordinal) == true)
    {
        input = await ReadFloats(request.BodyReader, predictor.InputSize);
    }
    else
    {
        PredictRequest? body = await request.ReadFromJsonAsync(ServerJson.Default.PredictRequest);
        input = body?.Input ?? [];
    }

    if (input.Length != predictor.InputSize)
    {
        return Results.BadRequest(new ErrorReply($"input has {input.Length} values; the model {predictor.Layout} takes {predictor.InputSize}"));
    }

    var output = new float[predictor.OutputSize];
    predictor.Predict(input, output);
    int best = 0;
    for (int i = 1; i < output.Length; i++) if (output[i] > output[best]) best = i;
    return Results.Ok(new PredictReply(best, output));
});
app.Run();

// Reads exactly `count` little-endian floats from the body; fewer or more gives an empty array.
static async Task<float[]> ReadFloats(PipeReader reader, int count)
{
    while (true)
    {
        ReadResult result = await reader.ReadAsync();
        ReadOnlySequence<byte> buffer = result.Buffer;
        if (result.IsCompleted || buffer.Length > 4L * count)
        {
            float[] values = buffer.Length == 4L * count ? new float[count] : [];
            if (values.Length > 0)
            {
                byte[] bytes = buffer.ToArray();
                for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));
            }

            reader.AdvanceTo(buffer.End);
            return values;
        }

        reader.AdvanceTo(buffer.Start, buffer.End);
    }
}

internal sealed record PredictRequest(float[] Input);
internal sealed record PredictReply(int Class, float[] Output);
internal sealed record HealthReply(string Status, string Model);
internal sealed record StatsReply(long Requests, int Gen0, int Gen1, int Gen2);
internal sealed record ErrorReply(string Error);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(PredictRequest))]
[System.Text.Json.Serialization.JsonSerializable(typeof(PredictReply))]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthReply))]
[System.Text.Json.Serialization.JsonSerializable(typeof(StatsReply))]
[System.Text.Json.Serialization.JsonSerializable(typeof(ErrorReply))]
internal sealed partial class ServerJson : System.Text.Json.Serialization.JsonSerializerContext;
