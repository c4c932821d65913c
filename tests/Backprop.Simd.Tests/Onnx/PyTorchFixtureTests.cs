using Backprop.Simd.Onnx;

namespace Backprop.Simd.Tests.Onnx;

/// <summary>
/// Models exported by PyTorch 1.13's torch.onnx.export (Fixtures/onnx/make_onnx_fixtures.py):
/// imported here, they must compute what ONNX Runtime computes from the same file, and what
/// PyTorch computed when it exported them.
/// </summary>
public class PyTorchFixtureTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx", name);

    public static TheoryData<string, int[], Activation[]> Fixtures => new()
    {
        { "torch_sigmoid_784_30_10", [784, 30, 10], [Activation.Sigmoid, Activation.Sigmoid] },
        { "torch_flatten_relu_softmax_784_100_10", [784, 100, 10], [Activation.Relu, Activation.Softmax] },
        { "torch_reshape_matmul_tanh_64_32_5", [64, 32, 5], [Activation.Tanh, Activation.Identity] },
        { "torch_relu_deep_20_64_32_16_3", [20, 64, 32, 16, 3], [Activation.Relu, Activation.Relu, Activation.Tanh, Activation.Identity] },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Import_reads_the_layers_pytorch_wrote(string name, int[] sizes, Activation[] activations)
    {
        SavedModel model = OnnxModel.Load(Fixture(name + ".onnx"));

        Assert.Equal(sizes, model.Network.Layout.Sizes.ToArray());
        Assert.Equal(activations, model.Network.Layout.ActivationFunctions.ToArray());
        Assert.Equal(activations[^1] == Activation.Softmax ? CostFunction.LogLikelihood : CostFunction.Quadratic, model.Cost);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Imported_model_matches_onnx_runtime_on_1000_random_inputs(string name, int[] sizes, Activation[] activations)
    {
        _ = activations;
        var predictor = Predictor.LoadOnnx(Fixture(name + ".onnx"));
        float[] inputs = OnnxExportTests.Inputs(1000, sizes[0], seed: 21);

        float[] theirs = OnnxRuntimeRunner.Run(File.ReadAllBytes(Fixture(name + ".onnx")), inputs, 1000);
        float[] ours = OnnxExportTests.Ours(predictor, inputs, 1000);

        Assert.True(OnnxRuntimeRunner.MaxAbsDifference(ours, theirs) <= 1e-5f, $"max |ours - ONNX Runtime| = {OnnxRuntimeRunner.MaxAbsDifference(ours, theirs)}");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Imported_model_matches_pytorchs_own_outputs(string name, int[] sizes, Activation[] activations)
    {
        _ = activations;
        var predictor = Predictor.LoadOnnx(Fixture(name + ".onnx"));
        (float[] x, int[] xShape) = NpyFile.Read<float>(Fixture(name + ".x.npy"));
        (float[] y, int[] yShape) = NpyFile.Read<float>(Fixture(name + ".y.npy"));
        Assert.Equal(sizes[0], x.Length / xShape[0]);
        Assert.Equal([xShape[0], sizes[^1]], yShape);

        float[] ours = OnnxExportTests.Ours(predictor, x, xShape[0]);

        Assert.True(OnnxRuntimeRunner.MaxAbsDifference(ours, y) <= 1e-5f, $"max |ours - PyTorch| = {OnnxRuntimeRunner.MaxAbsDifference(ours, y)}");
    }
}
