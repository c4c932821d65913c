namespace Backprop.Simd;

/// <summary>
/// Everything a <see cref="Trainer"/> needs to continue exactly where it stopped: resuming from a
/// checkpoint gives the same weights, bit for bit, as never stopping (same thread count).
/// </summary>
/// <param name="Options">The training options (epochs, batch, eta, ..., seed, threads).</param>
/// <param name="Epoch">The 1-based epoch in progress.</param>
/// <param name="NextBatch">The 0-based mini-batch of that epoch to run next.</param>
/// <param name="PartialCost">Sum of the epoch's mini-batch costs so far.</param>
/// <param name="Order">The epoch's shuffled sample order.</param>
/// <param name="Velocity">The momentum buffer or Adam's first moment (empty for plain SGD).</param>
/// <param name="Random">The shuffle generator's state.</param>
public sealed record TrainingCheckpoint(
    TrainingOptions Options,
    int Epoch,
    int NextBatch,
    double PartialCost,
    int[] Order,
    float[] Velocity,
    (ulong S0, ulong S1, ulong S2, ulong S3, double Spare, bool HasSpare) Random)
{
    /// <summary>Adam's second moment (empty for the other rules).</summary>
    public float[] SecondMoment { get; init; } = [];

    /// <summary>Optimizer steps taken: the schedule's position and Adam's t.</summary>
    public long OptimizerSteps { get; init; }

    /// <summary>The model selection so far: the best validation epoch (0: none yet).</summary>
    public int BestEpoch { get; init; }

    /// <summary>That epoch's validation accuracy (classification).</summary>
    public double BestAccuracy { get; init; } = double.NegativeInfinity;

    /// <summary>That epoch's mean validation cost.</summary>
    public double BestCost { get; init; } = double.PositiveInfinity;

    /// <summary>Epochs since the best one, for early stopping.</summary>
    public int EpochsSinceBest { get; init; }

    /// <summary>The best epoch's parameters (empty without a validation set or before the first epoch).</summary>
    public float[] BestParameters { get; init; } = [];
}
