namespace Backprop.Simd.Tests.Kernels;

/// <summary>
/// The plain scalar twins of the SIMD kernels: the textbook loops, in double, that every kernel
/// is compared against. Slow and obviously right.
/// </summary>
internal static class ScalarTwins
{
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += x[i] * y[i];
        return sum;
    }

    /// <summary>sum |x_i y_i|: the scale of a dot product's rounding error.</summary>
    public static double AbsDot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += Math.Abs(x[i] * y[i]);
        return sum;
    }

    public static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

    public static double[] Softmax(ReadOnlySpan<double> z)
    {
        double max = double.NegativeInfinity;
        foreach (double v in z) max = Math.Max(max, v);
        var a = new double[z.Length];
        double sum = 0;
        for (int i = 0; i < z.Length; i++) sum += a[i] = Math.Exp(z[i] - max);
        for (int i = 0; i < z.Length; i++) a[i] /= sum;
        return a;
    }

    /// <summary>C = op(A) op(B) + (accumulate ? C : 0) for element accessors; also returns sum |a b| per element.</summary>
    public static (double[] C, double[] Scale) Product(Func<int, int, double> a, Func<int, int, double> b, int m, int k, int n, double[]? initial)
    {
        var c = new double[m * n];
        var scale = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = initial?[i * n + j] ?? 0, abs = Math.Abs(initial?[i * n + j] ?? 0);
                for (int p = 0; p < k; p++)
                {
                    double t = a(i, p) * b(p, j);
                    sum += t;
                    abs += Math.Abs(t);
                }

                c[i * n + j] = sum;
                scale[i * n + j] = abs;
            }
        }

        return (c, scale);
    }
}
