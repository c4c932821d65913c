using System.Text.Json.Serialization;

namespace Backprop.Simd.Server;

/// <summary>
/// One prediction: <c>{"class": k, "label": "setosa", "output": [...]}</c> for classification,
/// <c>{"output": [...], "names": [...]}</c> for regression (names only when the model has them).
/// </summary>
internal sealed record PredictReply(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Class,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Label,
    float[] Output,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Names);

/// <summary>POST /predict/batch: one reply per row, in order.</summary>
internal sealed record BatchReply(IReadOnlyList<PredictReply> Results);

/// <summary>GET /health: the model's layout, task, sizes and names.</summary>
internal sealed record HealthReply(string Status, string Model, string Task, int InputSize, int OutputSize, IReadOnlyList<string> InputNames, IReadOnlyList<string> OutputNames);

/// <summary>
/// GET /stats: requests served, the garbage collections so far and the managed heap's size and committed memory
/// after the last one; the floats of rows the large requests may
/// hold at once (the budget), hold now, the requests waiting for their share, and the collections that gave a
/// burst's memory back.
/// </summary>
internal sealed record StatsReply(long Requests, int Gen0, int Gen1, int Gen2, long GcHeapBytes, long GcCommittedBytes, long FloatBudget, long FloatsInFlight, int WaitingForBudget, long IdleCollections);

/// <summary>Any 4xx or 5xx, as application/problem+json (RFC 9457): <c>detail</c> says what is wrong, <c>error</c> repeats it for clients of the first version.</summary>
internal sealed record ProblemReply(string Type, string Title, int Status, string Detail, string Error);

/// <summary>
/// Source-generated JSON for every message (no reflection: trimming and AOT friendly). Requests are
/// read with these options; replies go out through ASP.NET Core's web options, which take the type
/// information from here, so what must hold for both (the omitted nulls) is said on the properties.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PredictReply))]
[JsonSerializable(typeof(BatchReply))]
[JsonSerializable(typeof(HealthReply))]
[JsonSerializable(typeof(StatsReply))]
[JsonSerializable(typeof(ProblemReply))]
internal sealed partial class ServerJson : JsonSerializerContext;
