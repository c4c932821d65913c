using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
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
internal sealed class PredictionService
{
    /// <summary>The most rows one /predict/batch request may carry.</summary>
    public const int MaxBatchRows = 10_000;

    /// <summary>The most output values one /predict/batch reply may carry (fewer rows than <see cref="MaxBatchRows"/> for models of more than 419 outputs).</summary>
    public const int MaxBatchOutputs = 1 << 22;

    // Rows to a buffer: one unit of the budget holds them with their outputs.
    private readonly int _chunkRows;

    private readonly Predictor _predictor;
    private readonly RowBudget _budget;
    private readonly int _maxBatchRows;
    private readonly Func<float[], PredictReply> _reply;

    /// <summary>The service of <paramref name="predictor"/>, whose large requests share <paramref name="budget"/>.</summary>
    public PredictionService(Predictor predictor, RowBudget budget)
    {
        (_predictor, _budget) = (predictor, budget);
        _chunkRows = Math.Max(1, RowBudget.UnitFloats / (predictor.InputSize + _predictor.OutputSize));
        _maxBatchRows = Math.Clamp(MaxBatchOutputs / _predictor.OutputSize, 1, MaxBatchRows);
        _labels = Enumerable.Range(0, _predictor.OutputSize).Select(_predictor.Schema.ClassName).ToArray();
        _nameIndex = _predictor.Schema.InputNames.Select((name, j) => (name, j)).ToDictionary(p => p.name, p => p.j);
        _nameBytes = _predictor.Schema.InputNames.Sum(name => 2L * name.Length + 8);
        _reply = Reply; // one delegate for every request, not one each
    }

    private const string OctetStream = "application/octet-stream";

    private long _requests;

    // Schema.ClassName of each output, made once rather than per request.
    private readonly string[] _labels;

    // Each input name's place in a row, and what the names may add to a body.
    private readonly Dictionary<string, int> _nameIndex;
    private readonly long _nameBytes;

    private DataSchema Schema => _predictor.Schema;

    private bool IsClassification => Schema.Task == LearningTask.Classification;

    public HealthReply Health() => new(
        "ok", _predictor.Layout.ToString(), IsClassification ? "classification" : "regression",
        _predictor.InputSize, _predictor.OutputSize, Schema.InputNames, Schema.OutputNames);

    public StatsReply Stats()
    {
        GCMemoryInfo gc = GC.GetGCMemoryInfo();
        return new(
            Interlocked.Read(ref _requests), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), gc.HeapSizeBytes, gc.TotalCommittedBytes,
        (long)_budget.Units * RowBudget.UnitFloats, (long)_budget.InUse * RowBudget.UnitFloats, _budget.Waiting, _budget.Collections);
    }

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
        int n0 = _predictor.InputSize, maxRows = batch ? _maxBatchRows : 1;
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
                $"the body has {request.ContentLength} bytes; the model {_predictor.Layout} takes at most {limit} bytes{(batch ? $" ({maxRows} rows)" : "")}");
        }

        // One buffer of rows for the request, no longer than its body can fill (a JSON row of n0 numbers takes at
        // least 2 n0 + 1 bytes, and a comma after it; a raw one 4 n0), and its share of the budget, waited for.
        long length = request.ContentLength ?? limit;
        long bound = kind == BodyKind.Floats ? length / (4L * n0) : (length + 1) / (2L * n0 + 2);
        int rowsPerChunk = (int)Math.Clamp(Math.Min(bound, _chunkRows), 1, maxRows);
        int units = _budget.UnitsFor(RequestRows.FloatsFor(rowsPerChunk, n0, _predictor.OutputSize, batch));
        await _budget.Take(units, request.HttpContext.RequestAborted);
        var rows = new RequestRows(_predictor, rowsPerChunk, batch, units > 0 ? RowBudget.Buffers : ArrayPool<float>.Shared, _reply);
        try
        {
            if (kind == BodyKind.Floats)
            {
                long bytes = await ReadFloats(request.BodyReader, rows, 4L * n0 * maxRows);
                if (bytes < 0 || bytes % (4L * n0) != 0 || (!batch && bytes != 4L * n0))
                {
                    return BadRequest(batch
                        ? $"the body has {Math.Abs(bytes)} bytes, not a whole number of rows of {n0} float32 values ({4L * n0} bytes each, at most {maxRows} rows)"
                        : $"the body has {(bytes < 0 ? "more than " + (4L * n0) : bytes)} bytes; the model {_predictor.Layout} takes {n0} float32 values ({4L * n0} bytes, little-endian)");
                }

                rows.Finish();
                if (rows.BadInput is (int row and >= 0, int index, float value))
                {
                    return BadRequest($"{(batch ? $"row {row}" : "input")}: value {index} is {value.ToString(CultureInfo.InvariantCulture)}; inputs must be finite");
                }
            }
            else
            {
                JsonRowsReader body = await JsonRowsReader.Read(request.BodyReader, rows, n0, maxRows, batch, _nameIndex);
                if (body.Error is not null) return BadRequest(body.Error.Replace("the model takes", $"the model {_predictor.Layout} takes", StringComparison.Ordinal));
            }

            // An output that overflows is the input's fault: a 422 naming the row and the output.
            if (rows.BadOutput is (int bad and >= 0, int output, float overflowed))
            {
                return Problem(StatusCodes.Status422UnprocessableEntity, "Output out of range",
                    $"{(batch ? $"row {bad}" : "the input")}: output {output} of the model {_predictor.Layout} is {overflowed.ToString(CultureInfo.InvariantCulture)}; the input is beyond what the model can take");
            }

            return batch ? Results.Ok(new BatchReply(rows.Replies)) : Results.Ok(rows.Single);
        }
        finally
        {
            rows.Release();
            _budget.Give(units);
        }
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

    // The body as little-endian floats into rows, as it arrives: its length in bytes, or minus the bytes seen once it is longer than maxBytes.
    private static async Task<long> ReadFloats(PipeReader reader, RequestRows rows, long maxBytes)
    {
        long length = 0;
        while (true)
        {
            ReadResult result = await reader.ReadAsync();
            ReadOnlySequence<byte> buffer = result.Buffer;
            length += buffer.Length;
            if (length > maxBytes)
            {
                reader.AdvanceTo(buffer.End);
                return -length;
            }

            foreach (ReadOnlyMemory<byte> segment in buffer) rows.AddBytes(segment.Span);
            reader.AdvanceTo(buffer.End);
            if (result.IsCompleted) return length;
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
