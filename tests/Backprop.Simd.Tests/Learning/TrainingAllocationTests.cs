namespace Backprop.Simd.Tests.Learning;

/// <summary>Tests that count allocations run alone, so that other tests cannot disturb them.</summary>
[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection;

[Collection(nameof(AllocationCollection))]
public class TrainingAllocationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void An_epoch_allocates_nothing_after_the_first(int threads)
    {
        var network = Network<float>.Create(NetworkLayout.Uniform([784, 30, 10], Activation.Sigmoid), Initialization.Scaled, 1);
        using var trainer = new Trainer(network, TrainerTests.Small(500), new TrainingOptions { Threads = threads, BatchSize = 64, Momentum = 0.9, Eta = 0.1 });
        Assert.Equal(threads, trainer.Threads);
        int epoch = 0;
        // Counted on the measuring thread and the worker threads; the first epochs are the warm-up.
        Assert.Equal(0, Allocations.Fewest(() => trainer.TrainEpoch(++epoch), () => trainer.AllocatedBytes, warmups: 1, runs: 3));
    }
}
