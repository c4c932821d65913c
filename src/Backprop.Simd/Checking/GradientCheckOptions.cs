namespace Backprop.Simd;

/// <summary>
/// Settings of a finite-difference gradient check, all in double precision. A parameter passes when
/// |analytic - numeric| &lt;= RelativeTolerance * max(|analytic|, |numeric|, TinyGradient), where
/// TinyGradient = AbsoluteTolerance / RelativeTolerance: gradients at least that large are judged by
/// relative error, smaller ("tiny") ones by absolute error. docs/backprop.md justifies the defaults.
/// </summary>
public sealed record GradientCheckOptions
{
    /// <summary>The step e of the central difference (C(p + e) - C(p - e)) / 2e.</summary>
    public double Epsilon { get; init; } = 1e-5;

    /// <summary>The largest relative error a gradient of at least <see cref="TinyGradient"/> may have.</summary>
    public double RelativeTolerance { get; init; } = 1e-6;

    /// <summary>The largest absolute error a tiny gradient may have.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-8;

    /// <summary>Check at most this many parameters, a seeded uniform random subset (for large
    /// networks); null checks all of them.</summary>
    public int? MaxParameters { get; init; }

    /// <summary>Seed of the subset drawn when <see cref="MaxParameters"/> is set.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Below this size a gradient is judged by absolute error.</summary>
    public double TinyGradient => AbsoluteTolerance / RelativeTolerance;

    internal void Validate()
    {
        if (!(Epsilon > 0) || !double.IsFinite(Epsilon)) throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "The step must be positive and finite.");
        if (!(RelativeTolerance > 0)) throw new ArgumentOutOfRangeException(nameof(RelativeTolerance), RelativeTolerance, "The relative tolerance must be positive.");
        if (!(AbsoluteTolerance > 0)) throw new ArgumentOutOfRangeException(nameof(AbsoluteTolerance), AbsoluteTolerance, "The absolute tolerance must be positive.");
        if (MaxParameters is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxParameters), MaxParameters, "Check at least one parameter.");
    }
}
