using Backprop.Simd.Kernels;

namespace Backprop.Simd.Tests.Kernels;

/// <summary>The predictor's re-laid W must give Gemv's bits for every group split (8, 4, 2, 1 rows) and every tail.</summary>
public class InterleavedGemvTests
{
    public static TheoryData<int, int> Shapes()
    {
        int w = InterleavedGemv.Width;
        var shapes = new TheoryData<int, int>();
        foreach (int m in new[] { 1, 2, 3, 4, 5, 6, 8, 10, 12, 13, 14, 15, 30, 100 })
        {
            foreach (int n in new[] { w, w + 1, 2 * w - 1, 3 * w, 50, 784 }.Distinct())
            {
                shapes.Add(m, n);
            }
        }

        return shapes;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gives_the_bits_of_Gemv(int m, int n)
    {
        float[] weights = TestData.ToFloat(TestData.Uniform(m * n, m * 1000 + n));
        float[] x = TestData.ToFloat(TestData.Uniform(n, n + 7));
        float[] b = TestData.ToFloat(TestData.Uniform(m, m + 3));
        var expected = new float[m];
        var actual = new float[m];
        Blas2.Gemv<float>(weights, x, b, m, n, expected);

        InterleavedGemv.Multiply(InterleavedGemv.Pack(weights, m, n), x, b, m, n, actual);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Rows_shorter_than_a_register_are_refused()
    {
        int w = InterleavedGemv.Width;
        Assert.False(InterleavedGemv.Applies(w - 1));
        Assert.True(InterleavedGemv.Applies(w));
        if (w > 1) Assert.Throws<ArgumentException>(() => InterleavedGemv.Pack(new float[2 * (w - 1)], 2, w - 1));
    }
}
