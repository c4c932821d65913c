using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Backprop.Simd.Kernels;
using Backprop.Simd.Onnx;
using Backprop.Simd.Tests.Onnx;

namespace Backprop.Simd.Tests.Server;

/// <summary>
/// The prediction server as a process on loopback, with small models that carry a schema: a
/// classification model file and a regression model as ONNX. Its answers are compared with an
/// in-process <see cref="Predictor"/> on the same raw inputs (JSON floats round-trip, so exactly).
/// </summary>
public class ServerTests() : TemporaryFolder("server")
{
    private static readonly string[] Iris = ["sepal_length", "sepal_width", "petal_length", "petal_width"];

    private static SavedModel Classification() =>
        OnnxExportTests.Model([4, 6, 3], Activation.Relu, Activation.Softmax, CostFunction.LogLikelihood, seed: 9) with
        {
            Schema = new DataSchema
            {
                InputNames = Iris,
                OutputNames = ["setosa", "versicolor", "virginica"],
                Inputs = new Standardization([5.8f, 3.05f, 3.7f, 1.2f], [0.82f, 0.43f, 1.76f, 0.76f]),
            },
        };

    private static readonly float[][] Flowers = [[5.1f, 3.5f, 1.4f, 0.2f], [6.7f, 3.0f, 5.2f, 2.3f], [5.9f, 3.0f, 4.2f, 1.5f]];

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Post(HttpClient client, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await client.PostAsync(path, content);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static async Task<JsonElement> Get(HttpClient client, string path)
    {
        using HttpResponseMessage response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => v.GetSingle()).ToArray();

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(v => v.GetString()!).ToArray();

    private static float[] Expected(Predictor predictor, float[] input)
    {
        var output = new float[predictor.OutputSize];
        predictor.Predict(input, output);
        return output;
    }

    private static string Row(float[] values) => "[" + string.Join(", ", values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]";

    [Fact]
    public async Task A_classification_model_answers_predict_batch_and_health_with_labels_and_refuses_bad_requests()
    {
        SavedModel model = Classification();
        string path = PathOf("iris.bpsimd");
        ModelFile.Save(path, model);
        var predictor = new Predictor(model);
        using ServerProcess server = await ServerProcess.Start(path);
        HttpClient client = server.Client;

        JsonElement health = await Get(client, "/health");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("classification", health.GetProperty("task").GetString());
        Assert.Equal(4, health.GetProperty("inputSize").GetInt32());
        Assert.Equal(3, health.GetProperty("outputSize").GetInt32());
        Assert.Equal(Iris, Strings(health.GetProperty("inputNames")));
        Assert.Equal(["setosa", "versicolor", "virginica"], Strings(health.GetProperty("outputNames")));

        // {"input": [...]} and {"inputs": {name: value}} give the Predictor's bits, with the class and its name.
        foreach (float[] flower in Flowers)
        {
            float[] expected = Expected(predictor, flower);
            int best = Activations.Argmax<float>(expected);
            (HttpStatusCode status, JsonElement reply) = await Post(client, "/predict", $$"""{"input": {{Row(flower)}}}""");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(expected, Floats(reply.GetProperty("output")));
            Assert.Equal(best, reply.GetProperty("class").GetInt32());
            Assert.Equal(model.Schema.ClassName(best), reply.GetProperty("label").GetString());
            Assert.False(reply.TryGetProperty("names", out _));

            string named = string.Join(", ", Iris.Select((n, j) => $"\"{n}\": {flower[j].ToString("R", System.Globalization.CultureInfo.InvariantCulture)}").Reverse());
            (status, reply) = await Post(client, "/predict", "{\"inputs\": {" + named + ", \"id\": 12}}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(expected, Floats(reply.GetProperty("output")));
        }

        // Raw float32 still works.
        byte[] raw = Flowers[1].SelectMany(BitConverter.GetBytes).ToArray();
        using (var content = new ByteArrayContent(raw))
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using HttpResponseMessage response = await client.PostAsync("/predict", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            JsonElement reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(Expected(predictor, Flowers[1]), Floats(reply.GetProperty("output")));
        }

        // A batch: one flat PredictBatch, results in order.
        (HttpStatusCode batchStatus, JsonElement batch) = await Post(client, "/predict/batch", $$"""{"inputs": [{{string.Join(", ", Flowers.Select(Row))}}]}""");
        Assert.Equal(HttpStatusCode.OK, batchStatus);
        JsonElement[] results = batch.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(Flowers.Length, results.Length);
        for (int i = 0; i < Flowers.Length; i++)
        {
            Assert.Equal(Expected(predictor, Flowers[i]), Floats(results[i].GetProperty("output")));
            Assert.Equal(predictor.Classify(Flowers[i]), results[i].GetProperty("class").GetInt32());
        }

        // Bad requests: 400 with a message that names what is wrong.
        (string Path, string Body, string Message)[] bad =
        [
            ("/predict", """{"input": [1, 2, 3]}""", "input has 3 values; the model [4, 6, 3] relu,softmax takes 4"),
            ("/predict", """{"inputs": {"sepal_length": 1, "sepal_width": 2, "petal_length": 3}}""", "inputs has no 'petal_width'"),
            ("/predict", """{"input": [1, 2, 3, 4], "inputs": {}}""", "not both"),
            ("/predict", "{\"input\": [1, 2,", "the body is not {\"input\": [...]} as JSON"),
            ("/predict/batch", """{"inputs": [[1, 2, 3, 4], [1, 2, 3]]}""", "row 1 has 3 values; the model [4, 6, 3] relu,softmax takes 4"),
            ("/predict/batch", """{"rows": []}""", "the body has no \"inputs\""),
            ("/predict/batch", $$"""{"inputs": [{{string.Join(", ", Enumerable.Repeat("[1, 2, 3, 4]", 10_001))}}]}""", "the batch has more than 10000 rows; send at most 10000 rows per batch"),
        ];
        foreach ((string where, string body, string message) in bad)
        {
            (HttpStatusCode status, JsonElement reply) = await Post(client, where, body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains(message, reply.GetProperty("error").GetString());
        }

        JsonElement stats = await Get(client, "/stats");
        Assert.True(stats.GetProperty("requests").GetInt64() >= 15);
    }

    [Fact]
    public async Task A_bad_model_file_stops_the_server_at_start_up_naming_the_file()
    {
        string path = PathOf("broken.bpsimd");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.Start(path));

        Assert.Contains("the server exited with code 1: ", error.Message);
        Assert.Contains($"backprop-server: {path}: offset 0: not a Backprop.Simd model file", error.Message);
    }

    [Fact]
    public async Task A_regression_model_from_onnx_answers_in_the_targets_units_with_their_names()
    {
        SavedModel model = OnnxSchemaTests.Regression();
        string path = PathOf("regression.onnx");
        OnnxModel.Save(path, model);
        var predictor = new Predictor(model);
        using ServerProcess server = await ServerProcess.Start(path);
        HttpClient client = server.Client;

        JsonElement health = await Get(client, "/health");
        Assert.Equal("regression", health.GetProperty("task").GetString());
        Assert.Equal(["MEDV", "price"], Strings(health.GetProperty("outputNames")));

        float[][] rows = [[11f, -3.1f, 120f, 0.4f, 52f], [9f, -2.8f, 80f, 1.5f, 30f]];
        (HttpStatusCode status, JsonElement reply) = await Post(client, "/predict", $$"""{"input": {{Row(rows[0])}}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        float[] expected = Expected(predictor, rows[0]);
        Assert.Equal(expected, Floats(reply.GetProperty("output")));
        Assert.Contains(expected, v => MathF.Abs(v) > 5); // in the targets' units, not standardised
        Assert.Equal(["MEDV", "price"], Strings(reply.GetProperty("names")));
        Assert.False(reply.TryGetProperty("class", out _));

        (status, reply) = await Post(client, "/predict/batch", $$"""{"inputs": [{{Row(rows[0])}}, {{Row(rows[1])}}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonElement[] results = reply.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(expected, Floats(results[0].GetProperty("output")));
        Assert.Equal(Expected(predictor, rows[1]), Floats(results[1].GetProperty("output")));

        (status, reply) = await Post(client, "/predict", """{"inputs": {"crim": 1, "zn": 2, "tax": 3, "age": 5}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("inputs has no 'nox'", reply.GetProperty("error").GetString());
    }
}
