using Backprop.Simd.Kernels;

namespace Backprop.Simd.Tests.Kernels;

/// <summary>
/// The bf16 kernel against a double reference over the rounded weights, at every register width the
/// machine has (each width has its own layout), on shapes that exercise the row groups (8, 4, 2, 1),
/// odd and even chunk counts, the masked tail and rows no longer than one register.
/// </summary>
public class InterleavedGemvBFloat16Tests
{
    private delegate void Kernel(ReadOnlySpan<uint> packed, ReadOnlySpan<float> x, ReadOnlySpan<float> b, int m, int n, Span<float> y);

    private static IEnumerable<(int Width, Kernel Kernel)> Widths()
    {
        if (Simd512<float>.IsHardwareAccelerated) yield return (16, InterleavedGemvBFloat16.Multiply<Simd512<float>, BFloat16Widening512>);
        if (Simd256<float>.IsHardwareAccelerated) yield return (8, InterleavedGemvBFloat16.Multiply<Simd256<float>, BFloat16Widening256>);
        if (Simd128<float>.IsHardwareAccelerated) yield return (4, InterleavedGemvBFloat16.Multiply<Simd128<float>, BFloat16Widening128>);
        yield return (1, InterleavedGemvBFloat16.Multiply<SimdScalar<float>, BFloat16WideningScalar>);
    }

    public static TheoryData<int, int> Shapes()
    {
        var shapes = new TheoryData<int, int>();
        foreach (int m in new[] { 1, 2, 3, 4, 5, 7, 8, 10, 13, 15, 30, 100 })
        {
            foreach (int n in new[] { 1, 3, 4, 5, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 50, 64, 100, 784 })
            {
                shapes.Add(m, n);
            }
        }

        return shapes;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_width_matches_a_double_reference_over_the_rounded_weights(int m, int n)
    {
        float[] w = TestData.ToFloat(TestData.Uniform(m * n, m * 1000 + n));
        float[] x = TestData.ToFloat(TestData.Uniform(n, n + 7, -2, 2));
        float[] b = TestData.ToFloat(TestData.Uniform(m, m + 3));
        var expected = new double[m];
        var bound = new double[m];
        for (int r = 0; r < m; r++)
        {
            double sum = b[r], magnitude = Math.Abs(b[r]);
            for (int k = 0; k < n; k++)
            {
                double product = (double)BFloat16.RoundTrip(w[r * n + k]) * x[k];
                sum += product;
                magnitude += Math.Abs(product);
            }

            // Float accumulation of n + 1 terms in any order: |error| <= (n + 1) u sum |terms|, u = 2^-24.
            expected[r] = sum;
            bound[r] = (n + 1) * Math.Pow(2, -24) * magnitude + 1e-30;
        }

        int tested = 0;
        foreach ((int width, Kernel kernel) in Widths())
        {
            if (n < width) continue;
            var y = new float[m];
            kernel(InterleavedGemvBFloat16.Pack(w, m, n, width), x, b, m, n, y);
            for (int r = 0; r < m; r++)
            {
                Assert.True(Math.Abs(y[r] - expected[r]) <= bound[r], $"width {width}, row {r}: {y[r]} against {expected[r]} (bound {bound[r]:G3})");
            }

            tested++;
        }

        Assert.True(tested >= 1); // the scalar width always runs
    }

    [Theory]
    [InlineData(10, 784)]
    [InlineData(3, 5)]
    [InlineData(30, 2)]
    public void The_dispatching_multiply_uses_the_width_it_packed_for(int m, int n)
    {
        float[] w = TestData.ToFloat(TestData.Uniform(m * n, 11));
        float[] x = TestData.ToFloat(TestData.Uniform(n, 12));
        float[] b = new float[m];
        var viaDispatch = new float[m];
        var viaWidth = new float[m];
        int width = InterleavedGemvBFloat16.WidthFor(n);
        Assert.InRange(width, 1, n);
        InterleavedGemvBFloat16.Multiply(InterleavedGemvBFloat16.Pack(w, m, n), x, b, m, n, viaDispatch);
        Widths().Single(k => k.Width == width).Kernel(InterleavedGemvBFloat16.Pack(w, m, n, width), x, b, m, n, viaWidth);
        Assert.Equal(viaWidth, viaDispatch);
    }

    [Fact]
    public void The_store_is_half_the_bytes_and_rows_shorter_than_the_width_are_refused()
    {
        // 784 = 49 chunks of 16 (25 registers of pairs, the last half empty) or 98 of 8 (49 registers).
        Assert.Equal(30 * 25 * 16, InterleavedGemvBFloat16.Pack(new float[30 * 784], 30, 784, 16).Length);
        Assert.Equal(30 * 49 * 8, InterleavedGemvBFloat16.Pack(new float[30 * 784], 30, 784, 8).Length);
        var error = Assert.Throws<ArgumentException>(() => InterleavedGemvBFloat16.Pack(new float[2 * 7], 2, 7, 8));
        Assert.Contains("7", error.Message);
    }

    [Fact]
    public void The_aligned_copy_starts_a_cache_line_and_holds_the_values()
    {
        uint[] values = Enumerable.Range(0, 1000).Select(i => (uint)i * 7).ToArray();
        ArraySegment<uint> copy = CacheAligned.Copy<uint>(values);
        Assert.Equal(values, copy.ToArray());
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(copy.Array, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            Assert.Equal(0, (handle.AddrOfPinnedObject() + copy.Offset * sizeof(uint)) % 64);
        }
        finally
        {
            handle.Free();
        }
    }
}
