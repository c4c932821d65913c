using System.IO.Compression;
using System.Text.Json;

namespace Backprop.Simd.Tests.Cli;

/// <summary>The backprop command line as scripts use it: JSON output, exit codes and messages.</summary>
public sealed class CliTests() : TemporaryFolder("cli-tests-")
{
    private string TrainSmallModel(string name = "model.bpsimd", params string[] extra)
    {
        string model = PathOf(name);
        var (code, _, err) = CliRunner.Run(["train", "--epochs", "1", "--json", "--out", model, .. extra]);
        Assert.True(code == 0, err);
        return model;
    }

    [Fact]
    public void Train_prints_one_json_object_per_epoch_and_a_final_one()
    {
        string model = PathOf("m.bpsimd");
        var (code, stdout, stderr) = CliRunner.Run("train", "--epochs", "2", "--threads", "2", "--batch", "64", "--eta", "6", "--seed", "5", "--json", "--out", model);
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        string[] lines = stdout.TrimEnd().Split('\n');
        Assert.Equal(3, lines.Length);
        JsonElement epoch = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal(1, epoch.GetProperty("epoch").GetInt32());
        JsonElement final = CliRunner.LastJson(stdout);
        Assert.InRange(final.GetProperty("test_accuracy").GetDouble(), 0.80, 1.0);
        Assert.Equal(2, final.GetProperty("epochs").GetInt32());
        Assert.True(final.GetProperty("seconds_per_epoch").GetDouble() > 0);
        Assert.True(final.GetProperty("samples_per_second").GetDouble() > 0);
        Assert.Equal(2, final.GetProperty("threads").GetInt32());
        Assert.Equal(5, final.GetProperty("seed").GetInt32());
        Assert.Equal(Path.GetFullPath(model), final.GetProperty("model").GetString());
        Assert.Equal("[784, 30, 10] sigmoid,sigmoid", ModelFile.Load(model).Network.Layout.ToString());
    }

    [Fact]
    public void The_same_seed_and_threads_write_the_same_model_bytes()
    {
        string a = TrainSmallModel("a.bpsimd", "--threads", "2", "--batch", "64", "--seed", "9");
        string b = TrainSmallModel("b.bpsimd", "--threads", "2", "--batch", "64", "--seed", "9");
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
    }

    [Fact]
    public void Without_json_a_line_per_epoch_and_the_results_are_shown()
    {
        // Output that is not a terminal gets a line per epoch instead of the live progress bars.
        var (code, stdout, _) = CliRunner.Run("train", "--epochs", "2", "--out", PathOf("t.bpsimd"));
        Assert.Equal(0, code);
        Assert.Contains("epoch 1/2: train cost", stdout);
        Assert.Contains("epoch 2/2: train cost", stdout);
        Assert.DoesNotContain("Epochs", stdout); // the table of the terminal would repeat the lines
        Assert.Contains("Test accuracy", stdout);
        Assert.Contains("confusion matrix", stdout);
    }

    [Fact]
    public void Evaluate_reports_accuracy_cost_and_confusion()
    {
        string model = TrainSmallModel();
        var (code, stdout, _) = CliRunner.Run("evaluate", "--model", model, "--json");
        Assert.Equal(0, code);
        JsonElement result = CliRunner.LastJson(stdout);
        double accuracy = result.GetProperty("test_accuracy").GetDouble();
        Assert.InRange(accuracy, 0.8, 1.0);
        Assert.True(result.GetProperty("mean_cost").GetDouble() > 0);
        JsonElement confusion = result.GetProperty("confusion");
        Assert.Equal(10, confusion.GetArrayLength());
        int total = 0, diagonal = 0;
        for (int i = 0; i < 10; i++)
        {
            for (int j = 0; j < 10; j++)
            {
                int n = confusion[i][j].GetInt32();
                total += n;
                if (i == j) diagonal += n;
            }
        }

        Assert.Equal(2000, total);
        Assert.Equal(accuracy, diagonal / 2000.0, 12);
    }

    [Fact]
    public void Predict_gives_the_output_vector_and_the_class()
    {
        string model = TrainSmallModel();
        var (code, stdout, _) = CliRunner.Run("predict", "--model", model, "--index", "3", "--json");
        Assert.Equal(0, code);
        JsonElement result = CliRunner.LastJson(stdout);
        float[] output = result.GetProperty("output").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(10, output.Length);
        Assert.Equal(Array.IndexOf(output, output.Max()), result.GetProperty("predicted").GetInt32());
        Assert.InRange(result.GetProperty("label").GetInt32(), 0, 9);
    }

    [Fact]
    public void Gradcheck_passes_on_new_networks_and_saved_models()
    {
        var (code, stdout, stderr) = CliRunner.Run("gradcheck", "--layers", "12,7,5", "--activation", "tanh", "--output-activation", "softmax", "--cost", "log-likelihood", "--json");
        Assert.True(code == 0, stdout + stderr);
        JsonElement result = CliRunner.LastJson(stdout);
        Assert.True(result.GetProperty("passed").GetBoolean());
        Assert.Equal(12 * 7 + 7 + 7 * 5 + 5, result.GetProperty("parameters_checked").GetInt32());
        Assert.True(result.GetProperty("max_relative_error").GetDouble() <= 1e-6);

        string model = TrainSmallModel();
        (code, stdout, _) = CliRunner.Run("gradcheck", "--model", model, "--samples", "2", "--max-parameters", "500", "--json");
        Assert.Equal(0, code);
        Assert.Equal(500, CliRunner.LastJson(stdout).GetProperty("parameters_checked").GetInt32());
    }

    [Fact]
    public void An_onnx_export_evaluates_and_predicts_like_the_model_it_came_from()
    {
        string model = TrainSmallModel();
        string onnx = PathOf("model.onnx");
        var (code, stdout, stderr) = CliRunner.Run("export", "--model", model, "--format", "onnx", "--out", onnx);
        Assert.True(code == 0, stderr);
        Assert.Equal(onnx, stdout.Trim());

        JsonElement ours = CliRunner.LastJson(CliRunner.Run("evaluate", "--model", model, "--json").Out);
        JsonElement viaOnnx = CliRunner.LastJson(CliRunner.Run("evaluate", "--model", onnx, "--json").Out);
        Assert.Equal(ours.GetProperty("test_accuracy").GetDouble(), viaOnnx.GetProperty("test_accuracy").GetDouble());
        Assert.Equal(ours.GetProperty("mean_cost").GetDouble(), viaOnnx.GetProperty("mean_cost").GetDouble());

        string oursPredict = CliRunner.LastJson(CliRunner.Run("predict", "--model", model, "--index", "5", "--json").Out).GetProperty("output").GetRawText();
        string onnxPredict = CliRunner.LastJson(CliRunner.Run("predict", "--model", onnx, "--index", "5", "--json").Out).GetProperty("output").GetRawText();
        Assert.Equal(oursPredict, onnxPredict);
    }

    [Fact]
    public void An_onnx_file_that_is_not_a_dense_network_fails_naming_the_node()
    {
        string onnx = PathOf("conv.onnx");
        File.WriteAllBytes(onnx, new Onnx.TestGraph([null, 4]).Floats("B", [3, 4], 1)
            .Node("Gemm", ["x", "B"], "z", Simd.Onnx.Wire.OnnxAttribute.Int("transB", 1)).Node("Elu", ["z"], "y").Output("y").Bytes());

        var (code, _, stderr) = CliRunner.Run("evaluate", "--model", onnx);

        Assert.Equal(1, code);
        Assert.Contains($"{onnx}: node 'n1' (Elu): operator Elu is not supported", stderr);
    }

    [Fact]
    public void Export_and_gradients_write_npy_files()
    {
        string model = TrainSmallModel();
        string folder = PathOf("npy");
        Assert.Equal(0, CliRunner.Run("export", "--model", model, "--out", folder).ExitCode);
        Assert.Equal([30, 784], NpyFile.Read<float>(Path.Combine(folder, "W1.npy")).Shape);
        Assert.Equal([10], NpyFile.Read<float>(Path.Combine(folder, "b2.npy")).Shape);

        var (code, stdout, _) = CliRunner.Run("gradients", "--model", model, "--index", "0", "--out", folder);
        Assert.Equal(0, code);
        Assert.Contains("cost C_x", stdout);
        (double[] dW2, int[] shape) = NpyFile.Read<double>(Path.Combine(folder, "dW2.npy"));
        Assert.Equal([10, 30], shape);
        Assert.Contains(dW2, v => v != 0);
        Assert.Equal([784], NpyFile.Read<double>(Path.Combine(folder, "x.npy")).Shape);
    }

    [Fact]
    public void A_plot_file_is_drawn()
    {
        string png = PathOf("curves.png"), svg = PathOf("curves.svg");
        Assert.Equal(0, CliRunner.Run("train", "--epochs", "2", "--json", "--out", PathOf("p.bpsimd"), "--plot", png).ExitCode);
        byte[] bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 1000);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        Assert.Equal(0, CliRunner.Run("train", "--epochs", "1", "--json", "--out", PathOf("p.bpsimd"), "--plot", svg).ExitCode);
        Assert.Contains("<svg", File.ReadAllText(svg));
    }

    [Fact]
    public void Any_mnist_format_folder_works_with_data()
    {
        // An MNIST-named folder made from the embedded digits' files.
        string folder = PathOf("mnist");
        Directory.CreateDirectory(folder);
        var assembly = typeof(Backprop.Simd.Cli.BackpropCli).Assembly;
        foreach (string name in Backprop.Simd.MnistFolder.FileNames)
        {
            using Stream resource = assembly.GetManifestResourceStream($"mnist-10k/{name}.gz")!;
            using var gzip = new GZipStream(resource, CompressionMode.Decompress);
            using FileStream file = File.Create(Path.Combine(folder, name)); // stored raw, without .gz
            gzip.CopyTo(file);
        }

        var (code, stdout, stderr) = CliRunner.Run("train", "--data", folder, "--epochs", "1", "--json", "--out", PathOf("f.bpsimd"));
        Assert.True(code == 0, stderr);
        Assert.Contains(Path.GetFullPath(folder), CliRunner.LastJson(stdout).GetProperty("data").GetString());
    }

    [Theory]
    [InlineData(new[] { "train", "--layers", "784,abc,10" }, "--layers: 'abc'")]
    [InlineData(new[] { "train", "--layers", "100,10" }, "the network takes 100 inputs")]
    [InlineData(new[] { "train", "--batch", "0" }, "--batch:")]
    [InlineData(new[] { "train", "--eta", "-1" }, "--eta:")]
    [InlineData(new[] { "train", "--activation", "swish" }, "'swish' is not an activation")]
    [InlineData(new[] { "train", "--cost", "cross-entropy", "--activation", "tanh" }, "--cost:")]
    [InlineData(new[] { "train", "--plot", "curves.gif" }, "must end in .png or .svg")]
    [InlineData(new[] { "train", "--no-such-option" }, "--no-such-option")]
    [InlineData(new[] { "predict", "--index", "1" }, "--model")]
    [InlineData(new[] { "gradcheck", "--samples", "0" }, "--samples")]
    public void Usage_errors_exit_with_2_and_name_the_argument(string[] args, string expected)
    {
        var (code, _, stderr) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void Failures_exit_with_1_and_name_the_file()
    {
        var (code, _, stderr) = CliRunner.Run("train", "--data", PathOf("missing"), "--epochs", "1");
        Assert.Equal(1, code);
        Assert.Contains("missing: no such folder or file", stderr);

        string corrupt = PathOf("corrupt.bpsimd");
        File.WriteAllBytes(corrupt, [1, 2, 3, 4]);
        (code, _, stderr) = CliRunner.Run("evaluate", "--model", corrupt);
        Assert.Equal(1, code);
        Assert.Contains("corrupt.bpsimd: offset 0", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }
}
