using System.Text.Json.Serialization;

namespace Backprop.Simd.Server;

/// <summary>POST /predict: <c>{"input": [n0 numbers]}</c>, or <c>{"inputs": {"name": value, ...}}</c> by the schema's input names.</summary>
internal sealed record PredictRequest(float[]? Input, Dictionary<string, float>? Inputs);

/// <summary>POST /predict/batch: <c>{"inputs": [[n0 numbers], ...]}</c>.</summary>
internal sealed record BatchRequest(float[]?[]? Inputs);

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
internal sealed record BatchReply(PredictReply[] Results);

/// <summary>GET /health: the model's layout, task, sizes and names.</summary>
internal sealed record HealthReply(string Status, string Model, string Task, int InputSize, int OutputSize, IReadOnlyList<string> InputNames, IReadOnlyList<string> OutputNames);

/// <summary>GET /stats: requests served and the garbage collections so far.</summary>
internal sealed record StatsReply(long Requests, int Gen0, int Gen1, int Gen2);

/// <summary>Any 4xx: what is wrong with the request.</summary>
internal sealed record ErrorReply(string Error);

/// <summary>
/// Source-generated JSON for every message (no reflection: trimming and AOT friendly). Requests are
/// read with these options; replies go out through ASP.NET Core's web options, which take the type
/// information from here, so what must hold for both (the omitted nulls) is said on the properties.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PredictRequest))]
[JsonSerializable(typeof(BatchRequest))]
[JsonSerializable(typeof(PredictReply))]
[JsonSerializable(typeof(BatchReply))]
[JsonSerializable(typeof(HealthReply))]
[JsonSerializable(typeof(StatsReply))]
[JsonSerializable(typeof(ErrorReply))]
internal sealed partial class ServerJson : JsonSerializerContext;
