using Backprop.Simd.Onnx;
using Backprop.Simd.Onnx.Wire;

namespace Backprop.Simd.Tests.Onnx;

/// <summary>
/// The schema through ONNX: standardisations as Sub/Div before the first layer and Mul/Add after the
/// last, task and names as metadata. Our model -> ONNX -> ours keeps the schema and the bits of every
/// prediction; ONNX Runtime on our export computes what the Predictor computes on raw inputs.
/// </summary>
public class OnnxSchemaTests
{
    private static readonly float[] RegressionInputMean = [10f, -3f, 100f, 0.5f, 40f];
    private static readonly float[] RegressionInputScale = [2f, 0.25f, 30f, 1f, 12.5f];

    /// <summary>[5, 8, 2] tanh + identity predicting two targets of mean ~22 and ~35 in their own units.</summary>
    internal static SavedModel Regression() =>
        OnnxExportTests.Model([5, 8, 2], Activation.Tanh, Activation.Identity, seed: 21) with
        {
            Schema = new DataSchema
            {
                Task = LearningTask.Regression,
                InputNames = ["crim", "zn", "tax", "nox", "age"],
                OutputNames = ["MEDV", "price"],
                Inputs = new Standardization(RegressionInputMean, RegressionInputScale),
                Targets = new Standardization([22.5f, 35f], [9.2f, 14f]),
            },
        };

    /// <summary>[4, 6, 3] ReLU + softmax over the iris classes, with standardised inputs.</summary>
    internal static SavedModel Classification() =>
        OnnxExportTests.Model([4, 6, 3], Activation.Relu, Activation.Softmax, CostFunction.LogLikelihood, seed: 7) with
        {
            Schema = new DataSchema
            {
                Task = LearningTask.Classification,
                InputNames = ["sepal_length", "sepal_width", "petal_length", "petal width (cm) \"é\""],
                OutputNames = ["setosa", "versicolor", "virginica"],
                Inputs = new Standardization([5.8f, 3.05f, 3.7f, 1.2f], [0.82f, 0.43f, 1.76f, 0.76f]),
            },
        };

    public static TheoryData<string> Models => ["regression", "classification"];

    private static SavedModel ModelNamed(string name) => name == "regression" ? Regression() : Classification();

    /// <summary>Raw inputs around each column's mean, two scales either side (the units the data came in).</summary>
    private static float[] RawInputs(SavedModel model, int count, int seed)
    {
        Standardization scaling = model.Schema.Inputs!;
        float[] unit = OnnxExportTests.Inputs(count, scaling.Width, seed);
        for (int i = 0; i < unit.Length; i++)
        {
            int j = i % scaling.Width;
            unit[i] = scaling.Mean[j] + 2 * unit[i] * scaling.Scale[j];
        }

        return unit;
    }

    internal static void AssertSameSchema(DataSchema expected, DataSchema actual)
    {
        Assert.Equal(expected.Task, actual.Task);
        Assert.Equal(expected.InputNames, actual.InputNames);
        Assert.Equal(expected.OutputNames, actual.OutputNames);
        AssertSame(expected.Inputs, actual.Inputs);
        AssertSame(expected.Targets, actual.Targets);
    }

    private static void AssertSame(Standardization? expected, Standardization? actual)
    {
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }

        Assert.NotNull(actual);
        Assert.Equal(expected.Mean.ToArray(), actual.Mean.ToArray());
        Assert.Equal(expected.Scale.ToArray(), actual.Scale.ToArray());
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Our_model_through_onnx_and_back_keeps_the_schema_and_the_bits_of_1000_raw_predictions(string name)
    {
        SavedModel model = ModelNamed(name);
        SavedModel back = OnnxModel.Deserialize(OnnxModel.Serialize(model), "round trip");

        AssertSameSchema(model.Schema, back.Schema);
        Assert.Equal(model.Network.Layout, back.Network.Layout);
        Assert.Equal(model.Cost, back.Cost);
        float[] inputs = RawInputs(model, 1000, seed: 17);
        Assert.Equal(OnnxExportTests.Ours(new Predictor(model), inputs, 1000), OnnxExportTests.Ours(new Predictor(back), inputs, 1000));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Onnx_runtime_on_our_export_matches_the_predictor_on_1000_raw_inputs(string name)
    {
        SavedModel model = ModelNamed(name);
        float[] inputs = RawInputs(model, 1000, seed: 23);

        float[] theirs = OnnxRuntimeRunner.Run(OnnxModel.Serialize(model), inputs, 1000);
        float[] ours = OnnxExportTests.Ours(new Predictor(model), inputs, 1000);

        // Regression outputs are in the targets' units (tens): compare relative to their magnitude.
        float worst = 0;
        for (int i = 0; i < ours.Length; i++) worst = MathF.Max(worst, MathF.Abs(ours[i] - theirs[i]) / MathF.Max(1f, MathF.Abs(ours[i])));
        Assert.True(worst <= 1e-5f, $"max |ours - ONNX Runtime| / max(1, |ours|) = {worst}");
        if (name == "regression") Assert.Contains(ours, v => MathF.Abs(v) > 10); // the de-standardisation did happen
    }

    [Fact]
    public void Export_writes_the_standardisation_nodes_and_the_metadata()
    {
        OnnxModelProto proto = OnnxModelProto.Read(OnnxModel.Serialize(Regression()));
        List<OnnxNode> nodes = proto.Graph!.Nodes;

        Assert.Equal(["preprocess/Sub", "preprocess/Div", "layer1/Gemm", "layer1/Tanh", "layer2/Gemm", "postprocess/Mul", "postprocess/Add"], nodes.Select(n => n.Name));
        Assert.Equal(["input", "preprocess/mean"], nodes[0].Inputs);
        Assert.Equal("output", nodes[^1].Outputs.Single());
        Assert.Equal(RegressionInputScale, proto.Graph.Initializers.Single(t => t.Name == "preprocess/scale").ToFloats(m => new InvalidDataException(m)));
        Assert.Equal("regression", proto.Metadata["backprop_simd.task"]);
        Assert.Equal("""["crim","zn","tax","nox","age"]""", proto.Metadata["backprop_simd.input_names"]);
        Assert.Equal("""["MEDV","price"]""", proto.Metadata["backprop_simd.output_names"]);
        Assert.Equal("Quadratic", proto.Metadata["backprop_simd.cost"]);
    }

    [Fact]
    public void A_model_without_a_schema_exports_as_before_and_reads_back_as_none()
    {
        SavedModel model = OnnxExportTests.Model([3, 2], Activation.Sigmoid, Activation.Sigmoid);
        byte[] onnx = OnnxModel.Serialize(model);

        Assert.Equal(["layer1/Gemm", "layer1/Sigmoid"], OnnxModelProto.Read(onnx).Graph!.Nodes.Select(n => n.Name));
        AssertSameSchema(DataSchema.None, OnnxModel.Deserialize(onnx, "plain.onnx").Schema);
    }

    [Fact]
    public void Predictor_LoadOnnx_applies_the_schema()
    {
        SavedModel model = Regression();
        string path = Path.Combine(Path.GetTempPath(), $"schema-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxModel.Save(path, model);
            Predictor predictor = Predictor.LoadOnnx(path);
            AssertSameSchema(model.Schema, predictor.Schema);
            float[] inputs = RawInputs(model, 10, seed: 2);
            Assert.Equal(OnnxExportTests.Ours(new Predictor(model), inputs, 10), OnnxExportTests.Ours(predictor, inputs, 10));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_scalar_sub_a_mul_by_the_reciprocal_and_an_output_mul_add_after_relu_import_as_a_regression_schema()
    {
        // x - 2, times 0.5 (scale 2), Gemm, Relu, times [3, 4], plus [1, 1] value 10 (broadcast).
        var factor = OnnxTensor.FromFloats("half", [], [0.5f]);
        byte[] onnx = new TestGraph([null, 3])
            .Floats("B", [2, 3], 1).Floats("C", [2], 2).Tensor(OnnxTensor.FromFloats("two", [1], [2f])).Tensor(factor)
            .Tensor(OnnxTensor.FromFloats("s", [1, 2], [3f, 4f])).Tensor(OnnxTensor.FromFloats("m", [1, 1], [10f]))
            .Node("Sub", ["x", "two"], "c").Node("Mul", ["half", "c"], "x1")
            .Node("Gemm", ["x1", "B", "C"], "z", OnnxAttribute.Int("transB", 1)).Node("Relu", ["z"], "a")
            .Node("Mul", ["a", "s"], "scaled").Node("Add", ["m", "scaled"], "y").Output("y").Bytes();

        SavedModel model = OnnxModel.Deserialize(onnx, "scaled.onnx");

        Assert.Equal(LearningTask.Regression, model.Schema.Task);
        Assert.Equal([2f, 2f, 2f], model.Schema.Inputs!.Mean.ToArray());
        Assert.Equal([2f, 2f, 2f], model.Schema.Inputs.Scale.ToArray());
        Assert.Equal([10f, 10f], model.Schema.Targets!.Mean.ToArray());
        Assert.Equal([3f, 4f], model.Schema.Targets.Scale.ToArray());
        Assert.Equal([Activation.Relu], model.Network.Layout.ActivationFunctions.ToArray());
        float[] inputs = OnnxExportTests.Inputs(1000, 3, seed: 4).Select(v => 5 * v).ToArray();
        float[] theirs = OnnxRuntimeRunner.Run(onnx, inputs, 1000);
        float[] ours = OnnxExportTests.Ours(new Predictor(model), inputs, 1000);
        Assert.True(OnnxRuntimeRunner.MaxAbsDifference(ours, theirs) <= 1e-4f, $"max |ours - ONNX Runtime| = {OnnxRuntimeRunner.MaxAbsDifference(ours, theirs)}");
    }

    private static TestGraph Dense() => new TestGraph([null, 4]).Floats("B", [3, 4], 1).Floats("C", [3], 2);

    private static TestGraph Scale(string name, params float[] values) => Dense().Tensor(OnnxTensor.FromFloats(name, [values.Length], values));

    private static readonly OnnxAttribute TransB = OnnxAttribute.Int("transB", 1);

    public static TheoryData<string, Func<byte[]>, string> Refusals => new()
    {
        { "a zero input scale", () => Scale("s", 1, 0, 2, 3).Node("Div", ["x", "s"], "x1").Node("Gemm", ["x1", "B", "C"], "y", TransB).Output("y").Bytes(),
            "node 'n0' (Div): the scale 's' has value 0 at 1; a standardisation's scale must be positive (and not zero)" },
        { "a negative input factor", () => Scale("f", -2).Node("Mul", ["x", "f"], "x1").Node("Gemm", ["x1", "B", "C"], "y", TransB).Output("y").Bytes(),
            "node 'n0' (Mul): the factor 'f' has value -2 at 0; a standardisation's scale must be positive" },
        { "a factor whose reciprocal overflows", () => Scale("f", 1e-45f).Node("Mul", ["x", "f"], "x1").Node("Gemm", ["x1", "B", "C"], "y", TransB).Output("y").Bytes(),
            "node 'n0' (Mul): the factor 1E-45 at 0 is 1 / Infinity" },
        { "an infinite mean", () => Scale("m", float.PositiveInfinity).Node("Sub", ["x", "m"], "x1").Node("Gemm", ["x1", "B", "C"], "y", TransB).Output("y").Bytes(),
            "node 'n0' (Sub): the mean 'm' has value Infinity at 0; it must be finite" },
        { "a zero output scale", () => Scale("s", 1, 0, 1).Node("Gemm", ["x", "B", "C"], "z", TransB).Node("Mul", ["z", "s"], "y").Output("y").Bytes(),
            "node 'n1' (Mul): the scale 's' has value 0 at 1; a standardisation's scale must be positive (and not zero)" },
        { "a NaN output scale", () => Scale("s", float.NaN).Node("Gemm", ["x", "B", "C"], "z", TransB).Node("Mul", ["z", "s"], "y").Output("y").Bytes(),
            "node 'n1' (Mul): the scale 's' has value NaN at 0; it must be finite" },
        { "a mean subtracted from", () => Scale("m", 1, 2, 3, 4).Node("Sub", ["m", "x"], "x1").Node("Gemm", ["x1", "B", "C"], "y", TransB).Output("y").Bytes(),
            "node 'n0' (Sub): 'x' must be the first input" },
        { "a sub after the scale", () => Scale("m", 1).Node("Div", ["x", "m"], "x1").Node("Sub", ["x1", "m"], "x2").Node("Gemm", ["x2", "B", "C"], "y", TransB).Output("y").Bytes(),
            "node 'n1' (Sub): a Sub after node 'n0' (Div) is not (x - mean) / scale" },
        { "a sub between layers", () => Scale("m", 1).Node("Gemm", ["x", "B", "C"], "z", TransB).Node("Sub", ["z", "m"], "y").Output("y").Bytes(),
            "node 'n1' (Sub): a Sub is read as the input standardisation x - mean, so it must come before the first Gemm or MatMul" },
        { "an input mean of the wrong width", () => Scale("m", 1, 2, 3).Node("Sub", ["x", "m"], "x1").Node("Gemm", ["x1", "B", "C"], "y", TransB).Output("y").Bytes(),
            "node 'n0' (Sub): the mean 'm' has shape [3]; it must be [4], [1, 4] or a single value" },
        { "an output scale of the wrong width", () => Scale("s", 1, 2).Node("Gemm", ["x", "B", "C"], "z", TransB).Node("Mul", ["z", "s"], "y").Output("y").Bytes(),
            "node 'n1' (Mul): the scale 's' has shape [2]; it must be [3], [1, 3] or a single value" },
        { "a layer after the output scale", () => Scale("s", 2).Node("Gemm", ["x", "B", "C"], "z", TransB).Node("Mul", ["z", "s"], "m").Node("Gemm", ["m", "B", "C"], "y", TransB).Output("y").Bytes(),
            "node 'n2' (Gemm): it follows node 'n1' (Mul), which is read as the de-standardisation of the outputs after the last layer" },
        { "a scaled regression that says classification", () => Scale("s", 2).Metadata("backprop_simd.task", "classification")
                .Node("Gemm", ["x", "B", "C"], "z", TransB).Node("Mul", ["z", "s"], "y").Output("y").Bytes(),
            "metadata backprop_simd.task says classification, but node 'n1' (Mul) maps the outputs back to regression targets" },
        { "an unknown task", () => Dense().Metadata("backprop_simd.task", "ranking").Node("Gemm", ["x", "B", "C"], "y", TransB).Output("y").Bytes(),
            "metadata backprop_simd.task is 'ranking'; it must be 'classification' or 'regression'" },
        { "too few input names", () => Dense().Metadata("backprop_simd.input_names", """["a","b","c"]""").Node("Gemm", ["x", "B", "C"], "y", TransB).Output("y").Bytes(),
            "metadata backprop_simd.input_names names 3 inputs; the network has 4" },
        { "too many class names", () => Dense().Metadata("backprop_simd.output_names", """["a","b","c","d"]""").Node("Gemm", ["x", "B", "C"], "y", TransB).Output("y").Bytes(),
            "metadata backprop_simd.output_names names 4 outputs; the network has 3" },
        { "names that are not strings", () => Dense().Metadata("backprop_simd.output_names", """["a",2,"c"]""").Node("Gemm", ["x", "B", "C"], "y", TransB).Output("y").Bytes(),
            "metadata backprop_simd.output_names: item 1 is Number, not a string" },
        { "names that are not JSON", () => Dense().Metadata("backprop_simd.output_names", """["a","b""").Node("Gemm", ["x", "B", "C"], "y", TransB).Output("y").Bytes(),
            "metadata backprop_simd.output_names is not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Import_refuses_a_bad_standardisation_or_names_naming_the_node_and_the_reason(string what, Func<byte[]> build, string message)
    {
        _ = what;
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => OnnxModel.Deserialize(build(), "bad.onnx"));

        Assert.StartsWith("bad.onnx: ", error.Message);
        Assert.Contains(message, error.Message);
    }
}
