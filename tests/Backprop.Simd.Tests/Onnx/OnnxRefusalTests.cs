using Backprop.Simd.Onnx;
using Backprop.Simd.Onnx.Wire;

namespace Backprop.Simd.Tests.Onnx;

/// <summary>What import refuses, and that the error names the node (or graph part) and the reason instead of computing something else.</summary>
public class OnnxRefusalTests
{
    private static TestGraph Dense(long opset = 13) => new TestGraph([null, 4], opset).Floats("B", [3, 4], 1).Floats("C", [3], 2);

    // Weights and biases up to 100 in size, so that a large alpha or beta overflows them.
    private static TestGraph Large() => new TestGraph([null, 4]).Floats("B", [3, 4], 1, scale: 100f).Floats("C", [3], 2, scale: 100f);

    private static readonly OnnxAttribute TransB = OnnxAttribute.Int("transB", 1);

    public static TheoryData<string, Func<byte[]>, string> Cases => new()
    {
        { "another operator", () => Dense().Node("Gemm", ["x", "B", "C"], "z", TransB).Node("LeakyRelu", ["z"], "y").Output("y").Bytes(),
            "node 'n1' (LeakyRelu): operator LeakyRelu is not supported" },
        { "shapes that do not chain", () => Dense().Floats("B2", [2, 5], 3)
                .Node("Gemm", ["x", "B", "C"], "z", TransB).Node("Gemm", ["z", "B2"], "y", TransB).Output("y").Bytes(),
            "node 'n1' (Gemm): B 'B2' [2, 5] (transB=1) takes 5 inputs per sample, but the step before gives 3" },
        { "an input width that does not chain", () => new TestGraph([null, 7]).Floats("B", [3, 4], 1)
                .Node("Gemm", ["x", "B"], "y", TransB).Output("y").Bytes(),
            "node 'n0' (Gemm): B 'B' [3, 4] (transB=1) takes 4 inputs per sample, but the step before gives 7" },
        { "external data", () => new TestGraph([null, 4]).Tensor(External()).Node("Gemm", ["x", "B"], "y", TransB).Output("y").Bytes(),
            "node 'n0' (Gemm): tensor 'B' keeps its data in an external file" },
        { "a double initializer", () => new TestGraph([null, 4]).Tensor(Double()).Node("Gemm", ["x", "B"], "y", TransB).Output("y").Bytes(),
            "node 'n0' (Gemm): tensor 'B' has element type DOUBLE (11); FLOAT (1) is expected here" },
        { "an int64 input", () => new TestGraph([null, 4], inputType: OnnxDataType.Int64).Floats("B", [3, 4], 1)
                .Node("Gemm", ["x", "B"], "y", TransB).Output("y").Bytes(),
            "graph input 'x' has element type INT64 (7); only FLOAT (1) is supported" },
        { "too few raw bytes", () => new TestGraph([null, 4]).Tensor(Short()).Node("Gemm", ["x", "B"], "y", TransB).Output("y").Bytes(),
            "node 'n0' (Gemm): tensor 'B' has shape [3, 4] (12 values) but raw_data holds 11 values" },
        { "softmax before the output layer", () => Dense().Floats("B2", [2, 3], 3)
                .Node("Gemm", ["x", "B", "C"], "z", TransB).Node("Softmax", ["z"], "a").Node("Gemm", ["a", "B2"], "y", TransB).Output("y").Bytes(),
            "node 'n2' (Gemm): a layer after a Softmax: Softmax is supported on the output layer only" },
        { "softmax over the batch", () => Dense().Node("Gemm", ["x", "B", "C"], "z", TransB).Node("Softmax", ["z"], "y", OnnxAttribute.Int("axis", 0)).Output("y").Bytes(),
            "node 'n1' (Softmax): Softmax over axis 0 does not normalise each sample's outputs" },
        { "transA", () => Dense().Node("Gemm", ["x", "B", "C"], "y", TransB, OnnxAttribute.Int("transA", 1)).Output("y").Bytes(),
            "node 'n0' (Gemm): transA=1 would mix the samples of a batch" },
        { "a residual branch", () => new TestGraph([null, 4]).Floats("B", [4, 4], 1)
                .Node("Gemm", ["x", "B"], "z", TransB).Node("Add", ["z", "x"], "y").Output("y").Bytes(),
            "node 'n1' (Add): the bias ('x') must be a constant (an initializer or a Constant node), not a value computed by the graph" },
        { "an add after the activation", () => Dense().Floats("D", [3], 3)
                .Node("Gemm", ["x", "B", "C"], "z", TransB).Node("Relu", ["z"], "a").Node("Add", ["a", "D"], "y").Output("y").Bytes(),
            "node 'n2' (Add): an Add is read as the bias of a layer, so it must follow a Gemm or MatMul, before the activation" },
        { "a node off the chain", () => Dense().Node("Gemm", ["x", "B", "C"], "z", TransB).Node("Sigmoid", ["x"], "side").Output("z").Bytes(),
            "node 'n1' (Sigmoid): the node does not take 'z', the output of the step before it" },
        { "weights computed by the graph", () => Dense().Node("Gemm", ["x", "x", "C"], "y", TransB).Output("y").Bytes(),
            "node 'n0' (Gemm): B ('x') must be a constant" },
        { "another domain", () => Dense().Node("Gemm", ["x", "B", "C"], "z", TransB).Node(Custom()).Output("y").Bytes(),
            "node 'n1' (FusedGelu): operators of domain 'com.microsoft' are not supported" },
        { "an output inside the chain", () => Dense().Node("Gemm", ["x", "B", "C"], "z", TransB).Node("Sigmoid", ["z"], "a").Output("z").Bytes(),
            "graph output 'z' is not the end of the chain of layers, which ends at 'a'" },
        { "a reshape across samples", () => Dense().Int64s("s", 2, -1).Node("Reshape", ["x", "s"], "r").Node("Gemm", ["r", "B", "C"], "y", TransB).Output("y").Bytes(),
            "node 'n0' (Reshape): Reshape to [2, -1] changes the batch dimension" },
        { "an activation on the raw input", () => Dense().Node("Relu", ["x"], "r").Node("Gemm", ["r", "B", "C"], "y", TransB).Output("y").Bytes(),
            "node 'n0' (Relu): an activation before any Gemm or MatMul would act on the raw input" },
        { "an image without flatten", () => new TestGraph([null, 1, 2, 2]).Floats("B", [3, 4], 1).Node("Gemm", ["x", "B"], "y", TransB).Output("y").Bytes(),
            "node 'n0' (Gemm): the input to this layer has rank 4; a dense layer takes [batch, features] (add Flatten before it)" },
        { "flatten of the wrong axis", () => new TestGraph([null, 1, 2, 2]).Node("Flatten", ["x"], "f", OnnxAttribute.Int("axis", 2)).Output("f").Bytes(),
            "node 'n0' (Flatten): Flatten with axis 2 does not give [batch, features]" },
        { "an ancient opset", () => Dense(opset: 6).Node("Gemm", ["x", "B", "C"], "y", TransB).Output("y").Bytes(),
            "the model uses opset 6 of the default domain; opsets 7 to 23 are supported" },
        { "an opset from the future", () => Dense(opset: 99999).Node("Gemm", ["x", "B", "C"], "y", TransB).Output("y").Bytes(),
            "the model uses opset 99999 of the default domain; opsets 7 to 23 are supported" },
        { "a NaN weight", () => new TestGraph([null, 4]).Tensor(WithValue("B", [3, 4], 5, float.NaN)).Node("Gemm", ["x", "B"], "y", TransB).Output("y").Bytes(),
            "node 'n0' (Gemm): B 'B' has NaN at 5; weights and biases must be finite" },
        { "an infinite bias", () => Dense().Tensor(WithValue("C2", [3], 2, float.NegativeInfinity)).Node("Gemm", ["x", "B", "C2"], "y", TransB).Output("y").Bytes(),
            "node 'n0' (Gemm): C 'C2' has -Infinity at 2; weights and biases must be finite" },
        { "an infinite MatMul weight", () => new TestGraph([null, 4]).Tensor(WithValue("B", [4, 3], 0, float.PositiveInfinity)).Node("MatMul", ["x", "B"], "y").Output("y").Bytes(),
            "node 'n0' (MatMul): B 'B' has Infinity at 0; weights and biases must be finite" },
        { "an alpha that overflows the weights", () => Large().Node("Gemm", ["x", "B", "C"], "y", TransB, OnnxAttribute.Float("alpha", 1e38f)).Output("y").Bytes(),
            "node 'n0' (Gemm): alpha 1E+38 times B 'B' at " },
        { "an infinite alpha", () => Dense().Node("Gemm", ["x", "B", "C"], "y", TransB, OnnxAttribute.Float("alpha", float.PositiveInfinity)).Output("y").Bytes(),
            "node 'n0' (Gemm): alpha is Infinity; it must be finite" },
        { "a NaN beta", () => Dense().Node("Gemm", ["x", "B", "C"], "y", TransB, OnnxAttribute.Float("beta", float.NaN)).Output("y").Bytes(),
            "node 'n0' (Gemm): beta is NaN; it must be finite" },
        { "a beta that overflows the biases", () => Large().Node("Gemm", ["x", "B", "C"], "y", TransB, OnnxAttribute.Float("beta", 3e38f)).Output("y").Bytes(),
            "node 'n0' (Gemm): beta 3E+38 times the bias 'C' at 0" },
        { "cross-entropy on an identity output", () => Dense().Node("Gemm", ["x", "B", "C"], "y", TransB).Output("y").Metadata(OnnxModel.CostMetadataKey, "CrossEntropy").Bytes(),
            "metadata backprop_simd.cost: The CrossEntropy cost needs a sigmoid (each output in (0, 1)) output layer; it is Identity" },
        { "log-likelihood on a relu output", () => Dense().Node("Gemm", ["x", "B", "C"], "z", TransB).Node("Relu", ["z"], "y").Output("y").Metadata(OnnxModel.CostMetadataKey, "LogLikelihood").Bytes(),
            "The LogLikelihood cost needs a softmax or sigmoid output layer; it is Relu" },
        { "an unknown cost", () => Dense().Node("Gemm", ["x", "B", "C"], "y", TransB).Output("y").Metadata(OnnxModel.CostMetadataKey, "Hinge").Bytes(),
            "metadata backprop_simd.cost is 'Hinge'; it must be one of Quadratic, CrossEntropy, LogLikelihood" },
        { "a self-loop", () => Dense().Node("Gemm", ["x", "B", "C"], "z", TransB).Node("Relu", ["z"], "z").Output("z").Bytes(),
            "node 'n1' (Relu): it takes its own output 'z': a self-loop" },
        { "a cycle", () => Dense().Floats("B2", [3, 3], 4)
                .Node("Gemm", ["x", "B", "C"], "z", TransB).Node("Add", ["z", "w"], "v").Node("Gemm", ["v", "B2"], "w", TransB).Output("w").Bytes(),
            "node 'n1' (Add): it takes 'w', which node #2 makes after it: the graph has a cycle" },
        { "a value defined twice", () => Dense().Node("Gemm", ["x", "B", "C"], "z", TransB).Node("Relu", ["z"], "x").Output("x").Bytes(),
            "node 'n1' (Relu): its output 'x' is already defined" },
        { "no opset", () => Dense(opset: 0).Node("Gemm", ["x", "B", "C"], "y", TransB).Output("y").Bytes(),
            "the model imports no version of the default ONNX operator set" },
        { "no layer", () => Dense().Node("Identity", ["x"], "y").Output("y").Bytes(),
            "the graph has no Gemm or MatMul, so it is not a dense network" },
        { "two activations", () => Dense().Node("Gemm", ["x", "B", "C"], "z", TransB).Node("Relu", ["z"], "a").Node("Sigmoid", ["a"], "y").Output("y").Bytes(),
            "node 'n2' (Sigmoid): layer 1 already has the activation Relu; a layer has one" },
        { "a 3-D weight", () => new TestGraph([null, 4]).Floats("B", [1, 3, 4], 1).Node("MatMul", ["x", "B"], "y").Output("y").Bytes(),
            "node 'n0' (MatMul): B 'B' has shape [1, 3, 4]; a dense layer's weights are a 2-D matrix" },
        { "a bias that does not fit", () => Dense().Floats("C2", [2], 3).Node("Gemm", ["x", "B", "C2"], "y", TransB).Output("y").Bytes(),
            "node 'n0' (Gemm): the bias 'C2' has shape [2]; it must be [3], [1, 3] or a single value" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Import_refuses_naming_the_node_and_the_reason(string what, Func<byte[]> build, string message)
    {
        _ = what;
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => OnnxModel.Deserialize(build(), "bad.onnx"));

        Assert.StartsWith("bad.onnx: ", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x0A, 0xFF, 0xFF })]          // a length beyond the end
    [InlineData(new byte[] { 0x08 })]                      // a varint cut short
    [InlineData(new byte[] { 0x3A, 0x02, 0x0A, 0x05 })]    // graph whose node is cut short
    [InlineData(new byte[] { 0x0F })]                      // wire type 7 does not exist
    public void Bytes_that_are_not_protobuf_are_invalid_data_naming_the_file(byte[] bytes)
    {
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => OnnxModel.Deserialize(bytes, "broken.onnx"));

        Assert.StartsWith("broken.onnx: ", error.Message);
    }

    [Fact]
    public void A_known_field_with_the_wrong_wire_type_names_the_message_and_the_field()
    {
        // ModelProto field 7 (graph) written as a varint instead of a message.
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => OnnxModel.Deserialize([0x38, 0x01], "odd.onnx"));

        Assert.Equal("odd.onnx: not a readable ONNX model: model: field 7 has wire type Varint; the ONNX schema says LengthDelimited.", error.Message);
    }

    private static OnnxTensor WithValue(string name, long[] dims, int index, float value)
    {
        float[] values = Enumerable.Range(0, (int)(dims[0] * (dims.Length > 1 ? dims[1] : 1))).Select(i => 0.1f * i).ToArray();
        values[index] = value;
        return OnnxTensor.FromFloats(name, dims, values);
    }

    private static OnnxTensor External()
    {
        OnnxTensor tensor = OnnxTensor.FromFloats("B", [3, 4], new float[12]);
        tensor.RawData = null;
        tensor.IsExternal = true;
        return tensor;
    }

    private static OnnxTensor Double()
    {
        OnnxTensor tensor = OnnxTensor.FromFloats("B", [3, 4], new float[24]);
        tensor.DataType = 11;
        return tensor;
    }

    private static OnnxTensor Short()
    {
        OnnxTensor tensor = OnnxTensor.FromFloats("B", [3, 4], new float[11]);
        return tensor;
    }

    private static OnnxNode Custom()
    {
        OnnxNode node = OnnxNode.Create("n1", "FusedGelu", ["z"], "y");
        node.Domain = "com.microsoft";
        return node;
    }
}
