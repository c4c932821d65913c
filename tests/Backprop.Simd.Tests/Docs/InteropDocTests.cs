using System.Text.Json;
using Backprop.Simd.Tests.Cli;

namespace Backprop.Simd.Tests.Docs;

/// <summary>
/// docs/interop.md: the PyTorch snippet, taken from the page as it is, rebuilds the network that
/// <c>backprop export --format torch</c> wrote and gives our predictor's outputs within 1e-6.
/// </summary>
public sealed class InteropDocTests() : TemporaryFolder("interop-doc-")
{
    private const int Samples = 16;

    [Fact]
    public void The_pytorch_snippet_reproduces_a_classifier_with_standardised_inputs()
    {
        var layout = new NetworkLayout([6, 9, 4], [Activation.Sigmoid, Activation.Softmax]);
        var schema = new DataSchema
        {
            Task = LearningTask.Classification,
            OutputNames = ["a", "b", "c", "d"],
            Inputs = new Standardization([1f, -2f, 0.5f, 3f, 0f, 10f], [2f, 0.5f, 1f, 4f, 1.5f, 3f]),
        };
        RequireSamePredictions(new SavedModel(Network<float>.Create(layout, Initialization.Nielsen, seed: 3), CostFunction.LogLikelihood) { Schema = schema });
    }

    [Fact]
    public void The_pytorch_snippet_reproduces_a_regression_with_standardised_inputs_and_targets()
    {
        var layout = new NetworkLayout([5, 8, 7, 2], [Activation.Relu, Activation.Tanh, Activation.Identity]);
        var schema = new DataSchema
        {
            Task = LearningTask.Regression,
            Inputs = new Standardization([0f, 1f, 2f, 3f, 4f], [1f, 2f, 0.25f, 3f, 0.5f]),
            Targets = new Standardization([0.25f, -0.5f], [0.5f, 0.75f]),
        };
        RequireSamePredictions(new SavedModel(Network<float>.Create(layout, Initialization.He, seed: 4), CostFunction.Quadratic) { Schema = schema });
    }

    [Fact]
    public void Npy_export_writes_the_lecture_names_and_the_description()
    {
        var layout = new NetworkLayout([3, 4, 2], [Activation.Tanh, Activation.Sigmoid]);
        var model = new SavedModel(Network<float>.Create(layout, Initialization.Scaled, seed: 1), CostFunction.CrossEntropy);
        ModelFile.Save(PathOf("m.bpsimd"), model);
        var (code, stdout, stderr) = CliRunner.Run("export", "--model", PathOf("m.bpsimd"), "--out", PathOf("npy"));
        Assert.True(code == 0, stderr);
        Assert.Equal(["W1.npy", "b1.npy", "W2.npy", "b2.npy", "model.json"], stdout.Trim().Split('\n').Select(l => Path.GetFileName(l.Trim())));
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(PathOf("npy/model.json")));
        JsonElement d = json.RootElement;
        Assert.Equal("npy", d.GetProperty("format").GetString());
        Assert.Equal([3, 4, 2], d.GetProperty("layers").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(["tanh", "sigmoid"], d.GetProperty("activations").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("sigmoid", d.GetProperty("output_activation").GetString());
        Assert.Equal("cross-entropy", d.GetProperty("cost").GetString());
        Assert.Equal("classification", d.GetProperty("task").GetString());
        Assert.Equal(JsonValueKind.Null, d.GetProperty("input_standardization").ValueKind);
        Assert.Equal("W2.npy", d.GetProperty("parameters")[1].GetProperty("weight").GetString());
        Assert.Equal([2, 4], d.GetProperty("parameters")[1].GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        (float[] w2, int[] shape) = NpyFile.Read<float>(PathOf("npy/W2.npy"));
        Assert.Equal([2, 4], shape);
        Assert.Equal(model.Network.Weights(1).ToArray(), w2);
    }

    private void RequireSamePredictions(SavedModel model)
    {
        NetworkLayout layout = model.Network.Layout;
        ModelFile.Save(PathOf("model.bpsimd"), model);
        var (code, stdout, stderr) = CliRunner.Run("export", "--model", PathOf("model.bpsimd"), "--format", "torch", "--out", PathOf("model-torch"));
        Assert.True(code == 0, stderr);
        Assert.Contains("0.weight.npy", stdout);
        Assert.True(File.Exists(PathOf($"model-torch/{2 * (layout.LayerCount - 1)}.bias.npy")));

        var random = new SeededRandom(7);
        var x = new float[Samples * layout.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 8 - 4);
        NpyFile.Write<float>(PathOf("x.npy"), x, Samples, layout.InputSize);
        string snippet = Snippet.FromDocs("interop.md", "python", "load_state_dict");
        Python.Run(Folder, snippet + "np.save(\"torch.npy\", predict(np.load(\"x.npy\")))\n");

        (float[] theirs, int[] shape) = NpyFile.Read<float>(PathOf("torch.npy"));
        Assert.Equal([Samples, layout.OutputSize], shape);
        var ours = new float[Samples * layout.OutputSize];
        new Predictor(ModelFile.Load(PathOf("model.bpsimd"))).PredictBatch(x, Samples, ours);
        double worst = ours.Zip(theirs, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-6, $"PyTorch and our predictor differ by up to {worst:G3}");
        Assert.True(ours.Distinct().Count() > Samples, "the outputs should vary from sample to sample"); // the comparison is not of constants
    }
}
