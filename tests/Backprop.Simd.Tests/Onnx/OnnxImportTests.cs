using Backprop.Simd.Onnx;
using Backprop.Simd.Onnx.Wire;

namespace Backprop.Simd.Tests.Onnx;

/// <summary>Hand-built graphs in the forms exporters write: each is imported and must compute what ONNX Runtime computes.</summary>
public class OnnxImportTests
{
    private static SavedModel ImportAndCompare(byte[] onnx, int inputWidth)
    {
        SavedModel model = OnnxModel.Deserialize(onnx, "test.onnx");
        float[] inputs = OnnxExportTests.Inputs(1000, inputWidth, seed: 5);
        float[] theirs = OnnxRuntimeRunner.Run(onnx, inputs, 1000);
        float[] ours = OnnxExportTests.Ours(new Predictor(model.Network), inputs, 1000);
        Assert.True(OnnxRuntimeRunner.MaxAbsDifference(ours, theirs) <= 1e-5f, $"max |ours - ONNX Runtime| = {OnnxRuntimeRunner.MaxAbsDifference(ours, theirs)}");
        return model;
    }

    [Fact]
    public void Gemm_without_transB_and_with_alpha_beta_and_a_row_bias()
    {
        byte[] onnx = new TestGraph([null, 6])
            .Floats("B", [6, 4], 1).Floats("C", [1, 4], 2)
            .Node("Gemm", ["x", "B", "C"], "z", OnnxAttribute.Float("alpha", 0.5f), OnnxAttribute.Float("beta", 2f))
            .Node("Sigmoid", ["z"], "y").Output("y").Bytes();

        SavedModel model = ImportAndCompare(onnx, 6);

        Assert.Equal([6, 4], model.Network.Layout.Sizes.ToArray());
    }

    [Fact]
    public void MatMul_with_the_bias_added_first_and_identity_nodes_on_the_way()
    {
        byte[] onnx = new TestGraph([null, 5])
            .Floats("W", [5, 7], 1).Floats("b", [7], 2).Floats("W2", [7, 3], 3).Floats("b2", [3], 4)
            .Node("Identity", ["x"], "x1")
            .Node("MatMul", ["x1", "W"], "m").Node("Add", ["b", "m"], "z").Node("Identity", ["z"], "z1").Node("Tanh", ["z1"], "a")
            .Node("MatMul", ["a", "W2"], "m2").Node("Add", ["m2", "b2"], "z2").Node("Identity", ["z2"], "y").Output("y").Bytes();

        SavedModel model = ImportAndCompare(onnx, 5);

        Assert.Equal([Activation.Tanh, Activation.Identity], model.Network.Layout.ActivationFunctions.ToArray());
    }

    [Fact]
    public void Reshape_by_a_constant_node_and_softmax_with_the_old_default_axis()
    {
        var shape = new OnnxTensor { Name = "shape_value", DataType = OnnxDataType.Int64 };
        shape.Dims.Add(2);
        shape.Int64Data.AddRange([-1, 12]);
        byte[] onnx = new TestGraph([null, 3, 4], opset: 11)
            .Floats("B", [8, 12], 1).Floats("C", [8], 2).Floats("B2", [4, 8], 3).Floats("C2", [4], 4)
            .Node(OnnxNode.Create("shape", "Constant", [], "s", OnnxAttribute.Tensor("value", shape)))
            .Node("Reshape", ["x", "s"], "flat")
            .Node("Gemm", ["flat", "B", "C"], "z", OnnxAttribute.Int("transB", 1)).Node("Relu", ["z"], "a")
            .Node("Gemm", ["a", "B2", "C2"], "z2", OnnxAttribute.Int("transB", 1)).Node("Softmax", ["z2"], "y").Output("y").Bytes();

        SavedModel model = ImportAndCompare(onnx, 12);

        Assert.Equal([12, 8, 4], model.Network.Layout.Sizes.ToArray());
        Assert.Equal(Activation.Softmax, model.Network.Layout.OutputActivation);
    }

    [Fact]
    public void Flatten_then_two_gemms_in_a_row_make_an_identity_layer_and_a_scalar_bias_broadcasts()
    {
        byte[] onnx = new TestGraph([null, 2, 3])
            .Floats("B", [6, 5], 1).Floats("C", [1], 2).Floats("B2", [3, 5], 3)
            .Node("Flatten", ["x"], "flat", OnnxAttribute.Int("axis", 1))
            .Node("Gemm", ["flat", "B", "C"], "z")
            .Node("Gemm", ["z", "B2"], "y", OnnxAttribute.Int("transB", 1)).Output("y").Bytes();

        SavedModel model = ImportAndCompare(onnx, 6);

        Assert.Equal([6, 5, 3], model.Network.Layout.Sizes.ToArray());
        Assert.Equal([Activation.Identity, Activation.Identity], model.Network.Layout.ActivationFunctions.ToArray());
    }

    [Fact]
    public void Initializers_listed_as_graph_inputs_are_not_taken_for_the_data_input()
    {
        byte[] onnx = new TestGraph([null, 4])
            .Floats("B", [3, 4], 1).Floats("C", [3], 2)
            .Node("Gemm", ["x", "B", "C"], "z", OnnxAttribute.Int("transB", 1)).Node("Sigmoid", ["z"], "y").Output("y")
            .InitializersAsInputs().Bytes();

        Assert.Equal([4, 3], OnnxModel.Deserialize(onnx, "old.onnx").Network.Layout.Sizes.ToArray());
    }

    [Fact]
    public void Float_data_stored_in_the_typed_field_reads_like_raw_data()
    {
        var weights = new OnnxTensor { Name = "B", DataType = OnnxDataType.Float };
        weights.Dims.AddRange([2, 3]);
        weights.FloatData.AddRange([1, 2, 3, 4, 5, 6]);
        byte[] onnx = new TestGraph([null, 3]).Tensor(weights)
            .Node("Gemm", ["x", "B"], "y", OnnxAttribute.Int("transB", 1)).Output("y").Bytes();

        SavedModel model = ImportAndCompare(onnx, 3);

        Assert.Equal([1f, 2, 3, 4, 5, 6], model.Network.Weights(0).ToArray());
    }
}
