namespace Backprop.Simd;

/// <summary>The result of a finite-difference gradient check, per layer and overall.</summary>
public sealed class GradientCheckReport
{
    internal GradientCheckReport(IReadOnlyList<LayerGradientCheck> layers, GradientCheckOptions options, string? failure)
    {
        Layers = layers;
        Options = options;
        Failure = failure ?? layers.Where(l => !l.Passed).Select(l =>
            $"layer {l.Layer}: {l.WorstParameter} analytic {l.WorstAnalytic:G9} vs numeric {l.WorstNumeric:G9} (relative error {l.MaxRelativeError.ToString("0.##e+00", System.Globalization.CultureInfo.InvariantCulture)})")
            .FirstOrDefault();
    }

    /// <summary>One entry per layer.</summary>
    public IReadOnlyList<LayerGradientCheck> Layers { get; }

    /// <summary>The settings the check ran with.</summary>
    public GradientCheckOptions Options { get; }

    /// <summary>Why the check failed, or null when it passed.</summary>
    public string? Failure { get; }

    /// <summary>Every checked parameter was within tolerance, and the gradient was not vacuously zero.</summary>
    public bool Passed => Failure is null;

    /// <summary>Parameters compared, over all layers.</summary>
    public int ParametersChecked => Layers.Sum(l => l.ParametersChecked);

    /// <summary>The largest relative error of any layer.</summary>
    public double MaxRelativeError => Layers.Count == 0 ? 0 : Layers.Max(l => l.MaxRelativeError);

    /// <summary>The largest absolute error of any layer.</summary>
    public double MaxAbsoluteError => Layers.Count == 0 ? 0 : Layers.Max(l => l.MaxAbsoluteError);
}
