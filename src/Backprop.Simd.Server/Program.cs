using Backprop.Simd;
using Backprop.Simd.Onnx;
using Backprop.Simd.Server;

// A prediction service over a model file written by `backprop train`, or an ONNX model (*.onnx) of a dense network:
//   dotnet run -c Release --project src/Backprop.Simd.Server -- --model model.bpsimd --urls http://127.0.0.1:5080
// The model's schema is applied: raw inputs in, predictions in the targets' units out.
//   POST /predict        {"input": [...]}, {"inputs": {"name": value, ...}} or raw little-endian float32
//                        (Content-Type: application/octet-stream) -> {"class": k, "label": "...", "output": [...]}
//                        for classification, {"output": [...], "names": [...]} for regression
//   POST /predict/batch  {"inputs": [[...], ...]} (or raw float32 rows), at most 10,000 rows -> {"results": [...]}
//   GET /health          layout, task, sizes and names;  GET /stats  requests and GC counts
// Errors are 400 with {"error": "..."}. Prints "listening on URL" once it serves (useful with port 0);
// a model that cannot be loaded stops it with the reason on stderr and exit code 1.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ServerJson.Default));
string? modelPath = builder.Configuration["model"] ?? Environment.GetEnvironmentVariable("BACKPROP_MODEL");
if (modelPath is null)
{
    Console.Error.WriteLine("backprop-server: give the model file with --model FILE or BACKPROP_MODEL.");
    return 2;
}

// Stops at start-up, naming the file and the offset (or the ONNX node), if the model is bad.
Predictor predictor;
try
{
    predictor = modelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? Predictor.LoadOnnx(modelPath) : Predictor.Load(modelPath);
}
catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"backprop-server: {e.Message}");
    return 1;
}

var service = new PredictionService(predictor);

var app = builder.Build();
app.MapGet("/health", () => Results.Ok(service.Health()));
app.MapGet("/stats", () => Results.Ok(service.Stats()));
app.MapPost("/predict", (HttpRequest request) => service.Predict(request));
app.MapPost("/predict/batch", (HttpRequest request) => service.PredictBatch(request));
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"listening on {string.Join(" ", app.Urls)}"));
app.Run();
return 0;
