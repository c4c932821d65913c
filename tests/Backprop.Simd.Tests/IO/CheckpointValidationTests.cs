using Backprop.Simd.Tests.Learning;

namespace Backprop.Simd.Tests.IO;

/// <summary>
/// Issue 14, item 8: a checkpoint whose checksum holds is still checked for a state a trainer can reach, by the loader
/// (InvalidDataException naming the file) and by <see cref="Trainer.Resume"/> (ArgumentException) for states built in code.
/// </summary>
public sealed class CheckpointValidationTests() : TemporaryFolder("checkpoint-validation-")
{
    private static readonly NetworkLayout Layout = NetworkLayout.Uniform([784, 8, 10], Activation.Sigmoid);

    /// <summary>A real state: a momentum run of 200 samples in batches of 10, stopped after mini-batch 4 of epoch 1.</summary>
    internal static (Network<float> Network, TrainingCheckpoint State) Stopped(Optimizer optimizer = Optimizer.Momentum)
    {
        var options = new TrainingOptions { Epochs = 2, BatchSize = 10, Eta = 0.5, Momentum = optimizer == Optimizer.Momentum ? 0.9 : 0, Optimizer = optimizer, Seed = 3 };
        var network = Network<float>.Create(Layout, Initialization.Scaled, 3);
        using var trainer = new Trainer(network, TrainerTests.Small(200), options);
        using var stop = new CancellationTokenSource();
        int batches = 0;
        trainer.TrainEpoch(1, _ => { if (++batches == 4) stop.Cancel(); }, stop.Token);
        return (network, trainer.Checkpoint());
    }

    public static TheoryData<string, string> Damage => new()
    {
        { "duplicate-index", "sample 5 appears twice" },
        { "batch-2e9", "next mini-batch 2000000000 is outside 0..19" },
        { "batch-negative", "next mini-batch -1 is outside" },
        { "cost-nan", "partial cost NaN is not a finite cost" },
        { "cost-infinite", "partial cost " },
        { "cost-negative", "partial cost -1 is not a finite cost" },
        { "velocity-nan", "first moment index 7: NaN is not finite" },
        { "generator-zero", "the generator state is all zero" },
        { "best-after-now", "best epoch 2, 0 epochs since, is not a model selection state at epoch 1" },
        { "since-negative", "best epoch 0, -3 epochs since" },
        { "best-nan", "best cost NaN" },
    };

    private static TrainingCheckpoint Apply(TrainingCheckpoint state, string damage)
    {
        int[] order = (int[])state.Order.Clone();
        float[] velocity = (float[])state.Velocity.Clone();
        switch (damage)
        {
            case "duplicate-index":
                int at = Array.IndexOf(order, 5), other = at == 0 ? 1 : 0;
                order[other] = 5;
                return state with { Order = order };
            case "batch-2e9": return state with { NextBatch = 2_000_000_000 };
            case "batch-negative": return state with { NextBatch = -1 };
            case "cost-nan": return state with { PartialCost = double.NaN };
            case "cost-infinite": return state with { PartialCost = double.PositiveInfinity };
            case "cost-negative": return state with { PartialCost = -1 };
            case "velocity-nan":
                velocity[7] = float.NaN;
                return state with { Velocity = velocity };
            case "generator-zero": return state with { Random = (0, 0, 0, 0, 0, false) };
            case "best-after-now": return state with { BestEpoch = 2 };
            case "since-negative": return state with { EpochsSinceBest = -3 };
            default: return state with { BestCost = double.NaN };
        }
    }

    [Theory]
    [MemberData(nameof(Damage))]
    public void A_checkpoint_with_a_valid_checksum_and_an_impossible_state_is_refused(string damage, string expected)
    {
        (Network<float> network, TrainingCheckpoint state) = Stopped();
        string path = PathOf(damage + ".checkpoint");
        CheckpointFile.Save(path, new SavedModel(network, state.Options.Cost), Apply(state, damage), "{}");
        string message = Assert.Throws<InvalidDataException>(() => CheckpointFile.Load(path)).Message;
        Assert.StartsWith($"{path}: ", message);
        Assert.Contains(expected, message);
    }

    [Theory]
    [MemberData(nameof(Damage))]
    public void Resume_refuses_an_impossible_state_built_in_code(string damage, string expected)
    {
        (Network<float> network, TrainingCheckpoint state) = Stopped();
        var error = Assert.Throws<ArgumentException>(() => Trainer.Resume(network, TrainerTests.Small(200), Apply(state, damage)));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Moments_that_do_not_fit_the_model_are_refused_by_the_loader()
    {
        (Network<float> network, TrainingCheckpoint state) = Stopped();
        string path = PathOf("moments.checkpoint");
        CheckpointFile.Save(path, new SavedModel(network, state.Options.Cost), state with { Velocity = new float[12] }, "{}");
        Assert.Contains("optimizer moments of 12 and 0 values do not fit", Assert.Throws<InvalidDataException>(() => CheckpointFile.Load(path)).Message);
    }

    [Fact]
    public void An_undamaged_state_loads_and_resumes()
    {
        (Network<float> network, TrainingCheckpoint state) = Stopped(Optimizer.Adam);
        Assert.Null(state.Inconsistency());
        string path = PathOf("good.checkpoint");
        CheckpointFile.Save(path, new SavedModel(network, state.Options.Cost), state, "{}");
        (SavedModel model, TrainingCheckpoint loaded, _) = CheckpointFile.Load(path);
        Assert.Equal((1, 4), (loaded.Epoch, loaded.NextBatch));
        using var trainer = Trainer.Resume(model.Network, TrainerTests.Small(200), loaded);
        Assert.True(trainer.IsStopped);
    }
}
