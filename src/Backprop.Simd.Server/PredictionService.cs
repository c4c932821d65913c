using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Backprop.Simd.Kernels;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Backprop.Simd.Server;

/// <summary>
/// The request handling of the service, apart from the host: reads a request (JSON or raw float32),
/// checks it against the model's sizes and names, predicts through the one shared
/// <see cref="Predictor"/> (which applies the schema's standardisations) and shapes the reply by the
/// task. Every problem with a request is a 4xx problem (RFC 9457) whose detail says what is wrong.
/// </summary>
internal sealed class PredictionService(Predictor predictor)
{
    /// <summary>The most rows one /predict/batch request may carry.</summary>
    public const int MaxBatchRows = 10_000;

    private const string OctetStream = "application/octet-stream";

    private long _requests;

    // Schema.ClassName of each output, made once rather than per request.
    private readonly string[] _labels = Enumerable.Range(0, predictor.OutputSize).Select(predictor.Schema.ClassName).ToArray();

    // Each input name's place in a row, and what the names may add to a body.
    private readonly Dictionary<string, int> _nameIndex = predictor.Schema.InputNames.Select((name, j) => (name, j)).ToDictionary(p => p.name, p => p.j);
    private readonly long _nameBytes = predictor.Schema.InputNames.Sum(name => 2L * name.Length + 8);

    private DataSchema Schema => predictor.Schema;

    private bool IsClassification => Schema.Task == LearningTask.Classification;

    public HealthReply Health() => new(
        "ok", predictor.Layout.ToString(), IsClassification ? "classification" : "regression",
        predictor.InputSize, predictor.OutputSize, Schema.InputNames, Schema.OutputNames);

    public StatsReply Stats() => new(Interlocked.Read(ref _requests), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

    /// <summary>Bytes a JSON number may take with its separator and some white space (a float32 round-trips in at most 15 characters).</summary>
    public const int BytesPerNumber = 32;

    /// <summary>Room in a JSON body for the braces, the property names and what is ignored (an id, a target).</summary>
    public const int JsonSlack = 64 << 10;

    /// <summary>POST /predict.</summary>
    public Task<IResult> Predict(HttpRequest request) => Serve(request, batch: false);

    /// <summary>POST /predict/batch: every row through <see cref="Predictor.PredictBatch"/> on one flat buffer.</summary>
    public Task<IResult> PredictBatch(HttpRequest request) => Serve(request, batch: true);

    private async Task<IResult> Serve(HttpRequest request, bool batch)
    {
        Interlocked.Increment(ref _requests);
        IResult result = await Answer(request, batch);

        // A refused body may be partly unread: the client must not reuse a connection Kestrel may close while draining it.
        if (result is IStatusCodeHttpResult { StatusCode: >= 400 }) request.HttpContext.Response.Headers.Connection = "close";
        return result;
    }

    private async Task<IResult> Answer(HttpRequest request, bool batch)
    {
        int n0 = predictor.InputSize, maxRows = batch ? MaxBatchRows : 1;
        BodyKind kind = KindOf(request.ContentType);
        if (kind == BodyKind.Other)
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"the Content-Type is '{request.ContentType}'; send application/json ({(batch ? """{"inputs": [[...], ...]}""" : """{"input": [...]}""")}) or application/octet-stream (raw little-endian float32)");
        }

        // The body can be no longer than the model can take: Kestrel answers 413 past this, before reading it all.
        long limit = kind == BodyKind.Floats ? 4L * n0 * maxRows : (long)BytesPerNumber * n0 * maxRows + _nameBytes + JsonSlack;
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
        if (request.ContentLength > limit)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large",
                $"the body has {request.ContentLength} bytes; the model {predictor.Layout} takes at most {limit} bytes{(batch ? $" ({MaxBatchRows} rows)" : "")}");
        }

        float[] inputs;
        int count;
        if (kind == BodyKind.Floats)
        {
            (float[]? values, long bytes) = await ReadFloats(request.BodyReader, 4L * n0 * maxRows);
            if (values is null || values.Length % n0 != 0 || (!batch && values.Length != n0))
            {
                return BadRequest(batch
                    ? $"the body has {bytes} bytes, not a whole number of rows of {n0} float32 values ({4L * n0} bytes each, at most {MaxBatchRows} rows)"
                    : $"the body has {(bytes > 4L * n0 ? "more than " + (4L * n0) : bytes)} bytes; the model {predictor.Layout} takes {n0} float32 values ({4L * n0} bytes, little-endian)");
            }

            (inputs, count) = (values, values.Length / n0);
            int bad = NonFinite.IndexOf(inputs);
            if (bad >= 0) return BadRequest($"{(batch ? $"row {bad / n0}" : "input")}: value {bad % n0} is {inputs[bad].ToString(CultureInfo.InvariantCulture)}; inputs must be finite");
            return Reply([inputs], count, count, batch);
        }

        JsonRowsReader body = await JsonRowsReader.Read(request.BodyReader, n0, maxRows, batch, _nameIndex);
        try
        {
            if (body.Error is not null) return BadRequest(body.Error.Replace("the model takes", $"the model {predictor.Layout} takes", StringComparison.Ordinal));
            return Reply(body.Chunks, body.RowsPerChunk, body.Count, batch);
        }
        finally
        {
            body.Release();
        }
    }

    // Predicts the rows and shapes the reply; an output that overflows is the input's fault, a 422 naming the row and the output.
    private IResult Reply(IReadOnlyList<float[]> chunks, int rowsPerChunk, int count, bool batch)
    {
        int n0 = predictor.InputSize, nL = predictor.OutputSize;
        var outputs = new float[count * nL];
        for (int first = 0, chunk = 0; first < count; first += rowsPerChunk, chunk++)
        {
            int rows = Math.Min(rowsPerChunk, count - first);
            predictor.PredictBatch(chunks[chunk].AsSpan(0, rows * n0), rows, outputs.AsSpan(first * nL, rows * nL));
        }

        int bad = NonFinite.IndexOf(outputs);
        if (bad >= 0)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "Output out of range",
                $"{(batch ? $"row {bad / nL}" : "the input")}: output {bad % nL} of the model {predictor.Layout} is {outputs[bad].ToString(CultureInfo.InvariantCulture)}; the input is beyond what the model can take");
        }

        if (!batch) return Results.Ok(Reply(outputs));
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

    private enum BodyKind { Json, Floats, Other }

    // JSON when it says so, when it says nothing, or as curl -d sends it (form-urlencoded); raw float32 as octet-stream.
    private static BodyKind KindOf(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return BodyKind.Json;
        if (!MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? type)) return BodyKind.Other;
        string media = type.MediaType.Value ?? "";
        if (media.Equals(OctetStream, StringComparison.OrdinalIgnoreCase)) return BodyKind.Floats;
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            ? BodyKind.Json : BodyKind.Other;
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

    private static IResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "Bad request", detail);

    /// <summary>An RFC 9457 problem (application/problem+json) whose detail says what is wrong; "error" repeats it for older clients.</summary>
    public static IResult Problem(int status, string title, string detail) =>
        Results.Json(new ProblemReply($"https://httpstatuses.io/{status}", title, status, detail, detail), ProblemJson, "application/problem+json", status);

    // Quotes in a detail stay quotes (the default encoder writes \u0027 and \u0022, correct but unreadable with curl).
    private static readonly JsonTypeInfo<ProblemReply> ProblemJson = (JsonTypeInfo<ProblemReply>)new JsonSerializerOptions(ServerJson.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }.GetTypeInfo(typeof(ProblemReply));
}
