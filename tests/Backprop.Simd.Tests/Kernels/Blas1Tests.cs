using System.Numerics;
using Backprop.Simd.Kernels;
using FsCheck.Xunit;

namespace Backprop.Simd.Tests.Kernels;

/// <summary>
/// Level-1 kernels against the reference loops of Kernels/Reference.cs. Tolerances: Dot and Sum within 1e-5 (float) or
/// 1e-13 (double) of sum |x_i y_i|; every other kernel is exact, because it performs the same
/// single rounding per element as its reference.
/// </summary>
public class Blas1Tests
{
    public static IEnumerable<object[]> EveryLengthTo256() =>
        Enumerable.Range(0, 257).Concat([784, 1000, 1023]).Select(n => new object[] { n });

    [Property(MaxTest = 300, Arbitrary = [typeof(KernelArbitraries)])]
    public void Float_kernels_match_references_on_random_lengths(SpanCase c) => CheckAll<float>(c.Length, c.Seed);

    [Property(MaxTest = 300, Arbitrary = [typeof(KernelArbitraries)])]
    public void Double_kernels_match_references_on_random_lengths(SpanCase c) => CheckAll<double>(c.Length, c.Seed);

    [Theory]
    [MemberData(nameof(EveryLengthTo256))]
    public void Every_tail_length_matches_the_references(int length)
    {
        CheckAll<float>(length, length + 1);
        CheckAll<double>(length, length + 2);
    }

    private static void CheckAll<T>(int length, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double[] xd = TestData.Uniform(length, seed, -4, 4);
        double[] yd = TestData.Uniform(length, seed + 1, -4, 4);
        T[] x = Array.ConvertAll(xd, T.CreateTruncating);
        T[] y = Array.ConvertAll(yd, T.CreateTruncating);
        double[] xs = Array.ConvertAll(x, double.CreateTruncating);
        double[] ys = Array.ConvertAll(y, double.CreateTruncating);
        double relative = typeof(T) == typeof(float) ? 1e-5 : 1e-13;

        double dot = double.CreateTruncating(Blas1.Dot<T>(x, y));
        double expected = Reference.Dot<double>(xs, ys), scale = Reference.Dot<double>(xs.Select(Math.Abs).ToArray(), ys.Select(Math.Abs).ToArray());
        Assert.True(Math.Abs(dot - expected) <= relative * scale + 1e-300, $"Dot of length {length}: {dot} vs {expected}");

        double sum = double.CreateTruncating(Blas1.Sum<T>(x));
        Assert.True(Math.Abs(sum - xs.Sum()) <= relative * xs.Sum(Math.Abs) + 1e-300, $"Sum of length {length}");

        if (length > 0)
        {
            Assert.Equal(x.Max(), Blas1.Max<T>(x));
        }

        T alpha = T.CreateTruncating(0.37);
        var axpy = (T[])y.Clone();
        Blas1.Axpy<T>(x, alpha, axpy);
        T beta = T.CreateTruncating(0.99);
        var axpby = (T[])y.Clone();
        Blas1.Axpby<T>(x, alpha, beta, axpby);
        var scaled = new T[length];
        Blas1.Scale<T>(x, alpha, scaled);
        var added = new T[length];
        Blas1.Add<T>(x, y, added);
        var product = new T[length];
        Blas1.Hadamard<T>(x, y, product);
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(T.FusedMultiplyAdd(alpha, x[i], y[i]), axpy[i]);
            Assert.Equal(T.FusedMultiplyAdd(alpha, x[i], beta * y[i]), axpby[i]);
            Assert.Equal(alpha * x[i], scaled[i]);
            Assert.Equal(x[i] + y[i], added[i]);
            Assert.Equal(x[i] * y[i], product[i]);
        }
    }

    [Fact]
    public void In_place_operations_read_each_element_before_writing_it()
    {
        float[] x = TestData.ToFloat(TestData.Uniform(37, 5));
        float[] expected = x.Select(v => v * v).ToArray();
        Blas1.Hadamard<float>(x, x, x);
        Assert.Equal(expected, x);
    }

    [Fact]
    public void Mismatched_lengths_name_the_argument_and_both_sizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Blas1.Dot<float>(new float[3], new float[4]));
        Assert.Equal("y", ex.ParamName);
        Assert.Contains("4", ex.Message);
        Assert.Contains("3", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => Blas1.Add<double>(new double[5], new double[5], new double[6]));
        Assert.Equal("destination", ex.ParamName);
        Assert.Contains("6", ex.Message);
    }

    [Fact]
    public void A_shifted_view_of_the_source_is_refused_as_destination()
    {
        var buffer = new float[20];
        var ex = Assert.Throws<ArgumentException>(() => Blas1.Scale<float>(buffer.AsSpan(0, 10), 2f, buffer.AsSpan(1, 10)));
        Assert.Equal("destination", ex.ParamName);
    }

    [Fact]
    public void Max_of_an_empty_span_is_refused() =>
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => Blas1.Max<float>([])).ParamName);

    [Fact]
    public void Max_propagates_nan()
    {
        float[] x = [1, 2, float.NaN, 3];
        Assert.True(float.IsNaN(Blas1.Max<float>(x)));
    }
}
