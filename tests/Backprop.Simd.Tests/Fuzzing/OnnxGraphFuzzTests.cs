using Backprop.Simd.Kernels;
using Backprop.Simd.Onnx;
using Backprop.Simd.Onnx.Wire;
using Backprop.Simd.Tests.Onnx;
using FsCheck.Fluent;

namespace Backprop.Simd.Tests.Fuzzing;

/// <summary>
/// Well-formed protobuf, wrong models: random chains of the operators the importer reads, wired
/// straight, backwards (cycles), to themselves or to nothing, with weights that may hold NaN or an
/// infinity, Gemm alpha and beta up to 3e38 and beyond, any opset from 0 to 99999 and any cost in the
/// metadata. Import throws nothing but InvalidDataException; whatever it accepts is a model the
/// .bpsimd loader would accept too: finite parameters, a cost its output can take (FUZZ_CASES cases, 5,000 by default).
/// An import allocates at most 4 x its bytes plus 256 KiB, whatever it is given.
/// </summary>
public class OnnxGraphFuzzTests
{
    private static readonly string[] Ops = ["Gemm", "Gemm", "MatMul", "Add", "Relu", "Sigmoid", "Tanh", "Softmax", "Identity", "Flatten", "Sub", "Mul"];
    private static readonly float[] Specials = [0f, 1f, -1f, 1e-30f, 1e30f, 3e38f, float.MaxValue, float.NaN, float.PositiveInfinity, float.NegativeInfinity];
    private static readonly long[] Opsets = [0, 6, 7, 13, 17, 23, 24, 99999];
    private static readonly string?[] CostNames = [null, "Quadratic", "CrossEntropy", "LogLikelihood", "1", "Hinge", ""];

    private sealed record Plan(int Seed, int Nodes, long Opset, string? Cost);

    [Fact]
    public void Graphs_that_are_wrong_are_refused_as_invalid_data_and_what_is_accepted_is_sound()
    {
        var plans = Arb.From(
            from seed in Gen.Choose(0, int.MaxValue)
            from nodes in Gen.Choose(1, 6)
            from opset in Gen.Elements(Opsets)
            from cost in Gen.Elements(CostNames)
            select new Plan(seed, nodes, opset, cost));
        int accepted = 0, refused = 0;
        FuzzCampaign.Check(plans, plan =>
        {
            byte[] bytes = Build(plan);
            SavedModel? model = null;

            // Only InvalidDataException, and at most 4 x the bytes plus 256 KiB allocated by the import, as for damaged bytes.
            if (!FuzzCampaign.Survives(bytes, input => model = OnnxModel.Deserialize(input, "fuzzed.onnx"), factor: 4, message => Assert.StartsWith("fuzzed.onnx: ", message)))
            {
                refused++;
                return;
            }

            accepted++;
            Assert.NotNull(model);
            Assert.Equal(-1, NonFinite.IndexOf(model.Network.Parameters));
            Costs.RequireCompatible(model.Cost, model.Network.Layout.OutputActivation);
            Assert.InRange(plan.Opset, OnnxModel.MinImportOpset, OnnxModel.MaxImportOpset);
            ModelFile.Deserialize(ModelFile.Serialize(model), "round-trip"); // the loader takes what import gave
        });

        Assert.True(accepted > 0 && refused > 0, $"{accepted} accepted, {refused} refused: the campaign must reach both");
    }

    private static byte[] Build(Plan plan)
    {
        var random = new Random(plan.Seed);
        var graph = new TestGraph([null, 4], plan.Opset);
        string current = "x";
        int width = 4;
        for (int i = 0; i < plan.Nodes; i++)
        {
            string op = Ops[random.Next(Ops.Length)];
            string output = $"v{i}";
            // Mostly the straight chain; sometimes a later value (a cycle), the node's own output or a graph input again.
            string input = random.Next(10) switch
            {
                0 => $"v{i + 1 + random.Next(3)}",
                1 => output,
                _ => current,
            };
            if (random.Next(12) == 0) output = random.Next(2) == 0 ? "x" : current; // a value defined twice
            var attributes = new List<OnnxAttribute>();
            switch (op)
            {
                case "Gemm" or "MatMul":
                    int outputs = 1 + random.Next(5);
                    bool transB = op == "Gemm" && random.Next(2) == 0;
                    long[] dims = transB ? [outputs, width] : [width, outputs];
                    graph.Tensor(Tensor($"W{i}", dims, random));
                    string[] inputs = [input, $"W{i}"];
                    if (op == "Gemm")
                    {
                        if (transB) attributes.Add(OnnxAttribute.Int("transB", 1));
                        if (random.Next(3) == 0) attributes.Add(OnnxAttribute.Float("alpha", Specials[random.Next(Specials.Length)]));
                        if (random.Next(3) == 0) attributes.Add(OnnxAttribute.Float("beta", Specials[random.Next(Specials.Length)]));
                        if (random.Next(2) == 0)
                        {
                            graph.Tensor(Tensor($"C{i}", [outputs], random));
                            inputs = [.. inputs, $"C{i}"];
                        }
                    }

                    graph.Node(op, inputs, output, [.. attributes]);
                    width = outputs;
                    break;
                case "Add" or "Sub" or "Mul":
                    graph.Tensor(Tensor($"K{i}", [width], random));
                    graph.Node(op, [input, $"K{i}"], output);
                    break;
                default:
                    graph.Node(op, [input], output);
                    break;
            }

            current = output;
        }

        graph.Output(random.Next(8) == 0 ? "x" : current);
        if (plan.Cost is not null) graph.Metadata(OnnxModel.CostMetadataKey, plan.Cost);
        return graph.Bytes();
    }

    // Small weights, with now and then one special value (NaN, an infinity, the largest float).
    private static OnnxTensor Tensor(string name, long[] dims, Random random)
    {
        int count = (int)dims.Aggregate(1L, (a, b) => a * b);
        float[] values = Enumerable.Range(0, count).Select(_ => 0.5f * (2 * random.NextSingle() - 1)).ToArray();
        if (random.Next(4) == 0) values[random.Next(count)] = Specials[random.Next(Specials.Length)];
        return OnnxTensor.FromFloats(name, dims, values);
    }
}
