namespace Backprop.Simd;

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

    /// <summary>mu, the momentum of <see cref="Optimizer.Momentum"/> and <see cref="Optimizer.Nesterov"/>; with <see cref="Optimizer.Sgd"/>, a positive value means <see cref="Optimizer.Momentum"/> (the lecture's option).</summary>
    public double Momentum { get; init; }

    /// <summary>The update rule (default: the lecture's SGD).</summary>
    public Optimizer Optimizer { get; init; } = Optimizer.Sgd;

    /// <summary>Adam's beta1, the decay of the first moment (torch's default 0.9).</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's beta2, the decay of the second moment (torch's default 0.999).</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Adam's epsilon in the denominator (torch's default 1e-8).</summary>
    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary>Weight decay of Adam (added to the gradient, torch's Adam weight_decay) or AdamW (decoupled, w &lt;- (1 - eta wd) w); weights only, not biases.</summary>
    public double WeightDecay { get; init; }

    /// <summary>How eta changes with the step.</summary>
    public Schedule Schedule { get; init; } = Schedule.Constant;

    /// <summary>Steps between decays of the step schedule.</summary>
    public int StepSize { get; init; } = 1000;

    /// <summary>gamma, the decay factor of the step and exponential schedules.</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>T, the steps of the cosine schedule's half period (0: the whole run's steps).</summary>
    public int CosineSteps { get; init; }

    /// <summary>eta_min, the cosine schedule's floor.</summary>
    public double MinEta { get; init; }

    /// <summary>Linear warm-up over the first W steps: eta_t is multiplied by (t + 1) / W for t &lt; W.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Clips the global L2 norm of the mini-batch's mean gradient to this value (torch's clip_grad_norm_); null for none.</summary>
    public double? ClipNorm { get; init; }

    /// <summary>The rule in effect: <see cref="Optimizer"/>, or <see cref="Optimizer.Momentum"/> for SGD with a positive <see cref="Momentum"/>.</summary>
    public Optimizer EffectiveOptimizer => Optimizer == Optimizer.Sgd && Momentum > 0 ? Optimizer.Momentum : Optimizer;

    /// <summary>The cost function.</summary>
    public CostFunction Cost { get; init; } = CostFunction.Quadratic;

    /// <summary>Seed of the per-epoch shuffles.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Most worker threads over the samples of each mini-batch; small batches use fewer (see <see cref="Trainer.WorkersFor"/>).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Stop after this many epochs without a better validation result (<see cref="Trainer.Fit(Dataset?, IProgress{EpochReport}?, CancellationToken, Action{int, int}?)"/>); null never stops early.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>
    /// Divergence by saturation: a parameter whose magnitude passes this after an epoch stops training
    /// with <see cref="TrainingDivergedException"/>, as NaN does. Past about 1e6 a float weight times
    /// an input of order one keeps few of its 24 bits beside the others, and sigmoid units are pinned
    /// at 0 or 1 with no gradient left. Null (the default) is automatic: <see cref="DefaultParameterLimit"/>
    /// times the largest target magnitude when that is above 1 (unstandardised regression targets need
    /// biases of their size); <see cref="double.PositiveInfinity"/> turns the check off (inputs far
    /// below 1 in scale may need weights far above it).
    /// </summary>
    public double? ParameterLimit { get; init; }

    /// <summary>The automatic <see cref="ParameterLimit"/> for targets within [-1, 1].</summary>
    public const double DefaultParameterLimit = 1e6;

    /// <summary>
    /// Divergence by explosion: a mini-batch whose mean cost per sample passes this multiple of the
    /// run's first mini-batch's (or of 1, if that was below 1) stops training with
    /// <see cref="TrainingDivergedException"/>. Gradient descent lowers the cost; a millionfold rise is
    /// a run gone wrong. <see cref="double.PositiveInfinity"/> turns the check off.
    /// </summary>
    public double CostGrowthLimit { get; init; } = 1e6;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Epochs < 0) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Train for zero epochs (the initialised network) or more.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "A mini-batch needs at least one sample.");
        if (!(Eta > 0) || !double.IsFinite(Eta)) throw new ArgumentOutOfRangeException(nameof(Eta), Eta, "The learning rate must be positive and finite.");
        if (!(Lambda >= 0) || !double.IsFinite(Lambda)) throw new ArgumentOutOfRangeException(nameof(Lambda), Lambda, "Weight decay must be zero or more.");
        if (!(Momentum >= 0 && Momentum < 1)) throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "Momentum must be in [0, 1).");
        if (!Enum.IsDefined(Optimizer)) throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, "Unknown optimizer.");
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, "beta1 must be in [0, 1).");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, "beta2 must be in [0, 1).");
        if (!(AdamEpsilon > 0) || !double.IsFinite(AdamEpsilon)) throw new ArgumentOutOfRangeException(nameof(AdamEpsilon), AdamEpsilon, "Adam's epsilon must be positive and finite.");
        if (!(WeightDecay >= 0) || !double.IsFinite(WeightDecay)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "Weight decay must be zero or more.");
        if (WeightDecay > 0 && Optimizer is not (Optimizer.Adam or Optimizer.AdamW)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "Weight decay is Adam's and AdamW's; SGD takes lambda (L2).");
        if (Lambda > 0 && Optimizer is Optimizer.Adam or Optimizer.AdamW) throw new ArgumentOutOfRangeException(nameof(Lambda), Lambda, "lambda is the SGD family's L2; Adam and AdamW take weight decay.");
        if (Momentum > 0 && Optimizer is Optimizer.Adam or Optimizer.AdamW) throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "Momentum is the SGD family's; Adam has beta1.");
        if (!Enum.IsDefined(Schedule)) throw new ArgumentOutOfRangeException(nameof(Schedule), Schedule, "Unknown schedule.");
        if (StepSize < 1) throw new ArgumentOutOfRangeException(nameof(StepSize), StepSize, "The step size is at least one step.");
        if (!(Gamma > 0 && Gamma <= 1)) throw new ArgumentOutOfRangeException(nameof(Gamma), Gamma, "gamma must be in (0, 1].");
        if (CosineSteps < 0) throw new ArgumentOutOfRangeException(nameof(CosineSteps), CosineSteps, "The cosine period is zero (the whole run) or more steps.");
        if (!(MinEta >= 0 && MinEta <= Eta)) throw new ArgumentOutOfRangeException(nameof(MinEta), MinEta, "eta_min must be in [0, eta].");
        if (WarmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(WarmupSteps), WarmupSteps, "Warm-up is zero or more steps.");
        if (ClipNorm is double c && (!(c > 0) || !double.IsFinite(c))) throw new ArgumentOutOfRangeException(nameof(ClipNorm), ClipNorm, "The clip norm must be positive and finite.");
        if (Threads < 1 || Threads > 256) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Use 1 to 256 threads.");
        if (ParameterLimit is double limit && !(limit > 0)) throw new ArgumentOutOfRangeException(nameof(ParameterLimit), ParameterLimit, "The parameter limit must be positive (infinity turns the check off).");
        if (!(CostGrowthLimit >= 1)) throw new ArgumentOutOfRangeException(nameof(CostGrowthLimit), CostGrowthLimit, "The cost growth limit must be at least 1 (infinity turns the check off).");
        if (EarlyStoppingPatience is < 1) throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "Patience is at least one epoch.");
    }
}
