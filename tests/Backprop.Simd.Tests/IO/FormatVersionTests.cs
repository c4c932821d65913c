namespace Backprop.Simd.Tests.IO;

/// <summary>Every format version ever written stays loadable: one fixture file per version.</summary>
public class FormatVersionTests
{
    /// <summary>Fixtures/model-v1.bpsimd: [4, 3, 2] tanh, sigmoid, cross-entropy, Network.Create(..., Initialization.Scaled, seed 21).</summary>
    internal static SavedModel Version1Content() => new(
        Network<float>.Create(new NetworkLayout([4, 3, 2], [Activation.Tanh, Activation.Sigmoid]), Initialization.Scaled, 21),
        CostFunction.CrossEntropy);

    [Fact]
    public void The_version_1_fixture_loads_with_its_content()
    {
        SavedModel loaded = ModelFile.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "model-v1.bpsimd"));
        SavedModel expected = Version1Content();
        Assert.Equal(expected.Network.Layout, loaded.Network.Layout);
        Assert.Equal(expected.Cost, loaded.Cost);
        Assert.Equal(expected.Network.Parameters.ToArray(), loaded.Network.Parameters.ToArray());
    }

    /// <summary>Fixtures/model-v2.bpsimd, written by Fixtures/make_model_v2.py from docs/model-format.md alone.</summary>
    internal static SavedModel Version2Content() => new(
        new Network<float>(new NetworkLayout([3, 4, 2], [Activation.Relu, Activation.Identity]), Enumerable.Range(0, 26).Select(i => (i - 13) / 16f).ToArray()),
        CostFunction.Quadratic)
    {
        Schema = new DataSchema
        {
            Task = LearningTask.Regression,
            Inputs = new Standardization([1f, -2f, 0.5f], [2f, 0.25f, 1f]),
            Targets = new Standardization([10f, -3f], [4f, 0.5f]),
            InputNames = ["a", "b", "c"],
            OutputNames = ["y1", "\u00ff2"],
        },
    };

    [Fact]
    public void The_version_2_fixture_loads_with_its_schema()
    {
        SavedModel loaded = ModelFile.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "model-v2.bpsimd"));
        SavedModel expected = Version2Content();
        Assert.Equal(expected.Network.Layout, loaded.Network.Layout);
        Assert.Equal(expected.Network.Parameters.ToArray(), loaded.Network.Parameters.ToArray());
        Assert.Equal(LearningTask.Regression, loaded.Schema.Task);
        Assert.Equal(expected.Schema.Inputs!.Mean.ToArray(), loaded.Schema.Inputs!.Mean.ToArray());
        Assert.Equal(expected.Schema.Inputs!.Scale.ToArray(), loaded.Schema.Inputs!.Scale.ToArray());
        Assert.Equal(expected.Schema.Targets!.Mean.ToArray(), loaded.Schema.Targets!.Mean.ToArray());
        Assert.Equal(expected.Schema.Targets!.Scale.ToArray(), loaded.Schema.Targets!.Scale.ToArray());
        Assert.Equal(expected.Schema.InputNames, loaded.Schema.InputNames);
        Assert.Equal(expected.Schema.OutputNames, loaded.Schema.OutputNames);
    }

    [Fact]
    public void Version_2_is_what_this_build_writes_byte_for_byte()
    {
        byte[] fixture = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "model-v2.bpsimd"));
        Assert.Equal(fixture, ModelFile.Serialize(Version2Content()));
    }

    [Fact]
    public void A_version_1_file_reads_as_a_model_without_a_schema()
    {
        SavedModel loaded = ModelFile.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "model-v1.bpsimd"));
        Assert.Same(DataSchema.None, loaded.Schema);
    }
}
