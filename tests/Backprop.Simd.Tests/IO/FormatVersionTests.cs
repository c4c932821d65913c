using Backprop.Simd.IO;
using Backprop.Simd.Kernels;
using Backprop.Simd.Learning;
using Backprop.Simd.Model;

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

    [Fact]
    public void Version_1_is_still_what_this_build_writes()
    {
        byte[] fixture = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "model-v1.bpsimd"));
        Assert.Equal(fixture, ModelFile.Serialize(Version1Content()));
    }
}
