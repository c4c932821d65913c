using Backprop.Simd.Tests.Cli;

namespace Backprop.Simd.Tests.Docs;

/// <summary>
/// docs/gradcheck.md, run: the page's NumPy code with /usr/bin/python3, then the page's gradcheck
/// command on what it saved; it passes, and with the page's bug (sigma' dropped) it fails in layer 1 only.
/// </summary>
public sealed class GradcheckDocTests() : TemporaryFolder("gradcheck-doc-")
{
    [Fact]
    public void The_numpy_gradient_of_the_page_passes()
    {
        Python.Run(Folder, Snippet.FromDocs("gradcheck.md", "python", "np.save(\"x.npy\", x)"));
        var (code, stdout, stderr) = CliRunner.Run(CommandOfThePage(Folder));
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("layer 1 (W1, b1): ok", stdout);
        Assert.Contains("layer 2 (W2, b2): ok", stdout);
        Assert.EndsWith("passed", stdout.TrimEnd());
    }

    [Fact]
    public void The_numpy_gradient_without_sigma_prime_fails_in_the_first_layer()
    {
        string script = Snippet.FromDocs("gradcheck.md", "python", "np.save(\"x.npy\", x)");
        string bug = Snippet.FromDocs("gradcheck.md", "python", "bug:").TrimEnd('\n');
        string[] lines = script.Split('\n');
        Assert.Single(lines, l => l.StartsWith("delta1 = ", StringComparison.Ordinal));
        string buggy = string.Join('\n', lines.Select(l => l.StartsWith("delta1 = ", StringComparison.Ordinal) ? bug : l));
        Python.Run(Folder, buggy);

        var (code, stdout, _) = CliRunner.Run(CommandOfThePage(Folder));
        Assert.Equal(1, code);
        Assert.Contains("layer 1 (W1, b1): FAILED", stdout);
        Assert.Contains("layer 2 (W2, b2): ok", stdout);
        Assert.Matches(@"FAILED: layer 1 \(W1, b1\): (W1\[\d,\d\]|b1\[\d\]) is ", stdout);
    }

    [Fact]
    public void Torch_names_a_mean_gradient_and_the_worst_parameter_by_its_state_dict_name()
    {
        var layout = new NetworkLayout([3, 6, 4], [Activation.Tanh, Activation.Softmax]);
        var model = new SavedModel(Network<float>.Create(layout, Initialization.Xavier, seed: 2), CostFunction.LogLikelihood);
        ModelFile.Save(PathOf("m.bpsimd"), model);
        Assert.Equal(0, CliRunner.Run("export", "--model", PathOf("m.bpsimd"), "--format", "torch", "--out", PathOf("params")).ExitCode);

        const int count = 5;
        var random = new SeededRandom(3);
        double[] x = Enumerable.Range(0, count * 3).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var y = new double[count * 4];
        for (int i = 0; i < count; i++) y[i * 4 + random.NextInt(4)] = 1;
        NpyFile.Write<double>(PathOf("x.npy"), x, count, 3);
        NpyFile.Write<double>(PathOf("y.npy"), y, count, 4);
        var gradient = new double[layout.ParameterCount];
        new BatchBackprop<double>(layout, count).Backpropagate(model.Network.Convert<double>(), x, y, count, CostFunction.LogLikelihood, gradient);
        for (int i = 0; i < gradient.Length; i++) gradient[i] /= count; // the gradient of the mean cost, as PyTorch's losses give it
        WriteTorchNames(layout, gradient, PathOf("grad"));
        string[] check = ["gradcheck", "--params", PathOf("params"), "--gradient", PathOf("grad"), "--x", PathOf("x.npy"), "--y", PathOf("y.npy"),
            "--description", PathOf("params/model.json")];

        var (code, stdout, stderr) = CliRunner.Run([.. check, "--reduction", "mean"]);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("layer 2 (2.weight, 2.bias): ok", stdout);

        int wrong = layout.WeightOffset(1) + 1 * 6 + 3; // 2.weight[1,3]
        gradient[wrong] += 0.01;
        WriteTorchNames(layout, gradient, PathOf("grad"));
        (code, stdout, _) = CliRunner.Run([.. check, "--reduction", "mean"]);
        Assert.Equal(1, code);
        Assert.Contains("layer 1 (0.weight, 0.bias): ok", stdout);
        Assert.Contains("FAILED: layer 2 (2.weight, 2.bias): 2.weight[1,3] is ", stdout);

        gradient[wrong] -= 0.01;
        WriteTorchNames(layout, gradient, PathOf("grad"));
        (code, _, string error) = CliRunner.Run([.. check, "--reduction", "sum"]);
        Assert.Equal(1, code); // the right gradient of the mean, read as one of the sum, is count times too small
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("--x", "(3) or (count, 3)")]
    [InlineData("--gradient", "holds none of")]
    public void Bad_input_is_named(string option, string message)
    {
        var layout = new NetworkLayout([3, 2], [Activation.Sigmoid]);
        NetworkNpy.Write<double>(layout, new double[layout.ParameterCount], PathOf("params"));
        NpyFile.Write<double>(PathOf("x.npy"), new double[4], 4);
        NpyFile.Write<double>(PathOf("y.npy"), new double[2], 2);
        Directory.CreateDirectory(PathOf("empty"));
        string gradient = option == "--gradient" ? PathOf("empty") : PathOf("params");
        var (code, _, stderr) = CliRunner.Run("gradcheck", "--params", PathOf("params"), "--gradient", gradient, "--x", PathOf("x.npy"), "--y", PathOf("y.npy"));
        Assert.Equal(BackpropCliUsage, code);
        Assert.StartsWith($"backprop gradcheck: {option}: ", stderr);
        Assert.Contains(message, stderr);
    }

    private const int BackpropCliUsage = 2;

    // The page's command line, its relative paths made absolute in the folder the script ran in.
    private static string[] CommandOfThePage(string folder)
    {
        string line = Snippet.FromDocs("gradcheck.md", "sh", "backprop gradcheck").Trim();
        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(a => File.Exists(Path.Combine(folder, a)) || Directory.Exists(Path.Combine(folder, a)) ? Path.Combine(folder, a) : a)
            .ToArray();
    }

    private static void WriteTorchNames(NetworkLayout layout, double[] gradient, string folder)
    {
        Directory.CreateDirectory(folder);
        for (int l = 0; l < layout.LayerCount; l++)
        {
            NpyFile.Write<double>(Path.Combine(folder, $"{2 * l}.weight.npy"), layout.Weights<double>(gradient, l), layout.OutputsOf(l), layout.InputsOf(l));
            NpyFile.Write<double>(Path.Combine(folder, $"{2 * l}.bias.npy"), layout.Biases<double>(gradient, l), layout.OutputsOf(l));
        }
    }
}
