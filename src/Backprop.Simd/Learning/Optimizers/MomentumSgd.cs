using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Backprop.Simd.Kernels;

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
        float l2 = isWeight ? _l2 : 0f;
        // Elementwise IEEE operations without FMA: every width gives the same bits.
        var step = new Step(this, w, g, b, l2);
        WidthDispatch.WidestFilledBy<float, Step>(ref step, g.Length);
    }

    private readonly ref struct Step(MomentumSgd rule, Span<float> w, ReadOnlySpan<float> g, Span<float> b, float l2) : IVectorKernel<float>
    {
        private readonly Span<float> _w = w;
        private readonly ReadOnlySpan<float> _g = g;
        private readonly Span<float> _b = b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Run<TVector>()
            where TVector : struct, IVector<TVector, float> => rule.Run<TVector>(_w, _g, _b, l2);
    }

    private void Run<TVector>(Span<float> w, ReadOnlySpan<float> g, Span<float> b, float l2)
        where TVector : struct, IVector<TVector, float>
    {
        ref float rw = ref MemoryMarshal.GetReference(w), rb = ref MemoryMarshal.GetReference(b);
        ref float rg = ref MemoryMarshal.GetReference(g);
        float mu = _mu, eta = _eta, scale = _scale;
        TVector vMu = TVector.Create(mu), vEta = TVector.Create(eta), vScale = TVector.Create(scale), vL2 = TVector.Create(l2);
        int n = g.Length, i = 0;
        for (; i + TVector.Count <= n; i += TVector.Count)
        {
            nuint at = (nuint)i;
            TVector wi = TVector.Load(ref rw, at);
            TVector d = TVector.Load(ref rg, at) * vScale + vL2 * wi;        // d = g + (lambda / n) w
            TVector bi = vMu * TVector.Load(ref rb, at) + d;                 // b = mu b + d
            TVector.Store(bi, ref rb, at);
            TVector.Store(wi - vEta * (nesterov ? d + vMu * bi : bi), ref rw, at);
        }

        for (; i < n; i++)
        {
            float d = g[i] * scale + l2 * w[i];
            float bi = mu * b[i] + d;
            b[i] = bi;
            w[i] -= eta * (nesterov ? d + mu * bi : bi);
        }
    }
}
