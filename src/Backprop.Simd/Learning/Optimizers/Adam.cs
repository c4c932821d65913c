using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Backprop.Simd.Kernels;

namespace Backprop.Simd.Learning.Optimizers;

/// <summary>
/// Adam as torch.optim.Adam: m &lt;- b1 m + (1 - b1) d, v &lt;- b2 v + (1 - b2) d^2,
/// w &lt;- w - eta / (1 - b1^t) m / (sqrt(v) / sqrt(1 - b2^t) + eps), with d = g + wd w (L2; weights only).
/// The step is computed as (eta r / (1 - b1^t)) m / (sqrt(v) + eps r), r = sqrt(1 - b2^t): the same value, one division fewer.
/// AdamW first decays w &lt;- (1 - eta wd) w and takes d = g.
/// </summary>
internal sealed class Adam(TrainingOptions options, int parameterCount, int trainingCount, long totalSteps, bool decoupled)
    : UpdateRule(options, parameterCount, trainingCount, totalSteps, moments: 2)
{
    private readonly double _beta1 = options.Beta1, _beta2 = options.Beta2, _weightDecay = options.WeightDecay;
    private readonly double _epsilon = options.AdamEpsilon;
    private float _scale, _stepSize, _epsilon2, _decay, _l2;

    public override void BeginStep(double gradientScale)
    {
        long t = StepCount + 1; // torch counts the step being taken
        double eta = LearningRate(StepCount);
        _scale = (float)gradientScale;
        // eta / (1 - b1^t) m / (sqrt(v) / r + eps) = (eta r / (1 - b1^t)) m / (sqrt(v) + eps r), r = sqrt(1 - b2^t):
        // one division an element instead of two.
        double root2 = Math.Sqrt(1 - Math.Pow(_beta2, t));
        _stepSize = (float)(eta * root2 / (1 - Math.Pow(_beta1, t)));
        _epsilon2 = (float)(_epsilon * root2);
        _decay = decoupled ? (float)(1 - eta * _weightDecay) : 1f;
        _l2 = decoupled ? 0f : (float)_weightDecay;
    }

    public override void Apply(Span<float> w, ReadOnlySpan<float> g, int start, bool isWeight)
    {
        Span<float> m = FirstMoment.AsSpan(start, g.Length), v = SecondMoment.AsSpan(start, g.Length);
        var c = new Constants(
            (float)_beta1, (float)(1 - _beta1), (float)_beta2, (float)(1 - _beta2), _scale, _stepSize, _epsilon2,
            isWeight ? _decay : 1f, isWeight ? _l2 : 0f);
        // Elementwise IEEE operations without FMA: every width gives the same bits.
        var step = new Step(w, g, m, v, c);
        WidthDispatch.WidestFilledBy<float, Step>(ref step, g.Length);
    }

    private readonly ref struct Step(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v, Constants c) : IVectorKernel<float>
    {
        private readonly Span<float> _w = w;
        private readonly ReadOnlySpan<float> _g = g;
        private readonly Span<float> _m = m;
        private readonly Span<float> _v = v;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Run<TVector>()
            where TVector : struct, IVector<TVector, float> => Adam.Run<TVector>(_w, _g, _m, _v, c);
    }

    private readonly record struct Constants(float B1, float C1, float B2, float C2, float Scale, float StepSize, float Epsilon, float Decay, float L2);

    private static void Run<TVector>(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v, Constants c)
        where TVector : struct, IVector<TVector, float>
    {
        ref float rw = ref MemoryMarshal.GetReference(w), rm = ref MemoryMarshal.GetReference(m), rv = ref MemoryMarshal.GetReference(v);
        ref float rg = ref MemoryMarshal.GetReference(g);
        TVector b1 = TVector.Create(c.B1), c1 = TVector.Create(c.C1), b2 = TVector.Create(c.B2), c2 = TVector.Create(c.C2);
        TVector scale = TVector.Create(c.Scale), step = TVector.Create(c.StepSize), eps = TVector.Create(c.Epsilon);
        TVector decay = TVector.Create(c.Decay), l2 = TVector.Create(c.L2);
        int n = g.Length, i = 0;
        for (; i + TVector.Count <= n; i += TVector.Count)
        {
            nuint at = (nuint)i;
            TVector wi = TVector.Load(ref rw, at) * decay;                          // AdamW: (1 - eta wd) w
            TVector d = TVector.Load(ref rg, at) * scale + l2 * wi;                 // d = g (+ wd w)
            TVector mi = b1 * TVector.Load(ref rm, at) + c1 * d;                    // m = b1 m + (1 - b1) d
            TVector vi = b2 * TVector.Load(ref rv, at) + c2 * (d * d);              // v = b2 v + (1 - b2) d^2
            TVector.Store(mi, ref rm, at);
            TVector.Store(vi, ref rv, at);
            TVector.Store(wi - step * (mi / (TVector.Sqrt(vi) + eps)), ref rw, at);  // w -= step m / (sqrt(v) + eps r)
        }

        for (; i < n; i++)
        {
            float wi = w[i] * c.Decay;
            float d = g[i] * c.Scale + c.L2 * wi;
            float mi = c.B1 * m[i] + c.C1 * d;
            float vi = c.B2 * v[i] + c.C2 * (d * d);
            (m[i], v[i]) = (mi, vi);
            w[i] = wi - c.StepSize * (mi / (MathF.Sqrt(vi) + c.Epsilon));
        }
    }
}
