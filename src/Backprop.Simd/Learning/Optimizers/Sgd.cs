using Backprop.Simd.Kernels;

namespace Backprop.Simd.Learning.Optimizers;

/// <summary>The lecture's rule with network2.py's L2: w &lt;- (1 - eta lambda / n) w - eta g (biases not decayed).</summary>
internal sealed class Sgd(TrainingOptions options, int parameterCount, int trainingCount, long totalSteps)
    : UpdateRule(options, parameterCount, trainingCount, totalSteps, moments: 0)
{
    private readonly double _lambda = options.Lambda;
    private float _scale, _decay;

    public override void BeginStep(double gradientScale)
    {
        double eta = LearningRate(StepCount);
        _scale = (float)(-eta * gradientScale);
        _decay = (float)(1 - eta * _lambda / TrainingCount);
    }

    public override void Apply(Span<float> w, ReadOnlySpan<float> g, int start, bool isWeight) =>
        Blas1.Axpby<float>(g, _scale, isWeight ? _decay : 1f, w);    // w <- keep w - eta g
}
