using System.Text;
using Backprop.Simd.Tests.Onnx;
using Backprop.Simd.Tests.Server;
using FsCheck.Fluent;

namespace Backprop.Simd.Tests.Fuzzing;

/// <summary>
/// Damaged requests against a running server: valid bodies (one row, named inputs, a batch, raw
/// float32) bit-flipped, cut, spliced or replaced by noise, under a random Content-Type. Whatever
/// arrives, the answer is 200 or a 4xx problem, never a 5xx (FUZZ_CASES cases, 5,000 by default).
/// </summary>
public class ServerRequestFuzzTests() : TemporaryFolder("server-fuzz")
{
    private static readonly string[] Paths = ["/predict", "/predict/batch"];

    private static readonly string?[] ContentTypes =
    [
        "application/json", null, "application/octet-stream", "text/plain", "application/json; charset=utf-8",
        "application/x-www-form-urlencoded", "application/problem+json", "multipart/form-data; boundary=x", "a/b/c", ";;", "application/json; charset=nonesuch", "application/octet-stream; x=1",
    ];

    private static readonly byte[][] Seeds =
    [
        Encoding.UTF8.GetBytes("""{"input": [5.1, 3.5, 1.4, 0.2]}"""),
        Encoding.UTF8.GetBytes("""{"inputs": {"sepal_length": 6.7, "sepal_width": 3.0, "petal_length": 5.2, "petal_width": 2.3, "id": [1, {"a": null}]}}"""),
        Encoding.UTF8.GetBytes("""{"inputs": [[5.1, 3.5, 1.4, 0.2], [-1e-30, 3.4e38, 0, 1E3]]}"""),
        new[] { 5.1f, 3.5f, 1.4f, 0.2f, 6.7f, 3.0f, 5.2f, 2.3f }.SelectMany(BitConverter.GetBytes).ToArray(),
    ];

    [Fact]
    public async Task Damaged_requests_get_200_or_a_4xx_problem_never_a_5xx()
    {
        SavedModel model = OnnxExportTests.Model([4, 6, 3], Activation.Relu, Activation.Softmax, CostFunction.LogLikelihood, seed: 9) with
        {
            Schema = new DataSchema { InputNames = ["sepal_length", "sepal_width", "petal_length", "petal_width"] },
        };
        string path = PathOf("iris.bpsimd");
        ModelFile.Save(path, model);
        using ServerProcess server = await ServerProcess.Start(path);
        HttpClient client = server.Client;
        int[] statuses = new int[600];

        var cases = Arb.From(
            from mutation in MutationArbitraries.Mutation().Generator
            from seed in Gen.Choose(0, Seeds.Length - 1)
            from route in Gen.Elements(Paths)
            from type in Gen.Elements(ContentTypes)
            select (mutation, seed, route, type));
        FuzzCampaign.Check(cases, c =>
        {
            byte[] body = c.mutation.Apply(Seeds[c.seed]);
            using var request = new HttpRequestMessage(HttpMethod.Post, c.route) { Content = new ByteArrayContent(body) };
            if (c.type is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", c.type);
            using HttpResponseMessage response = client.SendAsync(request).GetAwaiter().GetResult();
            int status = (int)response.StatusCode;
            statuses[status]++;
            Assert.True(status < 500, $"{status} for {c.route} {c.type} {Convert.ToHexString(body)}");
            if (status != 200) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        });

        // The campaign reached both sides: some requests still worked, most were refused.
        Assert.True(statuses[200] > 0 && statuses[400] > 0 && statuses[415] > 0, string.Join(", ", statuses.Select((n, s) => (n, s)).Where(p => p.n > 0).Select(p => $"{p.s}: {p.n}")));
    }
}
