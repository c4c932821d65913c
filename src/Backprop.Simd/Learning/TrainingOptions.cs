namespace Backprop.Simd.Learning;

/// <summary>Mini-batch stochastic gradient descent settings (defaults: Nielsen's chapter 1).</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>m, samples per mini-batch (the last batch of an epoch may be smaller).</summary>
    public int BatchSize { get; init; } = 10;

    /// <summary>eta, the learning rate in w &lt;- w - (eta/m) sum_x dC_x/dw.</summary>
    public double Eta { get; init; } = 3.0;

    /// <summary>lambda, L2 weight decay: weights are scaled by (1 - eta lambda / n) each step (network2.py); biases are not.</summary>
    public double Lambda { get; init; }

    /// <summary>mu, momentum: v &lt;- mu v - (eta/m) sum dC/dw, w &lt;- w + v. Zero is plain SGD.</summary>
    public double Momentum { get; init; }

    /// <summary>The cost function.</summary>
    public CostFunction Cost { get; init; } = CostFunction.Quadratic;

    /// <summary>Seed of the per-epoch shuffles.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Most worker threads over the samples of each mini-batch; small batches use fewer (see <see cref="Trainer.WorkersFor"/>).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Stop after this many epochs without a better validation result (<see cref="Trainer.Fit(Data.Dataset?, IProgress{EpochReport}?, CancellationToken, Action{int, int}?)"/>); null never stops early.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Train for at least one epoch.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "A mini-batch needs at least one sample.");
        if (!(Eta > 0) || !double.IsFinite(Eta)) throw new ArgumentOutOfRangeException(nameof(Eta), Eta, "The learning rate must be positive and finite.");
        if (!(Lambda >= 0) || !double.IsFinite(Lambda)) throw new ArgumentOutOfRangeException(nameof(Lambda), Lambda, "Weight decay must be zero or more.");
        if (!(Momentum >= 0 && Momentum < 1)) throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "Momentum must be in [0, 1).");
        if (Threads < 1 || Threads > 256) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Use 1 to 256 threads.");
        if (EarlyStoppingPatience is < 1) throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "Patience is at least one epoch.");
    }
}
