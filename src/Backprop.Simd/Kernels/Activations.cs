using System.Numerics;

namespace Backprop.Simd.Kernels;

/// <summary>
/// Activation functions a = f(z) and their backward step delta = g (.) f'(z), which every
/// function here computes from the activation a alone (so z need not be kept).
/// </summary>
public static class Activations
{
    /// <summary>a = sigma(z) = 1 / (1 + e^-z). Saturates to exactly 0 and 1, never NaN for finite or infinite z.</summary>
    /// <remarks>
    /// Float: relative error at most 2e-6 against the double formula over [-100, 100] where the
    /// result is a normal float (z &gt; -87.3); below that the result is subnormal and its absolute
    /// error is at most 1e-44. Double: relative error at most 1e-14.
    /// </remarks>
    public static void Sigmoid<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckUnary(z, a);
        Elementwise.Apply(new SigmoidOperator<T>(), z, a);
    }

    /// <summary>a = tanh z.</summary>
    public static void Tanh<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckUnary(z, a);
        Elementwise.Apply(new TanhOperator<T>(), z, a);
    }

    /// <summary>a = max(z, 0).</summary>
    public static void Relu<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckUnary(z, a);
        Elementwise.Apply(new ReluOperator<T>(), z, a);
    }

    /// <summary>a_i = e^(z_i - max z) / sum_j e^(z_j - max z): the shift keeps e^ from overflowing.</summary>
    /// <exception cref="ArgumentException">z is empty, the lengths differ, or the spans partly overlap.</exception>
    public static void Softmax<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckUnary(z, a);
        Require.NotEmpty(z, nameof(z));
        T max = Blas1.Max(z);
        Elementwise.Apply(new ExpShiftOperator<T>(max), z, a);
        T sum = Blas1.Sum<T>(a);
        Elementwise.Apply(new ScaleOperator<T>(T.One / sum), a, a);
    }

    /// <summary>delta = g (.) sigma'(z) = g (.) a (.) (1 - a): the lecture's sigma' times dC/da, fused.</summary>
    public static void SigmoidBackward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> g, Span<T> delta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBinary(a, g, delta);
        Elementwise.Apply(new SigmoidBackwardOperator<T>(), a, g, delta);
    }

    /// <summary>delta = g (.) (1 - a^2) for a = tanh z.</summary>
    public static void TanhBackward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> g, Span<T> delta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBinary(a, g, delta);
        Elementwise.Apply(new TanhBackwardOperator<T>(), a, g, delta);
    }

    /// <summary>delta = g where a &gt; 0, else 0, for a = max(z, 0).</summary>
    public static void ReluBackward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> g, Span<T> delta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBinary(a, g, delta);
        Elementwise.Apply(new ReluBackwardOperator<T>(), a, g, delta);
    }

    /// <summary>delta = J^T g for a = softmax(z): delta_i = a_i (g_i - a . g).</summary>
    public static void SoftmaxBackward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> g, Span<T> delta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBinary(a, g, delta);
        T weightedSum = Blas1.Dot(a, g);
        Elementwise.Apply(new SoftmaxBackwardOperator<T>(weightedSum), a, g, delta);
    }

    /// <summary>a = f(z) for the given function.</summary>
    public static void Forward<T>(Activation function, ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (function)
        {
            case Activation.Identity:
                CheckUnary(z, a);
                z.CopyTo(a);
                break;
            case Activation.Sigmoid: Sigmoid(z, a); break;
            case Activation.Tanh: Tanh(z, a); break;
            case Activation.Relu: Relu(z, a); break;
            case Activation.Softmax: Softmax(z, a); break;
            default: throw UnknownFunction(function);
        }
    }

    /// <summary>delta = g (.) f'(z), computed from a = f(z) (for softmax, the Jacobian-transpose product).</summary>
    public static void Backward<T>(Activation function, ReadOnlySpan<T> a, ReadOnlySpan<T> g, Span<T> delta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (function)
        {
            case Activation.Identity:
                CheckBinary(a, g, delta);
                g.CopyTo(delta);
                break;
            case Activation.Sigmoid: SigmoidBackward(a, g, delta); break;
            case Activation.Tanh: TanhBackward(a, g, delta); break;
            case Activation.Relu: ReluBackward(a, g, delta); break;
            case Activation.Softmax: SoftmaxBackward(a, g, delta); break;
            default: throw UnknownFunction(function);
        }
    }

    /// <summary>Index of the largest element (the first one on ties); a NaN counts as the largest.</summary>
    /// <exception cref="ArgumentException">x is empty.</exception>
    public static int Argmax<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotEmpty(x, nameof(x));
        // Outputs are a handful of classes: one pass of compares beats a vector max plus a search.
        int best = 0;
        for (int i = 1; i < x.Length && !T.IsNaN(x[best]); i++)
        {
            if (x[i] > x[best] || T.IsNaN(x[i]))
            {
                best = i;
            }
        }

        return best;
    }

    private static ArgumentOutOfRangeException UnknownFunction(Activation function) =>
        new(nameof(function), function, $"Unknown activation function {(int)function}.");

    private static void CheckUnary<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a)
    {
        Require.SameLength(z, nameof(z), a, nameof(a));
        Require.NoPartialOverlap(z, nameof(z), a, nameof(a));
    }

    private static void CheckBinary<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> g, ReadOnlySpan<T> delta)
    {
        Require.SameLength(a, nameof(a), g, nameof(g));
        Require.SameLength(a, nameof(a), delta, nameof(delta));
        Require.NoPartialOverlap(a, nameof(a), delta, nameof(delta));
        Require.NoPartialOverlap(g, nameof(g), delta, nameof(delta));
    }
}
