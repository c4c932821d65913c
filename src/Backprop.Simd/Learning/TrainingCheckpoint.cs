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

    /// <summary>
    /// The first way this state contradicts itself, or null: a checksum only shows a file is as written,
    /// not that what was written (or built by a caller) is a state a trainer can reach. Checked: the epoch
    /// within the run, the order a permutation of the samples, the next mini-batch within the epoch,
    /// finite non-negative costs, finite moments and parameters, a usable generator state and a model
    /// selection no later than the epoch.
    /// </summary>
    public string? Inconsistency()
    {
        if (Epoch < 1 || Epoch > Options.Epochs) return $"epoch {Epoch} is not an epoch of a run of {Options.Epochs}";
        if (Order.Length == 0) return "the sample order is empty";
        int batches = (int)(((long)Order.Length + Options.BatchSize - 1) / Options.BatchSize);
        if (NextBatch < 0 || NextBatch >= batches) return $"next mini-batch {NextBatch} is outside 0..{batches - 1} ({Order.Length} samples in batches of {Options.BatchSize})";
        var seen = new bool[Order.Length];
        for (int i = 0; i < Order.Length; i++)
        {
            int sample = Order[i];
            if ((uint)sample >= (uint)Order.Length) return $"sample order index {i}: {sample} is outside 0..{Order.Length - 1}";
            if (seen[sample]) return $"sample order index {i}: sample {sample} appears twice";
            seen[sample] = true;
        }

        if (!double.IsFinite(PartialCost) || PartialCost < 0) return $"partial cost {PartialCost} is not a finite cost";
        if ((Random.S0 | Random.S1 | Random.S2 | Random.S3) == 0) return "the generator state is all zero";
        if (!double.IsFinite(Random.Spare)) return $"the generator's spare normal {Random.Spare} is not finite";
        if (OptimizerSteps < 0) return $"{OptimizerSteps} optimizer steps is not a count";
        if (FirstNonFinite(Velocity) is int v) return $"first moment index {v}: {Velocity[v]} is not finite";
        if (FirstNonFinite(SecondMoment) is int m) return $"second moment index {m}: {SecondMoment[m]} is not finite";
        if (FirstNonFinite(BestParameters) is int b) return $"best parameter index {b}: {BestParameters[b]} is not finite";
        if (BestEpoch < 0 || BestEpoch > Epoch || EpochsSinceBest < 0 || EpochsSinceBest > Epoch) return $"best epoch {BestEpoch}, {EpochsSinceBest} epochs since, is not a model selection state at epoch {Epoch}";
        // Infinite best cost and accuracy are the "none yet" values (and stay so without a validation set); NaN never is.
        if (double.IsNaN(BestCost) || double.IsNaN(BestAccuracy)) return $"best cost {BestCost} or accuracy {BestAccuracy} is NaN";
        return null;
    }

    private static int? FirstNonFinite(float[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i])) return i;
        }

        return null;
    }
}
