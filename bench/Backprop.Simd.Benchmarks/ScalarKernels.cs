namespace Backprop.Simd.Benchmarks;

/// <summary>The kernels' plain scalar twins in float, the baseline the SIMD kernels are measured against.</summary>
internal static class ScalarKernels
{
    public static float Dot(float[] x, float[] y)
    {
        float s = 0;
        for (int i = 0; i < x.Length; i++) s += x[i] * y[i];
        return s;
    }

    public static void Axpy(float[] x, float alpha, float[] y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += alpha * x[i];
    }

    public static void Hadamard(float[] x, float[] y, float[] destination)
    {
        for (int i = 0; i < x.Length; i++) destination[i] = x[i] * y[i];
    }

    public static void Sigmoid(float[] z, float[] a)
    {
        for (int i = 0; i < z.Length; i++) a[i] = 1f / (1f + MathF.Exp(-z[i]));
    }

    public static void SigmoidBackward(float[] a, float[] g, float[] delta)
    {
        for (int i = 0; i < a.Length; i++) delta[i] = g[i] * a[i] * (1f - a[i]);
    }

    public static void Softmax(float[] z, float[] a)
    {
        float max = float.NegativeInfinity;
        foreach (float v in z) max = MathF.Max(max, v);
        float sum = 0;
        for (int i = 0; i < z.Length; i++) sum += a[i] = MathF.Exp(z[i] - max);
        for (int i = 0; i < z.Length; i++) a[i] /= sum;
    }

    /// <summary>y = W x + b, W [m, n].</summary>
    public static void Gemv(float[] w, float[] x, float[] b, int m, int n, float[] y)
    {
        for (int i = 0; i < m; i++)
        {
            float s = b[i];
            for (int j = 0; j < n; j++) s += w[i * n + j] * x[j];
            y[i] = s;
        }
    }

    /// <summary>y = W^T x, W [m, n].</summary>
    public static void GemvTransposed(float[] w, float[] x, int m, int n, float[] y)
    {
        Array.Clear(y);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) y[j] += w[i * n + j] * x[i];
    }

    /// <summary>G += d a^T, G [m, n].</summary>
    public static void Rank1Update(float[] d, float[] a, int m, int n, float[] g)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) g[i * n + j] += d[i] * a[j];
    }

    /// <summary>C = A B, the i-p-j loop order.</summary>
    public static void Multiply(float[] a, float[] b, int m, int k, int n, float[] c)
    {
        Array.Clear(c);
        for (int i = 0; i < m; i++)
        {
            for (int p = 0; p < k; p++)
            {
                float aip = a[i * k + p];
                for (int j = 0; j < n; j++) c[i * n + j] += aip * b[p * n + j];
            }
        }
    }
}
