namespace Backprop.Simd.Learning.Optimizers;

/// <summary>
/// One update rule over the single parameter buffer, apart from the gradient (as llm.c keeps
/// gpt2_update apart from the passes). A step is BeginStep (this step's rate and gradient scale),
/// then Apply on disjoint ranges (the trainer's workers in parallel), then EndStep. The state
/// (moments, step count) is what a checkpoint saves. Every kernel is one pass over its range on the
/// widest register the range fills, with a scalar tail doing the same float operations (no FMA), so
/// results do not depend on alignment or width.
/// </summary>
internal abstract class UpdateRule
{
    private readonly TrainingOptions _options;
    private readonly long _totalSteps;

    protected UpdateRule(TrainingOptions options, int parameterCount, int trainingCount, long totalSteps, int moments)
    {
        _options = options;
        _totalSteps = Math.Max(1, totalSteps);
        TrainingCount = trainingCount;
        FirstMoment = moments >= 1 ? new float[parameterCount] : [];
        SecondMoment = moments >= 2 ? new float[parameterCount] : [];
    }

    /// <summary>n, the training set's size (the lecture's L2 term is lambda / n).</summary>
    protected int TrainingCount { get; }

    /// <summary>The momentum buffer, or Adam's first moment m (empty for plain SGD).</summary>
    public float[] FirstMoment { get; }

    /// <summary>Adam's second moment v (empty otherwise).</summary>
    public float[] SecondMoment { get; }

    /// <summary>Optimizer steps done: t of the next step.</summary>
    public long StepCount { get; set; }

    /// <summary>eta_t for the step t, from the schedule and the warm-up.</summary>
    public double LearningRate(long t)
    {
        double eta = _options.Eta;
        double rate = _options.Schedule switch
        {
            Schedule.Step => eta * Math.Pow(_options.Gamma, t / _options.StepSize),
            Schedule.Exponential => eta * Math.Pow(_options.Gamma, t),
            Schedule.Cosine => _options.MinEta + (eta - _options.MinEta) * (1 + Math.Cos(Math.PI * t / (_options.CosineSteps > 0 ? _options.CosineSteps : _totalSteps))) / 2,
            _ => eta,
        };
        return t < _options.WarmupSteps ? rate * (t + 1) / _options.WarmupSteps : rate;
    }

    /// <summary>Prepares step <see cref="StepCount"/>: <paramref name="gradientScale"/> turns the summed gradient into the one to apply (1/m, times the clip factor).</summary>
    public abstract void BeginStep(double gradientScale);

    /// <summary>Updates w = parameters[start .. start + g.Length) from the summed gradient g; <paramref name="isWeight"/> is false for biases (never decayed).</summary>
    public abstract void Apply(Span<float> w, ReadOnlySpan<float> g, int start, bool isWeight);

    /// <summary>Ends the step.</summary>
    public void EndStep() => StepCount++;

    /// <summary>The rule <paramref name="options"/> asks for.</summary>
    public static UpdateRule For(TrainingOptions options, int parameterCount, int trainingCount, long totalSteps) => options.EffectiveOptimizer switch
    {
        Optimizer.Momentum => new MomentumSgd(options, parameterCount, trainingCount, totalSteps, nesterov: false),
        Optimizer.Nesterov => new MomentumSgd(options, parameterCount, trainingCount, totalSteps, nesterov: true),
        Optimizer.Adam => new Adam(options, parameterCount, trainingCount, totalSteps, decoupled: false),
        Optimizer.AdamW => new Adam(options, parameterCount, trainingCount, totalSteps, decoupled: true),
        _ => new Sgd(options, parameterCount, trainingCount, totalSteps),
    };
}
