using System.Numerics;

namespace Backprop.Simd.Kernels;

/// <summary>
/// The textbook loops beside the fast kernels (as llm.c keeps matmul_forward_naive beside
/// matmul_forward): slow and obviously right. The tests compare every kernel with these, in double;
/// the benchmarks time them, in float, as the scalar baseline. Nothing in the library calls them.
/// Shapes are those of the fast kernels they mirror, and are not checked.
/// </summary>
internal static class Reference
{
    /// <summary>x . y = sum_i x_i y_i (<see cref="Blas1.Dot{T}"/>).</summary>
    public static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T sum = T.Zero;
        for (int i = 0; i < x.Length; i++) sum += x[i] * y[i];
        return sum;
    }

    /// <summary>sum_i x_i (<see cref="Blas1.Sum{T}"/>).</summary>
    public static T Sum<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T sum = T.Zero;
        foreach (T v in x) sum += v;
        return sum;
    }

    /// <summary>y = alpha x + y (<see cref="Blas1.Axpy{T}"/>).</summary>
    public static void Axpy<T>(ReadOnlySpan<T> x, T alpha, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] += alpha * x[i];
    }

    /// <summary>destination = x (.) y (<see cref="Blas1.Hadamard{T}"/>).</summary>
    public static void Hadamard<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) destination[i] = x[i] * y[i];
    }

    /// <summary>sigma(z) = 1 / (1 + e^-z).</summary>
    public static T Sigmoid<T>(T z)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        T.One / (T.One + T.Exp(-z));

    /// <summary>a = sigma(z) (<see cref="Activations.Sigmoid{T}"/>).</summary>
    public static void Sigmoid<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < z.Length; i++) a[i] = Sigmoid(z[i]);
    }

    /// <summary>delta = g (.) a (.) (1 - a) (<see cref="Activations.SigmoidBackward{T}"/>).</summary>
    public static void SigmoidBackward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> g, Span<T> delta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < a.Length; i++) delta[i] = g[i] * a[i] * (T.One - a[i]);
    }

    /// <summary>a_i = e^(z_i - max z) / sum_j e^(z_j - max z) (<see cref="Activations.Softmax{T}"/>).</summary>
    public static void Softmax<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = T.NegativeInfinity;
        foreach (T v in z) max = T.Max(max, v);
        T sum = T.Zero;
        for (int i = 0; i < z.Length; i++) sum += a[i] = T.Exp(z[i] - max);
        for (int i = 0; i < z.Length; i++) a[i] /= sum;
    }

    /// <summary>y = W x + b, W [m, n] (<see cref="Blas2.Gemv{T}"/>).</summary>
    public static void Gemv<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> x, ReadOnlySpan<T> b, int m, int n, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            T s = b[i];
            for (int j = 0; j < n; j++) s += w[i * n + j] * x[j];
            y[i] = s;
        }
    }

    /// <summary>y = W^T x, W [m, n] (<see cref="Blas2.GemvTransposed{T}"/>).</summary>
    public static void GemvTransposed<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> x, int m, int n, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        y[..n].Clear();
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++) y[j] += w[i * n + j] * x[i];
        }
    }

    /// <summary>G += d a^T, G [m, n] (<see cref="Blas2.Rank1Update{T}"/>).</summary>
    public static void Rank1Update<T>(ReadOnlySpan<T> d, ReadOnlySpan<T> a, int m, int n, Span<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++) g[i * n + j] += d[i] * a[j];
        }
    }

    /// <summary>C = A B, A [m, k], B [k, n], in the i-p-j order of the axpy form (<see cref="Blas3.Multiply{T}"/>).</summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        c[..(m * n)].Clear();
        for (int i = 0; i < m; i++)
        {
            for (int p = 0; p < k; p++)
            {
                T aip = a[i * k + p];
                for (int j = 0; j < n; j++) c[i * n + j] += aip * b[p * n + j];
            }
        }
    }

    /// <summary>C += A B^T, A [m, k], B [n, k]: a dot product per element (<see cref="Blas3.MultiplyAddTransposedB{T}"/>).</summary>
    public static void MultiplyAddTransposedB<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++) c[i * n + j] += Dot(a.Slice(i * k, k), b.Slice(j * k, k));
        }
    }

    /// <summary>C = A^T B, A [k, m], B [k, n] (<see cref="Blas3.MultiplyTransposedA{T}"/>).</summary>
    public static void MultiplyTransposedA<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        c[..(m * n)].Clear();
        for (int p = 0; p < k; p++)
        {
            for (int i = 0; i < m; i++)
            {
                T api = a[p * m + i];
                for (int j = 0; j < n; j++) c[i * n + j] += api * b[p * n + j];
            }
        }
    }
}
