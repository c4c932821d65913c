using Backprop.Simd.Onnx;
using Backprop.Simd.Tests.Kernels;

namespace Backprop.Simd.Tests.Onnx;

public class OnnxExportTests() : TemporaryFolder("onnx-export")
{
    internal static SavedModel Model(int[] sizes, Activation hidden, Activation output, CostFunction cost = CostFunction.Quadratic, ulong seed = 5) =>
        new(Network<float>.Create(new NetworkLayout(sizes, Enumerable.Repeat(hidden, sizes.Length - 2).Append(output).ToArray()), Initialization.Scaled, seed), cost);

    internal static float[] Inputs(int count, int width, int seed) => TestData.ToFloat(TestData.Uniform(count * width, seed, -1, 1));

    internal static float[] Ours(Predictor predictor, float[] inputs, int count)
    {
        var outputs = new float[count * predictor.OutputSize];
        predictor.PredictBatch(inputs, count, outputs);
        return outputs;
    }

    public static TheoryData<int[], Activation, Activation> Shapes => new()
    {
        { [784, 30, 10], Activation.Sigmoid, Activation.Sigmoid },
        { [784, 100, 10], Activation.Sigmoid, Activation.Sigmoid },
        { [784, 64, 10], Activation.Relu, Activation.Softmax },
        { [20, 16, 12, 3], Activation.Tanh, Activation.Identity },
        { [5, 9, 4], Activation.Identity, Activation.Relu },
        { [1, 1], Activation.Sigmoid, Activation.Tanh },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Onnx_runtime_computes_what_our_predictor_computes_on_1000_random_inputs(int[] sizes, Activation hidden, Activation output)
    {
        SavedModel model = Model(sizes, hidden, output);
        byte[] onnx = OnnxModel.Serialize(model);
        float[] inputs = Inputs(1000, sizes[0], seed: 11);

        float[] theirs = OnnxRuntimeRunner.Run(onnx, inputs, 1000);
        float[] ours = Ours(new Predictor(model.Network), inputs, 1000);

        Assert.True(OnnxRuntimeRunner.MaxAbsDifference(ours, theirs) <= 1e-5f, $"max |ours - ONNX Runtime| = {OnnxRuntimeRunner.MaxAbsDifference(ours, theirs)}");
    }

    [Fact]
    public void Input_and_output_are_named_with_a_dynamic_batch_dimension()
    {
        byte[] onnx = OnnxModel.Serialize(Model([784, 30, 10], Activation.Sigmoid, Activation.Softmax));

        (string inputName, int[] inputDims) = OnnxRuntimeRunner.Input(onnx);
        (string outputName, int[] outputDims) = OnnxRuntimeRunner.Output(onnx);
        Assert.Equal("input", inputName);
        Assert.Equal([-1, 784], inputDims);
        Assert.Equal("output", outputName);
        Assert.Equal([-1, 10], outputDims);
        float[] one = OnnxRuntimeRunner.Run(onnx, Inputs(1, 784, 1), 1);
        float[] many = OnnxRuntimeRunner.Run(onnx, Inputs(37, 784, 1), 37);
        Assert.Equal(10, one.Length);
        Assert.Equal(370, many.Length);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Our_model_through_onnx_and_back_predicts_the_same_bits(int[] sizes, Activation hidden, Activation output)
    {
        // A cost the output can take (import refuses another, as the model file's loader does), and not the default for it.
        CostFunction cost = output switch { Activation.Sigmoid => CostFunction.CrossEntropy, Activation.Softmax => CostFunction.Quadratic, _ => CostFunction.Quadratic };
        SavedModel model = Model(sizes, hidden, output, cost);
        SavedModel back = OnnxModel.Deserialize(OnnxModel.Serialize(model), "round trip");

        Assert.Equal(model.Network.Layout, back.Network.Layout);
        Assert.Equal(cost, back.Cost);
        Assert.Equal(model.Network.Parameters.ToArray(), back.Network.Parameters.ToArray());
        float[] inputs = Inputs(200, sizes[0], seed: 3);
        Assert.Equal(Ours(new Predictor(model.Network), inputs, 200), Ours(new Predictor(back.Network), inputs, 200));
    }

    [Fact]
    public void Saved_file_loads_through_the_predictor_extension()
    {
        SavedModel model = Model([12, 6, 4], Activation.Relu, Activation.Softmax);
        string path = PathOf("model.onnx");
        OnnxModel.Save(path, model);

        Predictor predictor = Predictor.LoadOnnx(path);

        float[] inputs = Inputs(10, 12, seed: 8);
        Assert.Equal(Ours(new Predictor(model.Network), inputs, 10), Ours(predictor, inputs, 10));
    }
}
