using System.Text.Json;
using Backprop.Simd.Tests.Learning;

namespace Backprop.Simd.Tests.Cli;

/// <summary>Garbage collections are counted process-wide, so this runs with no other test at the same time.</summary>
[Collection(nameof(AllocationCollection))]
public sealed class CliCollectionTests() : TemporaryFolder("cli-gc-")
{
    [Fact]
    public void Ten_epochs_of_training_steps_collect_no_garbage()
    {
        var (code, stdout, stderr) = CliRunner.Run("train", "--epochs", "10", "--json", "--threads", "2", "--batch", "64", "--out", PathOf("gc.bpsimd"));

        Assert.True(code == 0, stderr);
        JsonElement result = CliRunner.LastJson(stdout);
        int training = result.GetProperty("gen0_collections_training").GetInt32();
        Assert.Equal(0, training);
        Assert.InRange(result.GetProperty("gen0_collections").GetInt32(), training, 10); // the run's count includes evaluation and output
    }
}
