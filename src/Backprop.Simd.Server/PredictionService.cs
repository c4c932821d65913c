using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Backprop.Simd.Kernels;

namespace Backprop.Simd.Server;

/// <summary>
/// The request handling of the service, apart from the host: reads a request (JSON or raw float32),
/// checks it against the model's sizes and names, predicts through the one shared
/// <see cref="Predictor"/> (which applies the schema's standardisations) and shapes the reply by the
/// task. Every problem with a request is a 400 whose message says what is wrong.
/// </summary>
internal sealed class PredictionService(Predictor predictor)
{
    /// <summary>The most rows one /predict/batch request may carry.</summary>
    public const int MaxBatchRows = 10_000;

    private const string OctetStream = "application/octet-stream";

    private long _requests;

    // Schema.ClassName of each output, made once rather than per request.
    private readonly string[] _labels = Enumerable.Range(0, predictor.OutputSize).Select(predictor.Schema.ClassName).ToArray();

    private DataSchema Schema => predictor.Schema;

    private bool IsClassification => Schema.Task == LearningTask.Classification;

    public HealthReply Health() => new(
        "ok", predictor.Layout.ToString(), IsClassification ? "classification" : "regression",
        predictor.InputSize, predictor.OutputSize, Schema.InputNames, Schema.OutputNames);

    public StatsReply Stats() => new(Interlocked.Read(ref _requests), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

    /// <summary>POST /predict.</summary>
    public async Task<IResult> Predict(HttpRequest request)
    {
        Interlocked.Increment(ref _requests);
        int n0 = predictor.InputSize;
        float[] input;
        if (IsOctetStream(request))
        {
            (float[]? values, long bytes) = await ReadFloats(request.BodyReader, 4L * n0);
            if (values is null || values.Length != n0)
            {
                return Error($"the body has {(bytes > 4L * n0 ? "more than " + (4L * n0) : bytes)} bytes; the model {predictor.Layout} takes {n0} float32 values ({4L * n0} bytes, little-endian)");
            }

            input = values;
        }
        else
        {
            (PredictRequest? body, string? error) = await ReadJson(request, ServerJson.Default.PredictRequest, """{"input": [...]}""");
            if (error is not null) return Error(error);
            if (body!.Input is not null && body.Inputs is not null) return Error("give either \"input\" (an array) or \"inputs\" (an object by input name), not both");
            if (body.Inputs is { } named)
            {
                input = new float[n0];
                error = FromNames(named, input);
            }
            else
            {
                input = body.Input ?? [];
                error = CheckRow(input, "input");
            }

            if (error is not null) return Error(error);
        }

        var output = new float[predictor.OutputSize];
        predictor.Predict(input, output);
        return Results.Ok(Reply(output));
    }

    /// <summary>POST /predict/batch: every row through <see cref="Predictor.PredictBatch"/> on one flat buffer.</summary>
    public async Task<IResult> PredictBatch(HttpRequest request)
    {
        Interlocked.Increment(ref _requests);
        int n0 = predictor.InputSize;
        float[] inputs;
        int count;
        if (IsOctetStream(request))
        {
            long limit = 4L * n0 * MaxBatchRows;
            (float[]? values, long bytes) = await ReadFloats(request.BodyReader, limit);
            if (values is null && bytes > limit) return Error($"the body has more than {MaxBatchRows} rows of {n0} float32 values ({limit} bytes); send at most {MaxBatchRows} rows per batch");
            if (values is null || values.Length % n0 != 0) return Error($"the body has {bytes} bytes, not a whole number of rows of {n0} float32 values ({4L * n0} bytes each)");
            (inputs, count) = (values, values.Length / n0);
        }
        else
        {
            // Room for MaxBatchRows rows of long numbers, where that is more than Kestrel's default.
            if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = Math.Max(size.MaxRequestBodySize ?? 0, 32L * n0 * MaxBatchRows + (1 << 20));
            }

            (BatchRequest? body, string? error) = await ReadJson(request, ServerJson.Default.BatchRequest, """{"inputs": [[...], ...]}""");
            if (error is not null) return Error(error);
            if (body!.Inputs is not { } rows) return Error("""the body has no "inputs"; send {"inputs": [[...], ...]}, one array of input values per row""");
            if (rows.Length > MaxBatchRows) return Error($"the batch has {rows.Length} rows; send at most {MaxBatchRows} rows per batch");
            count = rows.Length;
            inputs = new float[count * n0];
            for (int row = 0; row < count; row++)
            {
                error = rows[row] is { } values ? CheckRow(values, $"row {row}") : $"row {row} is null; each row is an array of {n0} numbers";
                if (error is not null) return Error(error);
                rows[row]!.CopyTo(inputs, row * n0);
            }
        }

        int nL = predictor.OutputSize;
        var outputs = new float[count * nL];
        predictor.PredictBatch(inputs, count, outputs);
        var results = new PredictReply[count];
        for (int row = 0; row < count; row++) results[row] = Reply(outputs.AsSpan(row * nL, nL).ToArray());
        return Results.Ok(new BatchReply(results));
    }

    private PredictReply Reply(float[] output)
    {
        if (!IsClassification) return new PredictReply(null, null, output, Schema.OutputNames.Count > 0 ? Schema.OutputNames : null);
        int best = Activations.Argmax<float>(output);
        return new PredictReply(best, _labels[best], output, null);
    }

    // The row in the order of the schema's input names; extra names are ignored (an id, a target).
    private string? FromNames(Dictionary<string, float> named, Span<float> row)
    {
        IReadOnlyList<string> names = Schema.InputNames;
        if (names.Count == 0)
        {
            return $"this model has no input names; send {{\"input\": [...]}} with {predictor.InputSize} numbers";
        }

        for (int j = 0; j < names.Count; j++)
        {
            if (!named.TryGetValue(names[j], out float value)) return $"inputs has no '{names[j]}'; the model takes {string.Join(", ", names.Select(n => $"'{n}'"))}";
            if (!float.IsFinite(value)) return $"input '{names[j]}' is {value}; inputs must be finite";
            row[j] = value;
        }

        return null;
    }

    private string? CheckRow(float[] values, string what)
    {
        if (values.Length != predictor.InputSize)
        {
            return $"{what} has {values.Length} values; the model {predictor.Layout} takes {predictor.InputSize}";
        }

        int bad = Array.FindIndex(values, v => !float.IsFinite(v));
        return bad < 0 ? null : $"{what}: value {bad} is {values[bad]}; inputs must be finite";
    }

    private static bool IsOctetStream(HttpRequest request) =>
        request.ContentType?.StartsWith(OctetStream, StringComparison.OrdinalIgnoreCase) == true;

    // The body as JSON whatever its content type (curl -d sends form-urlencoded); any failure is a message for the 400.
    private static async Task<(T?, string?)> ReadJson<T>(HttpRequest request, JsonTypeInfo<T> type, string shape)
        where T : class
    {
        try
        {
            T? value = await JsonSerializer.DeserializeAsync(request.Body, type);
            return value is null ? (null, $"the body is JSON null; send {shape}") : (value, null);
        }
        catch (JsonException e)
        {
            return (null, $"the body is not {shape} as JSON: {e.Message}");
        }
    }

    // All of the body as little-endian floats, or null (with the bytes seen) when it is longer than maxBytes or not whole floats.
    private static async Task<(float[]?, long)> ReadFloats(PipeReader reader, long maxBytes)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync();
            ReadOnlySequence<byte> buffer = result.Buffer;
            long length = buffer.Length;
            if (length > maxBytes || (result.IsCompleted && length % sizeof(float) != 0))
            {
                reader.AdvanceTo(buffer.End);
                return (null, length);
            }

            if (result.IsCompleted)
            {
                var values = new float[length / sizeof(float)];
                Span<byte> bytes = MemoryMarshal.AsBytes(values.AsSpan());
                buffer.CopyTo(bytes);
                if (!BitConverter.IsLittleEndian)
                {
                    Span<int> words = MemoryMarshal.Cast<float, int>(values.AsSpan());
                    System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(words, words);
                }

                reader.AdvanceTo(buffer.End);
                return (values, length);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static IResult Error(string message) => Results.BadRequest(new ErrorReply(message));
}
