using System.Numerics;

namespace Backprop.Simd.Learning.Optimizers;

/// <summary>
/// Adam as torch.optim.Adam: m &lt;- b1 m + (1 - b1) d, v &lt;- b2 v + (1 - b2) d^2,
/// w &lt;- w - eta / (1 - b1^t) m / (sqrt(v) / sqrt(1 - b2^t) + eps), with d = g + wd w (L2; weights only).
/// AdamW first decays w &lt;- (1 - eta wd) w and takes d = g.
/// </summary>
internal sealed class Adam(TrainingOptions options, int parameterCount, int trainingCount, long totalSteps, bool decoupled)
    : UpdateRule(options, parameterCount, trainingCount, totalSteps, moments: 2)
{
    private readonly double _beta1 = options.Beta1, _beta2 = options.Beta2, _weightDecay = options.WeightDecay;
    private readonly float _epsilon = (float)options.AdamEpsilon;
    private float _scale, _stepSize, _root2, _decay, _l2;

    public override void BeginStep(double gradientScale)
    {
        long t = StepCount + 1; // torch counts the step being taken
        double eta = LearningRate(StepCount);
        _scale = (float)gradientScale;
        _stepSize = (float)(eta / (1 - Math.Pow(_beta1, t)));
        _root2 = (float)Math.Sqrt(1 - Math.Pow(_beta2, t));
        _decay = decoupled ? (float)(1 - eta * _weightDecay) : 1f;
        _l2 = decoupled ? 0f : (float)_weightDecay;
    }

    public override void Apply(Span<float> w, ReadOnlySpan<float> g, int start, bool isWeight)
    {
        Span<float> m = FirstMoment.AsSpan(start, g.Length), v = SecondMoment.AsSpan(start, g.Length);
        float b1 = (float)_beta1, c1 = (float)(1 - _beta1), b2 = (float)_beta2, c2 = (float)(1 - _beta2);
        float scale = _scale, stepSize = _stepSize, root2 = _root2, eps = _epsilon;
        float decay = isWeight ? _decay : 1f, l2 = isWeight ? _l2 : 0f;
        int i = 0, end = VectorEnd(g.Length);
        var vB1 = new Vector<float>(b1);
        var vC1 = new Vector<float>(c1);
        var vB2 = new Vector<float>(b2);
        var vC2 = new Vector<float>(c2);
        var vScale = new Vector<float>(scale);
        var vStep = new Vector<float>(stepSize);
        var vRoot2 = new Vector<float>(root2);
        var vEps = new Vector<float>(eps);
        var vDecay = new Vector<float>(decay);
        var vL2 = new Vector<float>(l2);
        for (; i < end; i += Vector<float>.Count)
        {
            var wi = new Vector<float>(w[i..]) * vDecay;
            Vector<float> d = new Vector<float>(g[i..]) * vScale + vL2 * wi;
            Vector<float> mi = vB1 * new Vector<float>(m[i..]) + vC1 * d;
            Vector<float> vi = vB2 * new Vector<float>(v[i..]) + vC2 * (d * d);
            mi.CopyTo(m[i..]);
            vi.CopyTo(v[i..]);
            (wi - vStep * (mi / (Vector.SquareRoot(vi) / vRoot2 + vEps))).CopyTo(w[i..]);
        }

        for (; i < g.Length; i++)
        {
            float wi = w[i] * decay;
            float d = g[i] * scale + l2 * wi;
            float mi = b1 * m[i] + c1 * d;
            float vi = b2 * v[i] + c2 * (d * d);
            (m[i], v[i]) = (mi, vi);
            w[i] = wi - stepSize * (mi / (MathF.Sqrt(vi) / root2 + eps));
        }
    }
}
