using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Backprop.Simd.Tests.Onnx;

namespace Backprop.Simd.Tests.Server;

/// <summary>
/// The budget of floats in flight: large requests (batches) take their share of it before they read
/// their bodies and wait while it is taken, so however many arrive at once the rows held stay within
/// it; waiting requests are answered in full once the others end, and the memory of the burst is then
/// given back by one collection. Seen through /stats, with bodies held half-sent so that the requests
/// are in flight for as long as the test needs (no timing is asserted).
/// </summary>
public class ServerBudgetTests() : TemporaryFolder("server-budget")
{
    private const int Rows = 5000;

    // A body sent in two halves: the second only once the gate opens.
    private sealed class HeldContent(byte[] body, Task gate) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
            await stream.FlushAsync();
            await gate;
            await stream.WriteAsync(body.AsMemory(body.Length / 2));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }

    private static async Task<JsonElement> Stats(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync("/stats")).RootElement.Clone();

    // Polls /stats until done says so (at most a minute), checking every reading against the budget.
    private static async Task<JsonElement> Until(HttpClient client, Func<JsonElement, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            JsonElement stats = await Stats(client);
            Assert.InRange(stats.GetProperty("floatsInFlight").GetInt64(), 0, stats.GetProperty("floatBudget").GetInt64());
            if (done(stats)) return stats;
            Assert.True(DateTime.UtcNow < deadline, $"{what}: /stats is {stats}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Large_requests_wait_for_their_share_of_the_floats_in_flight_and_are_all_answered()
    {
        SavedModel model = OnnxExportTests.Model([3, 4, 2], Activation.Relu, Activation.Identity, CostFunction.Quadratic, seed: 5);
        string path = PathOf("small.bpsimd");
        ModelFile.Save(path, model);
        float[] inputs = OnnxExportTests.Inputs(Rows, 3, seed: 2);
        var expected = new float[Rows * 2];
        new Predictor(model).PredictBatch(inputs, Rows, expected);
        string json = "{\"inputs\": [" + string.Join(",", Enumerable.Range(0, Rows).Select(r =>
            "[" + string.Join(",", inputs.AsSpan(r * 3, 3).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]")) + "]}";
        byte[] body = Encoding.UTF8.GetBytes(json);

        // Two units of 65,536 floats; each of these batches takes one (5,000 rows of 3 inputs and 2 outputs: 25,000 floats).
        using ServerProcess server = await ServerProcess.Start(path, arguments: ["--max-floats-in-flight", "131072"]);
        JsonElement idle = await Stats(server.Client);
        Assert.Equal(131072, idle.GetProperty("floatBudget").GetInt64());
        long collectionsBefore = idle.GetProperty("idleCollections").GetInt64();

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<HttpResponseMessage>[] requests = Enumerable.Range(0, 4).Select(_ =>
        {
            var content = new HeldContent(body, gate.Task);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return server.Client.PostAsync("/predict/batch", content);
        }).ToArray();
        try
        {
            // Two hold the whole budget, reading their bodies; the other two wait for it, and have read nothing.
            await Until(server.Client, s => s.GetProperty("floatsInFlight").GetInt64() == 131072 && s.GetProperty("waitingForBudget").GetInt32() == 2, "two requests in flight and two waiting");
        }
        finally
        {
            gate.SetResult();
        }

        foreach (Task<HttpResponseMessage> request in requests)
        {
            using HttpResponseMessage response = await request;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            JsonElement reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            float[] actual = reply.GetProperty("results").EnumerateArray().SelectMany(r => r.GetProperty("output").EnumerateArray().Select(v => v.GetSingle())).ToArray();
            Assert.Equal(expected, actual);
        }

        // Nothing is held once they are answered, and the burst's memory is collected.
        await Until(server.Client, s => s.GetProperty("floatsInFlight").GetInt64() == 0 && s.GetProperty("waitingForBudget").GetInt32() == 0
            && s.GetProperty("idleCollections").GetInt64() > collectionsBefore, "the budget free again and one collection after the burst");
    }

    [Fact]
    public async Task A_budget_smaller_than_one_chunk_is_refused_at_start_up()
    {
        string path = PathOf("small.bpsimd");
        ModelFile.Save(path, OnnxExportTests.Model([3, 4, 2], Activation.Relu, Activation.Identity, CostFunction.Quadratic, seed: 5));
        InvalidOperationException refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.Start(path, arguments: ["--max-floats-in-flight", "1000"]));
        Assert.Contains("the server exited with code 2: backprop-server: --max-floats-in-flight '1000' is not a whole number of at least 65536", refused.Message);
    }
}
