using System.Numerics;
using Backprop.Simd.Kernels;
using FsCheck.Xunit;

namespace Backprop.Simd.Tests.Kernels;

/// <summary>
/// Level-2 and level-3 kernels against the reference loops (Kernels/Reference.cs), on both GEMM paths. Tolerance: each
/// element within 2e-6 (float) or 1e-14 (double) of sum_p |a_ip b_pj| (+ |c_ij| when accumulating),
/// the natural scale of its rounding error; rank-1 updates are exact (one FMA per element).
/// </summary>
public class GemmTests
{
    private enum Form { AB, ABt, AtB }

    [Property(MaxTest = 150, Arbitrary = [typeof(KernelArbitraries)])]
    public void Float_products_match_the_reference_on_both_paths(ShapeCase s)
    {
        foreach (Form form in Enum.GetValues<Form>())
        {
            CheckProduct<float>(form, GemmPath.Direct, s);
            CheckProduct<float>(form, GemmPath.Packed, s);
        }
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(KernelArbitraries)])]
    public void Double_products_match_the_reference_on_both_paths(ShapeCase s)
    {
        foreach (Form form in Enum.GetValues<Form>())
        {
            CheckProduct<double>(form, GemmPath.Direct, s);
            CheckProduct<double>(form, GemmPath.Packed, s);
        }
    }

    [Theory]
    [InlineData(150, 300, 530)] // crosses every cache block: MC = 144, KC = 256, NC = 512
    [InlineData(1, 784, 30)]
    [InlineData(784, 1, 30)]
    [InlineData(30, 784, 1)]
    [InlineData(128, 784, 100)]
    public void Shapes_of_the_networks_and_block_edges_match_the_reference(int m, int k, int n)
    {
        foreach (Form form in Enum.GetValues<Form>())
        {
            foreach (GemmPath path in new[] { GemmPath.Auto, GemmPath.Direct, GemmPath.Packed })
            {
                CheckProduct<float>(form, path, new ShapeCase(m, k, n, m + k + n));
            }
        }
    }

    private static void CheckProduct<T>(Form form, GemmPath path, ShapeCase s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (int m, int k, int n) = (s.M, s.K, s.N);
        T[] a = Array.ConvertAll(TestData.Uniform(m * k, s.Seed), T.CreateTruncating);
        T[] b = Array.ConvertAll(TestData.Uniform(k * n, s.Seed + 1), T.CreateTruncating);
        T[] c = Array.ConvertAll(TestData.Uniform(m * n, s.Seed + 2), T.CreateTruncating);
        double[] initial = Array.ConvertAll(c, double.CreateTruncating);
        double[] ad = Array.ConvertAll(a, double.CreateTruncating), bd = Array.ConvertAll(b, double.CreateTruncating);
        double[] absA = Array.ConvertAll(ad, Math.Abs), absB = Array.ConvertAll(bd, Math.Abs);
        // The reference in double; the same product of |A| and |B| (+ |C| when accumulating) is the scale of the rounding error.
        double[] expected = form == Form.ABt ? (double[])initial.Clone() : new double[m * n];
        double[] scale = form == Form.ABt ? Array.ConvertAll(initial, Math.Abs) : new double[m * n];
        switch (form)
        {
            case Form.AB:
                Blas3.MultiplyUsing<T>(path, a, b, m, k, n, c);
                Reference.Multiply<double>(ad, bd, m, k, n, expected);
                Reference.Multiply<double>(absA, absB, m, k, n, scale);
                break;
            case Form.ABt:
                Blas3.MultiplyAddTransposedBUsing<T>(path, a, b, m, k, n, c);
                Reference.MultiplyAddTransposedB<double>(ad, bd, m, k, n, expected);
                Reference.MultiplyAddTransposedB<double>(absA, absB, m, k, n, scale);
                break;
            default:
                Blas3.MultiplyTransposedAUsing<T>(path, a, b, m, k, n, c);
                Reference.MultiplyTransposedA<double>(ad, bd, m, k, n, expected);
                Reference.MultiplyTransposedA<double>(absA, absB, m, k, n, scale);
                break;
        }

        double tolerance = typeof(T) == typeof(float) ? 2e-6 : 1e-14;
        for (int e = 0; e < m * n; e++)
        {
            double actual = double.CreateTruncating(c[e]);
            Assert.True(Math.Abs(actual - expected[e]) <= tolerance * scale[e] + 1e-300,
                $"{form} {path} [{m}x{k}x{n}] element ({e / n}, {e % n}): {actual:R} vs {expected[e]:R}");
        }
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(KernelArbitraries)])]
    public void A_batch_row_gets_the_same_bits_as_the_single_sample_product(ShapeCase s)
    {
        (int batch, int inputs, int outputs) = (s.M, s.K, s.N);
        float[] x = TestData.ToFloat(TestData.Uniform(batch * inputs, s.Seed));
        float[] w = TestData.ToFloat(TestData.Uniform(outputs * inputs, s.Seed + 1));
        float[] bias = TestData.ToFloat(TestData.Uniform(outputs, s.Seed + 2));

        // Forward: Z = X W^T + b against y = W x + b per sample.
        var z = new float[batch * outputs];
        for (int r = 0; r < batch; r++) bias.CopyTo(z, r * outputs);
        Blas3.MultiplyAddTransposedBUsing<float>(GemmPath.Direct, x, w, batch, inputs, outputs, z);
        var y = new float[outputs];
        for (int r = 0; r < batch; r++)
        {
            Blas2.Gemv<float>(w, x.AsSpan(r * inputs, inputs), bias, outputs, inputs, y);
            Assert.Equal(y, z.AsSpan(r * outputs, outputs).ToArray());
        }

        // Backward: G = Delta W against g = W^T delta per sample.
        var g = new float[batch * inputs];
        float[] delta = TestData.ToFloat(TestData.Uniform(batch * outputs, s.Seed + 3));
        Blas3.MultiplyUsing<float>(GemmPath.Direct, delta, w, batch, outputs, inputs, g);
        var gRow = new float[inputs];
        for (int r = 0; r < batch; r++)
        {
            Blas2.GemvTransposed<float>(w, delta.AsSpan(r * outputs, outputs), outputs, inputs, gRow);
            Assert.Equal(gRow, g.AsSpan(r * inputs, inputs).ToArray());
        }
    }

    // The dot form splits a block of rows into fives, fours, threes, twos and ones by what is left;
    // at 784 inputs a block is 10 rows, so batches 1..23 pass through every split there is; 29, 30
    // and 31 outputs leave one, two and three columns past the 4-wide blocks (pairs, then singles).
    [Theory]
    [InlineData(29)]
    [InlineData(30)]
    [InlineData(31)]
    public void Every_split_of_a_batch_into_dot_blocks_gives_each_row_the_single_sample_bits(int outputs)
    {
        const int inputs = 784;
        float[] w = TestData.ToFloat(TestData.Uniform(outputs * inputs, 7));
        var y = new float[outputs];
        for (int batch = 1; batch <= 23; batch++)
        {
            float[] x = TestData.ToFloat(TestData.Uniform(batch * inputs, 100 + batch));
            var z = new float[batch * outputs];
            Blas3.MultiplyAddTransposedBUsing<float>(GemmPath.Direct, x, w, batch, inputs, outputs, z);
            for (int r = 0; r < batch; r++)
            {
                y.AsSpan().Clear();
                Blas2.Gemv<float>(w, x.AsSpan(r * inputs, inputs), new float[outputs], outputs, inputs, y);
                Assert.True(y.AsSpan().SequenceEqual(z.AsSpan(r * outputs, outputs)), $"batch {batch}, row {r}");
            }
        }
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(KernelArbitraries)])]
    public void Gemv_forms_match_the_reference(ShapeCase s)
    {
        (int m, int n) = (s.M, s.K);
        double[] w = TestData.Uniform(m * n, s.Seed);
        double[] x = TestData.Uniform(n, s.Seed + 1);
        double[] b = TestData.Uniform(m, s.Seed + 2);
        var y = new double[m];
        Blas2.Gemv<double>(w, x, b, m, n, y);
        for (int i = 0; i < m; i++)
        {
            double expected = b[i], scale = Math.Abs(b[i]);
            for (int j = 0; j < n; j++) { expected += w[i * n + j] * x[j]; scale += Math.Abs(w[i * n + j] * x[j]); }
            Assert.True(Math.Abs(y[i] - expected) <= 1e-14 * scale, $"Gemv row {i}");
        }

        double[] xt = TestData.Uniform(m, s.Seed + 3);
        var yt = new double[n];
        Blas2.GemvTransposed<double>(w, xt, m, n, yt);
        for (int j = 0; j < n; j++)
        {
            double expected = 0, scale = 0;
            for (int i = 0; i < m; i++) { expected += w[i * n + j] * xt[i]; scale += Math.Abs(w[i * n + j] * xt[i]); }
            Assert.True(Math.Abs(yt[j] - expected) <= 1e-14 * scale + 1e-300, $"GemvTransposed column {j}");
        }
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(KernelArbitraries)])]
    public void Rank1_update_is_one_fma_per_element(ShapeCase s)
    {
        (int m, int n) = (s.M, s.N);
        float[] d = TestData.ToFloat(TestData.Uniform(m, s.Seed));
        float[] a = TestData.ToFloat(TestData.Uniform(n, s.Seed + 1));
        float[] g = TestData.ToFloat(TestData.Uniform(m * n, s.Seed + 2));
        float[] before = (float[])g.Clone();
        Blas2.Rank1Update<float>(d, a, m, n, g);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
                Assert.Equal(MathF.FusedMultiplyAdd(d[i], a[j], before[i * n + j]), g[i * n + j]);
        }
    }

    [Fact]
    public void Wrong_shapes_name_the_operand_and_the_sizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Blas3.Multiply<float>(new float[6], new float[12], 2, 3, 4, new float[7]));
        Assert.Equal("c", ex.ParamName);
        Assert.Contains("[2, 4]", ex.Message);
        Assert.Contains("7", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => Blas3.MultiplyAddTransposedB<float>(new float[6], new float[11], 2, 3, 4, new float[8]));
        Assert.Equal("b", ex.ParamName);
        Assert.Contains("[n, k] = [4, 3]", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => Blas2.Gemv<float>(new float[6], new float[3], new float[3], 2, 3, new float[2]));
        Assert.Equal("b", ex.ParamName);

        Assert.Throws<ArgumentOutOfRangeException>(() => Blas3.Multiply<float>([], [], -1, 0, 0, []));

        var shared = new float[16];
        ex = Assert.Throws<ArgumentException>(() => Blas3.Multiply<float>(shared.AsSpan(0, 4), shared.AsSpan(4, 4), 2, 2, 2, shared.AsSpan(0, 4)));
        Assert.Equal("c", ex.ParamName);
    }
}
