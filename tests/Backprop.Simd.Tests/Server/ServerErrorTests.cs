using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Backprop.Simd.Tests.Onnx;

namespace Backprop.Simd.Tests.Server;

/// <summary>
/// Every kind of bad request the server once answered with an empty 500: each now gets its 4xx as
/// application/problem+json whose detail names the problem, and the server keeps serving.
/// </summary>
public class ServerErrorTests() : TemporaryFolder("server-errors")
{
    // [3, 4, 2] identity with weights of 1e30: inputs of 1e10 overflow float32 in the output.
    private static SavedModel Overflowing()
    {
        SavedModel model = OnnxExportTests.Model([3, 4, 2], Activation.Relu, Activation.Identity, CostFunction.Quadratic, seed: 4);
        for (int layer = 0; layer < 2; layer++) model.Network.Weights(layer).Fill(1e30f);
        return model;
    }

    private static async Task<(HttpStatusCode Status, string? Type, JsonElement Body)> Send(HttpClient client, string path, byte[] body, string? contentType)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        using HttpResponseMessage response = await client.PostAsync(path, content);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Each_bad_request_gets_its_4xx_with_a_problem_naming_it()
    {
        string path = PathOf("overflow.bpsimd");
        ModelFile.Save(path, Overflowing());
        using ServerProcess server = await ServerProcess.Start(path);
        string big = "{\"input\": [" + string.Join(",", Enumerable.Repeat("1", 40_000)) + "]}";
        (string Path, string Body, string? Type, HttpStatusCode Status, string Detail)[] cases =
        [
            ("/predict", "{\"input\": [1, 2", "application/json", HttpStatusCode.BadRequest, "the body is not {\"input\": [...]} as JSON"),
            ("/predict", "{\"input\": [1, 2,, 3]}", "application/json", HttpStatusCode.BadRequest, "as JSON"),
            ("/predict", "{\"input\": [1, 2, 3]", "application/json", HttpStatusCode.BadRequest, "There is an open JSON object or array"),
            ("/predict", "{\"input\": [NaN, 2, 3]}", "application/json", HttpStatusCode.BadRequest, "'N' is an invalid start of a value"),
            ("/predict", "{\"input\": [1e39, 2, 3]}", "application/json", HttpStatusCode.BadRequest, "input: value 0 is 1e39, beyond float32"),
            ("/predict", "{\"input\": [1, 2]}", "application/json", HttpStatusCode.BadRequest, "input has 2 values; the model [3, 4, 2] relu,identity takes 3"),
            ("/predict", "{\"input\": [1, 2, 3, 4]}", "application/json", HttpStatusCode.BadRequest, "input has more than 3 values"),
            ("/predict", "{\"input\": [1, \"2\", 3]}", "application/json", HttpStatusCode.BadRequest, "input: value 1 is a string, not a number"),
            ("/predict", "[1, 2, 3]", "application/json", HttpStatusCode.BadRequest, "the body is a JSON array, not an object"),
            ("/predict", "", "application/json", HttpStatusCode.BadRequest, "as JSON"),
            ("/predict", "{\"input\": [1, 2, 3]}", "text/plain", HttpStatusCode.UnsupportedMediaType, "the Content-Type is 'text/plain'"),
            ("/predict", "{\"input\": [1, 2, 3]}", "application/xml; charset=utf-8", HttpStatusCode.UnsupportedMediaType, "send application/json"),
            ("/predict", "{\"input\": [1e10, 1e10, 1e10]}", "application/json", HttpStatusCode.UnprocessableEntity, "the input: output 0 of the model [3, 4, 2] relu,identity is Infinity"),
            ("/predict/batch", "{\"inputs\": [[0, 0, 0], [1e10, 1, 1]]}", "application/json", HttpStatusCode.UnprocessableEntity, "row 1: output 0"),
            ("/predict/batch", "{\"inputs\": [[0, 0, 0], 7]}", null, HttpStatusCode.BadRequest, "row 1 is a number; each row is an array of 3 numbers"),
            ("/predict", big, "application/json", HttpStatusCode.RequestEntityTooLarge, "the model [3, 4, 2] relu,identity takes at most"),
        ];
        foreach ((string where, string body, string? type, HttpStatusCode status, string detail) in cases)
        {
            (HttpStatusCode actual, string? replyType, JsonElement reply) = await Send(server.Client, where, Encoding.UTF8.GetBytes(body), type);
            Assert.True(status == actual, $"{body[..Math.Min(body.Length, 60)]} ({type}): {actual}, expected {status}");
            Assert.Equal("application/problem+json", replyType);
            Assert.Equal((int)status, reply.GetProperty("status").GetInt32());
            Assert.Contains(detail, reply.GetProperty("detail").GetString());
            Assert.DoesNotContain("   at ", reply.GetProperty("detail").GetString()); // no stack trace
            Assert.DoesNotContain("Exception", reply.GetProperty("detail").GetString());
        }

        // Raw float32 with a NaN, and a raw body of the wrong length.
        byte[] nan = new[] { 1f, float.NaN, 2f }.SelectMany(BitConverter.GetBytes).ToArray();
        (HttpStatusCode rawStatus, _, JsonElement rawReply) = await Send(server.Client, "/predict", nan, "application/octet-stream");
        Assert.Equal(HttpStatusCode.BadRequest, rawStatus);
        Assert.Contains("input: value 1 is NaN; inputs must be finite", rawReply.GetProperty("detail").GetString());
        (rawStatus, _, _) = await Send(server.Client, "/predict", nan[..10], "application/octet-stream");
        Assert.Equal(HttpStatusCode.BadRequest, rawStatus);

        // And it still serves: a body without a Content-Type is read as JSON.
        (HttpStatusCode ok, _, JsonElement answer) = await Send(server.Client, "/predict", "{\"x\": {\"skipped\": [1, [2]]}, \"input\": [0, 0, 0]}"u8.ToArray(), null);
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(2, answer.GetProperty("output").GetArrayLength());

        // The route that fails on purpose is there only when the environment asks for it.
        (HttpStatusCode notMapped, _, _) = await Send(server.Client, "/fault", "{}"u8.ToArray(), "application/json");
        Assert.Equal(HttpStatusCode.NotFound, notMapped);
    }

    [Fact]
    public async Task A_failure_in_the_server_is_a_500_logged_with_its_exception_and_answered_without_it()
    {
        string path = PathOf("fault.bpsimd");
        ModelFile.Save(path, Overflowing());
        var production = new Dictionary<string, string> { ["BACKPROP_SERVER_FAULT_ROUTE"] = "1", ["ASPNETCORE_ENVIRONMENT"] = "Production", ["DOTNET_ENVIRONMENT"] = "Production" };
        using (ServerProcess server = await ServerProcess.Start(path, environment: production))
        {
            (HttpStatusCode status, string? type, JsonElement reply) = await Send(server.Client, "/fault", "{}"u8.ToArray(), "application/json");

            Assert.Equal(HttpStatusCode.InternalServerError, status);
            Assert.Equal("application/problem+json", type);
            Assert.Equal(500, reply.GetProperty("status").GetInt32());
            string detail = reply.GetProperty("detail").GetString()!;
            Assert.Equal("the server failed on this request; the failure is in its log", detail);
            Assert.DoesNotContain("Exception", reply.ToString());
            Assert.DoesNotContain("injected", reply.ToString());

            // The log has the request, the exception's type and message, and where it was thrown.
            string? line = await server.WaitForErrorLine("POST /fault failed with a 500", TimeSpan.FromSeconds(20));
            Assert.True(line is not null, $"no log line for the 500 in: {server.ErrorOutput}");
            string log = server.ErrorOutput;
            Assert.Contains("fail: Backprop.Simd.Server", log);
            Assert.Contains("System.InvalidOperationException: a fault injected for testing (BACKPROP_SERVER_FAULT_ROUTE=1)", log);
            Assert.Contains("at Program.", log); // the stack trace, in the log only

            // It goes on serving.
            (HttpStatusCode ok, _, _) = await Send(server.Client, "/predict", "{\"input\": [0, 0, 0]}"u8.ToArray(), "application/json");
            Assert.Equal(HttpStatusCode.OK, ok);
        }

        // In Development the exception is the detail, for whoever debugs the server.
        var development = new Dictionary<string, string> { ["BACKPROP_SERVER_FAULT_ROUTE"] = "1", ["ASPNETCORE_ENVIRONMENT"] = "Development" };
        using (ServerProcess server = await ServerProcess.Start(path, environment: development))
        {
            (HttpStatusCode status, _, JsonElement reply) = await Send(server.Client, "/fault", "{}"u8.ToArray(), "application/json");
            Assert.Equal(HttpStatusCode.InternalServerError, status);
            Assert.Contains("System.InvalidOperationException: a fault injected for testing", reply.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task A_missing_model_stops_the_server_with_one_line_and_a_relative_path_is_from_the_start_directory()
    {
        InvalidOperationException missing = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.Start(PathOf("nowhere.bpsimd")));
        Assert.Contains("the server exited with code 1: backprop-server: ", missing.Message);
        Assert.Contains($"{PathOf("nowhere.bpsimd")}: no such model file", missing.Message);
        Assert.Single(missing.Message.Split(": backprop-server: ")[1].Trim().Split('\n'));

        InvalidOperationException folder = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.Start(Folder));
        Assert.Contains("is a directory, not a model file", folder.Message);

        ModelFile.Save(PathOf("here.bpsimd"), Overflowing());
        using ServerProcess server = await ServerProcess.Start("here.bpsimd", workingDirectory: Folder);
        using HttpResponseMessage health = await server.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_batch_of_many_chunks_of_rows_gives_the_predictors_bits_row_by_row()
    {
        // 784 inputs: 83 rows to a chunk of the streaming reader, so 200 rows span three chunks.
        SavedModel model = OnnxExportTests.Model([784, 12, 3], Activation.Relu, Activation.Softmax, CostFunction.LogLikelihood, seed: 6);
        string path = PathOf("wide.bpsimd");
        ModelFile.Save(path, model);
        float[] inputs = OnnxExportTests.Inputs(200, 784, seed: 8);
        var expected = new float[200 * 3];
        new Backprop.Simd.Predictor(model).PredictBatch(inputs, 200, expected);
        using ServerProcess server = await ServerProcess.Start(path);

        string rows = string.Join(",", Enumerable.Range(0, 200).Select(r => "[" + string.Join(",", inputs.AsSpan(r * 784, 784).ToArray().Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]"));
        (HttpStatusCode status, _, JsonElement reply) = await Send(server.Client, "/predict/batch", Encoding.UTF8.GetBytes("{\"inputs\": [" + rows + "]}"), "application/json");

        Assert.Equal(HttpStatusCode.OK, status);
        float[] actual = reply.GetProperty("results").EnumerateArray().SelectMany(r => r.GetProperty("output").EnumerateArray().Select(v => v.GetSingle())).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task A_client_that_resets_mid_body_is_logged_as_gone_not_as_a_500()
    {
        string path = PathOf("reset.bpsimd");
        ModelFile.Save(path, Overflowing());
        using ServerProcess server = await ServerProcess.Start(path);
        using (var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp))
        {
            await socket.ConnectAsync(server.Url.Host, server.Url.Port);
            string head = "POST /predict/batch HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head + "{\"inputs\": [[0, 0, 0], [1, 2,"));
            await Task.Delay(500);                              // the server is now waiting for the rest of the body
            socket.LingerState = new System.Net.Sockets.LingerOption(true, 0); // close with a reset, not a FIN
        }

        string? gone = await server.WaitForErrorLine("the client went away mid-request", TimeSpan.FromSeconds(20));
        Assert.True(gone is not null, $"no line for the reset in: {server.ErrorOutput}");
        Assert.Contains("POST /predict/batch", gone);

        // The server still answers, and nothing was logged as its own failure.
        (HttpStatusCode status, _, _) = await Send(server.Client, "/predict", "{\"input\": [0, 0, 0]}"u8.ToArray(), "application/json");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("failed with a 500", server.ErrorOutput);
    }
}
