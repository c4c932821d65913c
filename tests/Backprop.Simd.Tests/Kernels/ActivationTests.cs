using System.Numerics;
using Backprop.Simd.Kernels;
using FsCheck.Xunit;

namespace Backprop.Simd.Tests.Kernels;

/// <summary>
/// Activations against the double formulas, saturation, and the promise that an element's
/// result does not depend on where it sits in a span.
/// </summary>
public class ActivationTests
{
    // The stated accuracy of the float sigmoid (see Activations.Sigmoid's remarks).
    private const double SigmoidFloatRelative = 2e-6;
    private const double SigmoidSubnormalAbsolute = 1e-44;

    [Fact]
    public void Float_sigmoid_is_within_its_stated_error_over_minus_100_to_100()
    {
        const int count = 2_000_001;
        var z = new float[count];
        for (int i = 0; i < count; i++) z[i] = (float)(-100 + 200.0 * i / (count - 1));
        var a = new float[count];
        Activations.Sigmoid<float>(z, a);
        double worst = 0;
        for (int i = 0; i < count; i++)
        {
            double expected = Reference.Sigmoid<double>(z[i]);
            if (expected >= 1.17549435e-38 /* smallest normal float */)
            {
                worst = Math.Max(worst, Math.Abs(a[i] - expected) / expected);
            }
            else
            {
                Assert.True(Math.Abs(a[i] - expected) <= SigmoidSubnormalAbsolute, $"sigmoid({z[i]}) = {a[i]}, expected {expected}");
            }
        }

        Assert.True(worst <= SigmoidFloatRelative, $"max relative error {worst:E3}");
    }

    [Fact]
    public void Double_sigmoid_is_within_1e_14_relative_over_minus_100_to_100()
    {
        const int count = 200_001;
        var z = new double[count];
        for (int i = 0; i < count; i++) z[i] = -100 + 200.0 * i / (count - 1);
        var a = new double[count];
        Activations.Sigmoid<double>(z, a);
        for (int i = 0; i < count; i++)
        {
            double expected = Reference.Sigmoid<double>(z[i]);
            Assert.True(Math.Abs(a[i] - expected) <= 1e-14 * expected, $"sigmoid({z[i]}) = {a[i]:R}, expected {expected:R}");
        }
    }

    [Fact]
    public void Sigmoid_saturates_without_nan()
    {
        float[] z = [float.NegativeInfinity, -1e30f, float.MinValue, -200, 200, float.MaxValue, 1e30f, float.PositiveInfinity, 0];
        var a = new float[z.Length];
        Activations.Sigmoid<float>(z, a);
        Assert.Equal([0f, 0f, 0f, 0f, 1f, 1f, 1f, 1f, 0.5f], a);

        double[] zd = [double.NegativeInfinity, -1e30, 1e30, double.PositiveInfinity];
        var ad = new double[zd.Length];
        Activations.Sigmoid<double>(zd, ad);
        Assert.Equal([0d, 0d, 1d, 1d], ad);
    }

    [Fact]
    public void Nan_in_gives_nan_out()
    {
        float[] z = [float.NaN];
        var a = new float[1];
        foreach (Activation f in new[] { Activation.Sigmoid, Activation.Tanh, Activation.Relu })
        {
            Activations.Forward<float>(f, z, a);
            Assert.True(float.IsNaN(a[0]), f.ToString());
        }
    }

    [Theory]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Relu)]
    public void An_elements_result_does_not_depend_on_the_span_length_or_position(Activation function)
    {
        float[] values = TestData.ToFloat(TestData.Uniform(3000, 11, -30, 30));
        var alone = new float[values.Length];
        var one = new float[1];
        for (int i = 0; i < values.Length; i++)
        {
            Activations.Forward<float>(function, values.AsSpan(i, 1), one);
            alone[i] = one[0];
        }

        foreach (int length in new[] { 2, 3, 7, 15, 16, 17, 31, 33, 100, 3000 })
        {
            for (int start = 0; start + length <= values.Length; start += Math.Max(1, length * 7))
            {
                var a = new float[length];
                Activations.Forward<float>(function, values.AsSpan(start, length), a);
                for (int i = 0; i < length; i++)
                {
                    Assert.Equal(BitConverter.SingleToInt32Bits(alone[start + i]), BitConverter.SingleToInt32Bits(a[i]));
                }
            }
        }
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(KernelArbitraries)])]
    public void Tanh_matches_math_tanh(SpanCase c)
    {
        // 4.5e-7: every float in [1e-3, 12] of both signs was checked once, the worst is 4.39e-7 (at 0.14438245, every path).
        CheckTanh<float>(c, relative: 4.5e-7);
        CheckTanh<double>(c, relative: 4e-15);
    }

    private static void CheckTanh<T>(SpanCase c, double relative)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] z = Array.ConvertAll(TestData.Uniform(c.Length, c.Seed, -12, 12), v => T.CreateTruncating(v * v * v / 144));
        var a = new T[c.Length];
        Activations.Tanh<T>(z, a);
        for (int i = 0; i < c.Length; i++)
        {
            double expected = Math.Tanh(double.CreateTruncating(z[i]));
            double actual = double.CreateTruncating(a[i]);
            Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected),
                $"tanh({z[i]}) = {actual:R}, expected {expected:R}");
        }
    }

    [Fact]
    public void Tanh_keeps_its_relative_accuracy_near_zero_and_saturates()
    {
        float[] z = [1e-30f, -1e-7f, 1e-4f, 0.01f, 30f, -1e30f, float.PositiveInfinity];
        var a = new float[z.Length];
        Activations.Tanh<float>(z, a);
        for (int i = 0; i < z.Length; i++)
        {
            double expected = Math.Tanh(z[i]);
            Assert.True(Math.Abs(a[i] - expected) <= 4e-7 * Math.Abs(expected), $"tanh({z[i]}) = {a[i]:R}, expected {expected:R}");
        }
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(KernelArbitraries)])]
    public void Relu_and_every_backward_step_match_their_references_exactly(SpanCase c)
    {
        float[] z = TestData.ToFloat(TestData.Uniform(c.Length, c.Seed, -3, 3));
        float[] g = TestData.ToFloat(TestData.Uniform(c.Length, c.Seed + 7, -3, 3));
        float[] s = TestData.ToFloat(TestData.Uniform(c.Length, c.Seed + 9, 0, 1));
        var output = new float[c.Length];
        Activations.Relu<float>(z, output);
        Assert.Equal(z.Select(v => Math.Max(v, 0f)), output);

        Activations.SigmoidBackward<float>(s, g, output);
        for (int i = 0; i < c.Length; i++) Assert.Equal(g[i] * (s[i] * (1f - s[i])), output[i]);

        Activations.TanhBackward<float>(z, g, output);
        for (int i = 0; i < c.Length; i++) Assert.Equal(g[i] * MathF.FusedMultiplyAdd(-z[i], z[i], 1f), output[i]);

        Activations.ReluBackward<float>(z, g, output);
        for (int i = 0; i < c.Length; i++) Assert.Equal(z[i] > 0 ? g[i] : 0f, output[i]);

        Activations.Backward<float>(Activation.Identity, z, g, output);
        Assert.Equal(g, output);
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(KernelArbitraries)])]
    public void Softmax_and_its_backward_step_match_the_double_references(SpanCase c)
    {
        int length = c.Length % 300 + 1;
        double[] zd = TestData.Uniform(length, c.Seed, -20, 20);
        float[] z = TestData.ToFloat(zd);
        var a = new float[length];
        Activations.Softmax<float>(z, a);
        double[] expected = SoftmaxOf(TestData.ToDouble(z));
        double max = z.Max();
        for (int i = 0; i < length; i++)
        {
            // e^x has condition number |x|: the rounding of z_i - max z costs up to |z_i - max| ulps.
            double tolerance = (1e-6 + 1.2e-7 * (max - z[i])) * expected[i] + 1e-38;
            Assert.True(Math.Abs(a[i] - expected[i]) <= tolerance, $"softmax[{i}] = {a[i]:R}, expected {expected[i]:R}");
        }

        double[] g = TestData.Uniform(length, c.Seed + 3);
        double[] ad = SoftmaxOf(zd);
        var delta = new double[length];
        Activations.SoftmaxBackward<double>(ad, g, delta);
        double weighted = Reference.Dot<double>(ad, g);
        for (int i = 0; i < length; i++)
        {
            double twin = ad[i] * (g[i] - weighted);
            Assert.True(Math.Abs(delta[i] - twin) <= 1e-14, $"softmax backward [{i}]");
        }
    }

    [Fact]
    public void Softmax_is_stable_for_large_inputs()
    {
        float[] z = [1000f, 1001f, 999f, -1e30f];
        var a = new float[4];
        Activations.Softmax<float>(z, a);
        double[] expected = SoftmaxOf([1000, 1001, 999, -1e30]);
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], a[i], 6);
        Assert.Equal(1.0, a.Sum(), 6);
    }

    [Fact]
    public void Argmax_returns_the_first_largest_and_flags_nan()
    {
        Assert.Equal(2, Activations.Argmax<float>([1, 3, 7, 7, -2]));
        Assert.Equal(0, Activations.Argmax<double>([5]));
        Assert.Equal(1, Activations.Argmax<float>([1, float.NaN, 9]));
        Assert.Throws<ArgumentException>(() => Activations.Argmax<float>([]));
    }

    [Fact]
    public void Activation_spans_of_different_lengths_are_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => Activations.Sigmoid<float>(new float[10], new float[9]));
        Assert.Equal("a", ex.ParamName);
        Assert.Contains("9", ex.Message);
        Assert.Contains("10", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Activations.SigmoidBackward<float>(new float[10], new float[10], new float[11]));
        Assert.Equal("delta", ex.ParamName);
    }

    private static double[] SoftmaxOf(double[] z)
    {
        var a = new double[z.Length];
        Reference.Softmax<double>(z, a);
        return a;
    }
}
