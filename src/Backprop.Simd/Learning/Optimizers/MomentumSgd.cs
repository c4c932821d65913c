using System.Numerics;

namespace Backprop.Simd.Learning.Optimizers;

/// <summary>
/// Momentum as torch.optim.SGD: d = g + (lambda / n) w, b &lt;- mu b + d, w &lt;- w - eta b; Nesterov:
/// w &lt;- w - eta (d + mu b). The buffer holds gradients, not steps, so a schedule changes eta at once.
/// </summary>
internal sealed class MomentumSgd(TrainingOptions options, int parameterCount, int trainingCount, long totalSteps, bool nesterov)
    : UpdateRule(options, parameterCount, trainingCount, totalSteps, moments: 1)
{
    private readonly float _mu = (float)options.Momentum;
    private readonly double _lambda = options.Lambda;
    private float _eta, _scale, _l2;

    public override void BeginStep(double gradientScale)
    {
        _eta = (float)LearningRate(StepCount);
        _scale = (float)gradientScale;
        _l2 = (float)(_lambda / TrainingCount);
    }

    public override void Apply(Span<float> w, ReadOnlySpan<float> g, int start, bool isWeight)
    {
        Span<float> b = FirstMoment.AsSpan(start, g.Length);
        float l2 = isWeight ? _l2 : 0f, mu = _mu, eta = _eta, scale = _scale;
        int i = 0, end = VectorEnd(g.Length);
        var vMu = new Vector<float>(mu);
        var vEta = new Vector<float>(eta);
        var vScale = new Vector<float>(scale);
        var vL2 = new Vector<float>(l2);
        for (; i < end; i += Vector<float>.Count)
        {
            var wi = new Vector<float>(w[i..]);
            Vector<float> d = new Vector<float>(g[i..]) * vScale + vL2 * wi;
            Vector<float> bi = vMu * new Vector<float>(b[i..]) + d;
            bi.CopyTo(b[i..]);
            (wi - vEta * (nesterov ? d + vMu * bi : bi)).CopyTo(w[i..]);
        }

        for (; i < g.Length; i++)
        {
            float d = g[i] * scale + l2 * w[i];
            float bi = mu * b[i] + d;
            b[i] = bi;
            w[i] -= eta * (nesterov ? d + mu * bi : bi);
        }
    }
}
