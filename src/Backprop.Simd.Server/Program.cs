using Backprop.Simd;
using Backprop.Simd.Onnx;
using Backprop.Simd.Server;

// A prediction service over a model file written by `backprop train`, or an ONNX model (*.onnx) of a dense network:
//   dotnet run -c Release --project src/Backprop.Simd.Server -- --model model.bpsimd --urls http://127.0.0.1:5080
// The model's schema is applied: raw inputs in, predictions in the targets' units out.
//   POST /predict        {"input": [...]}, {"inputs": {"name": value, ...}} or raw little-endian float32
//                        (Content-Type: application/octet-stream) -> {"class": k, "label": "...", "output": [...]}
//                        for classification, {"output": [...], "names": [...]} for regression
//   POST /predict/batch  {"inputs": [[...], ...]} (or raw float32 rows), at most 10,000 rows (and 2^22 outputs) -> {"results": [...]}
//   GET /health          layout, task, sizes and names;  GET /stats  requests, GC counts and the budget below
// --max-floats-in-flight N (default 4,194,304, 16 MiB): the floats of rows that large requests (batches) may hold
// at once; a request waits for its share (one chunk of 65,536 floats for most models) before it reads its body.
// Bad requests are 4xx application/problem+json naming what is wrong (400, 413 past what the model can take,
// 415 for another Content-Type, 422 when an output overflows); a 500 is logged to stderr and its body says
// only that, unless the environment is Development. Prints "listening on URL" once it serves (useful with
// port 0); a model that cannot be loaded, or an address that cannot be bound, stops it with one line on
// stderr and exit code 1.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(options => options.SingleLine = true);
builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None); // a failed start is the one line below, not a stack trace
builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
// The socket transport reads up to this much of a body ahead of the handler, per connection, into pinned blocks that
// its pool keeps after the request: at the default 1 MiB, 32 large bodies at once left 34 MB pinned for good. 64 KiB
// still holds a whole /predict body of a 784-input model (3 KiB raw, about 10 KiB of JSON); a batch streams through it.
builder.WebHost.UseSockets(options => options.MaxReadBufferSize = 64 << 10);
builder.WebHost.ConfigureKestrel(options => options.Limits.MaxRequestBufferSize = 64 << 10);
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ServerJson.Default));
string? modelPath = builder.Configuration["model"] ?? Environment.GetEnvironmentVariable("BACKPROP_MODEL");
if (string.IsNullOrWhiteSpace(modelPath))
{
    Console.Error.WriteLine("backprop-server: give the model file with --model FILE or BACKPROP_MODEL.");
    return 2;
}

// Large requests (batches) wait for their share of this many floats of rows in flight, rather than each allocating its own.
long floatsInFlight = RowBudget.DefaultFloats;
string? budgetOption = builder.Configuration["max-floats-in-flight"];
if (budgetOption is not null && (!long.TryParse(budgetOption, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out floatsInFlight) || floatsInFlight < RowBudget.UnitFloats))
{
    Console.Error.WriteLine($"backprop-server: --max-floats-in-flight '{budgetOption}' is not a whole number of at least {RowBudget.UnitFloats} (one chunk of rows).");
    return 2;
}

// Relative to the directory the server was started from (not the content root or the project's folder).
modelPath = Path.GetFullPath(modelPath, Environment.CurrentDirectory);

// Stops at start-up, naming the file and the offset (or the ONNX node), if the model is bad.
Predictor predictor;
try
{
    if (Directory.Exists(modelPath)) throw new IOException($"{modelPath}: is a directory, not a model file");
    if (!File.Exists(modelPath)) throw new FileNotFoundException($"{modelPath}: no such model file.");
    predictor = modelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? Predictor.LoadOnnx(modelPath) : Predictor.Load(modelPath);
}
catch (Exception e)
{
    // Whatever the reason, one line: the loaders name the file and the place in it.
    string message = e.Message.Contains(modelPath, StringComparison.Ordinal) ? e.Message : $"{modelPath}: {e.Message}";
    Console.Error.WriteLine($"backprop-server: {message.ReplaceLineEndings(" ")}");
    return 1;
}

using var budget = new RowBudget(floatsInFlight);
var service = new PredictionService(predictor, budget);

var app = builder.Build();
app.Use(ProblemBoundary.Handle);
app.MapGet("/health", () => Results.Ok(service.Health()));
app.MapGet("/stats", () => Results.Ok(service.Stats()));
app.MapPost("/predict", (HttpRequest request) => service.Predict(request));
app.MapPost("/predict/batch", (HttpRequest request) => service.PredictBatch(request));
// A route that always fails, so that a test can see a 500 logged with its exception and answered without it
// (ServerErrorTests); mapped only when the environment asks for it, never by default.
if (Environment.GetEnvironmentVariable("BACKPROP_SERVER_FAULT_ROUTE") == "1") app.MapPost("/fault", Fault);
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"listening on {string.Join(" ", app.Urls)}"));
try
{
    app.Run();
}
catch (IOException e)
{
    Console.Error.WriteLine($"backprop-server: {e.Message.ReplaceLineEndings(" ")}");
    return 1;
}

return 0;

static IResult Fault() => throw new InvalidOperationException("a fault injected for testing (BACKPROP_SERVER_FAULT_ROUTE=1)");
