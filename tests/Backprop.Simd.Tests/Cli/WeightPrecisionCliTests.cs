using System.Text.Json;

namespace Backprop.Simd.Tests.Cli;

/// <summary><c>--weights bf16</c> on evaluate and predict: the error stated, bad values named.</summary>
public sealed class WeightPrecisionCliTests() : TemporaryFolder("cli-weights-")
{
    private string TrainSmallModel()
    {
        string model = PathOf("model.bpsimd");
        var (code, _, err) = CliRunner.Run("train", "--epochs", "1", "--json", "--out", model);
        Assert.True(code == 0, err);
        return model;
    }

    [Fact]
    public void Evaluate_with_bf16_weights_states_the_accuracy_change_and_the_largest_output_difference()
    {
        string model = TrainSmallModel();
        JsonElement exact = CliRunner.LastJson(CliRunner.Run("evaluate", "--model", model, "--json").Out);
        var (code, stdout, stderr) = CliRunner.Run("evaluate", "--model", model, "--weights", "bf16", "--json");
        Assert.True(code == 0, stderr);
        JsonElement half = CliRunner.LastJson(stdout);
        Assert.Equal("bf16", half.GetProperty("weights").GetString());
        Assert.Equal(exact.GetProperty("test_accuracy").GetDouble(), half.GetProperty("float32_test_accuracy").GetDouble());
        Assert.InRange(Math.Abs(half.GetProperty("test_accuracy").GetDouble() - exact.GetProperty("test_accuracy").GetDouble()), 0, 0.01);
        double largest = half.GetProperty("largest_output_difference").GetDouble();
        Assert.InRange(largest, 1e-7, 0.05); // rounded weights move the outputs, a little

        (code, stdout, _) = CliRunner.Run("evaluate", "--model", model, "--weights", "bf16");
        Assert.Equal(0, code);
        Assert.Contains("Weights bf16: accuracy", stdout);
        Assert.Contains("largest |output difference| against float32 over the 2,000 samples", stdout);
        Assert.Equal("float32", exact.GetProperty("weights").GetString());
    }

    [Fact]
    public void Predict_takes_the_weights_too_and_an_unknown_precision_is_a_usage_error()
    {
        string model = TrainSmallModel();
        var (code, stdout, stderr) = CliRunner.Run("predict", "--model", model, "--index", "3", "--weights", "bf16", "--json");
        Assert.True(code == 0, stderr);
        JsonElement half = CliRunner.LastJson(stdout);
        JsonElement exact = CliRunner.LastJson(CliRunner.Run("predict", "--model", model, "--index", "3", "--json").Out);
        Assert.Equal(exact.GetProperty("label").GetInt32(), half.GetProperty("label").GetInt32());
        double difference = Enumerable.Range(0, 10).Max(j => Math.Abs(half.GetProperty("output")[j].GetDouble() - exact.GetProperty("output")[j].GetDouble()));
        Assert.InRange(difference, 0, 0.05);

        (code, _, stderr) = CliRunner.Run("evaluate", "--model", model, "--weights", "fp8");
        Assert.Equal(2, code);
        Assert.Contains("--weights: 'fp8' is not a weight precision; use float32 or bf16.", stderr);
    }
}
