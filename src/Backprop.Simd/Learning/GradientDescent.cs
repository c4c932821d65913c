using Backprop.Simd.Kernels;

namespace Backprop.Simd.Learning;

/// <summary>
/// The update rule, apart from the gradient (as llm.c keeps gpt2_update apart from the passes):
/// plain SGD w &lt;- (1 - eta lambda / n) w - (eta/m) g, or with momentum v &lt;- mu v - (eta/m) g,
/// w &lt;- (1 - eta lambda / n) w + v. Biases are not decayed (network2.py). One call covers one
/// range of the parameter buffer, so the trainer's workers update disjoint ranges at once.
/// </summary>
internal sealed class GradientDescent
{
    private readonly double _eta, _lambda, _momentum;
    private readonly int _trainingCount;
    private float _scale, _decay;

    /// <summary>The rule of <paramref name="options"/> for <paramref name="parameterCount"/> parameters and n = <paramref name="trainingCount"/>.</summary>
    public GradientDescent(TrainingOptions options, int parameterCount, int trainingCount)
    {
        (_eta, _lambda, _momentum, _trainingCount) = (options.Eta, options.Lambda, options.Momentum, trainingCount);
        Velocity = options.Momentum > 0 ? new float[parameterCount] : [];
    }

    /// <summary>The momentum buffer v (empty without momentum), laid out like the parameters.</summary>
    public float[] Velocity { get; }

    /// <summary>Sets -eta/m and the decay factor for a mini-batch of <paramref name="batchCount"/> samples.</summary>
    public void BeginStep(int batchCount)
    {
        _scale = (float)(-_eta / batchCount);
        _decay = (float)(1 - _eta * _lambda / _trainingCount);
    }

    /// <summary>Updates w = parameters[start .. start + g.Length) from the summed gradient g.</summary>
    public void Apply(Span<float> w, ReadOnlySpan<float> g, int start, bool decay)
    {
        float keep = decay ? _decay : 1f;
        if (Velocity.Length == 0)
        {
            Blas1.Axpby<float>(g, _scale, keep, w);                        // w <- keep w - (eta/m) g
            return;
        }

        Span<float> v = Velocity.AsSpan(start, g.Length);
        Blas1.Axpby<float>(g, _scale, (float)_momentum, v);                // v <- mu v - (eta/m) g
        Blas1.Axpby<float>(v, 1f, keep, w);                                // w <- keep w + v
    }
}
