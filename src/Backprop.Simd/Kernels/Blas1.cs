using System.Numerics;

namespace Backprop.Simd.Kernels;

/// <summary>
/// Level-1 kernels on spans: dot product, axpy, scale, add, Hadamard product, sum and max.
/// Lengths are checked once at entry; a destination may be one of the sources (in place).
/// Generic over <see cref="float"/> and <see cref="double"/>.
/// </summary>
public static class Blas1
{
    /// <summary>Returns x . y = sum_i x_i y_i.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.SameLength(x, nameof(x), y, nameof(y));
        return Aggregate.Of<T, DotOperator<T>>(x, y);
    }

    /// <summary>y = alpha x + y (one rounding per element).</summary>
    /// <exception cref="ArgumentException">The lengths differ, or y is a shifted view of x.</exception>
    public static void Axpy<T>(ReadOnlySpan<T> x, T alpha, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.SameLength(x, nameof(x), y, nameof(y));
        Require.NoPartialOverlap(x, nameof(x), y, nameof(y));
        Elementwise.Apply(new AxpyOperator<T>(alpha), x, y, y);
    }

    /// <summary>y = alpha x + beta y: with beta = 1 - eta lambda / n and alpha = -eta / m, one SGD step with weight decay.</summary>
    /// <exception cref="ArgumentException">The lengths differ, or y is a shifted view of x.</exception>
    public static void Axpby<T>(ReadOnlySpan<T> x, T alpha, T beta, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.SameLength(x, nameof(x), y, nameof(y));
        Require.NoPartialOverlap(x, nameof(x), y, nameof(y));
        Elementwise.Apply(new AxpbyOperator<T>(alpha, beta), x, y, y);
    }

    /// <summary>destination = alpha x.</summary>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partly overlap.</exception>
    public static void Scale<T>(ReadOnlySpan<T> x, T alpha, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.SameLength(x, nameof(x), destination, nameof(destination));
        Require.NoPartialOverlap(x, nameof(x), destination, nameof(destination));
        Elementwise.Apply(new ScaleOperator<T>(alpha), x, destination);
    }

    /// <summary>destination = x + y.</summary>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partly overlap.</exception>
    public static void Add<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBinary(x, y, destination);
        Elementwise.Apply(new AddOperator<T>(), x, y, destination);
    }

    /// <summary>destination = x (.) y, the Hadamard (element-wise) product.</summary>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partly overlap.</exception>
    public static void Hadamard<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBinary(x, y, destination);
        Elementwise.Apply(new MultiplyOperator<T>(), x, y, destination);
    }

    /// <summary>Returns sum_i x_i.</summary>
    public static T Sum<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Aggregate.Of<T, SumOperator<T>>(x, x);

    /// <summary>Returns max_i x_i; NaN if any element is NaN.</summary>
    /// <exception cref="ArgumentException">x is empty.</exception>
    public static T Max<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotEmpty(x, nameof(x));
        return Aggregate.Of<T, MaxOperator<T>>(x, x);
    }

    private static void CheckBinary<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> destination)
    {
        Require.SameLength(x, nameof(x), y, nameof(y));
        Require.SameLength(x, nameof(x), destination, nameof(destination));
        Require.NoPartialOverlap(x, nameof(x), destination, nameof(destination));
        Require.NoPartialOverlap(y, nameof(y), destination, nameof(destination));
    }
}
