using Backprop.Simd.Kernels;

namespace Backprop.Simd.Tests.Kernels;

/// <summary>bf16 rounding: nearest, ties to even, finite stays finite, NaN stays NaN, widening exact.</summary>
public class BFloat16Tests
{
    private static float Bits(uint bits) => BitConverter.UInt32BitsToSingle(bits);

    [Theory]
    [InlineData(0x3F800000u, 0x3F80)] // 1 exactly
    [InlineData(0x3F807FFFu, 0x3F80)] // just below half an ulp: down
    [InlineData(0x3F808000u, 0x3F80)] // a tie, kept part even: stays
    [InlineData(0x3F818000u, 0x3F82)] // a tie, kept part odd: up to even
    [InlineData(0x3F808001u, 0x3F81)] // just above half an ulp: up
    [InlineData(0x3FFF8000u, 0x4000)] // a tie whose carry moves into the exponent: 2
    [InlineData(0xBF818000u, 0xBF82)] // negative ties round the magnitude the same way
    [InlineData(0x00000000u, 0x0000)]
    [InlineData(0x80000000u, 0x8000)] // -0 keeps its sign
    [InlineData(0x00018000u, 0x0002)] // subnormal tie, odd: up
    [InlineData(0x00008000u, 0x0000)] // the smallest tie, even: down to zero
    [InlineData(0x7F7F7FFFu, 0x7F7F)] // below half an ulp above the largest bf16: down to it
    [InlineData(0x7F7FFFFFu, 0x7F7F)] // float.MaxValue would round to infinity: saturates
    [InlineData(0xFF7FFFFFu, 0xFF7F)] // and -float.MaxValue to -max
    [InlineData(0x7F800000u, 0x7F80)] // infinities stay
    [InlineData(0xFF800000u, 0xFF80)]
    public void Rounds_to_nearest_even_and_keeps_finite_values_finite(uint input, int expected) =>
        Assert.Equal((ushort)expected, BFloat16.Round(Bits(input)));

    [Theory]
    [InlineData(0x7FC00000u)] // the quiet NaN
    [InlineData(0x7F800001u)] // a NaN with only a low payload bit: truncating would give infinity
    [InlineData(0xFF80FFFFu)] // negative, payload in the dropped half
    [InlineData(0x7FFFFFFFu)] // all ones: rounding up would carry out of the exponent
    public void A_NaN_stays_a_NaN_with_its_sign(uint input)
    {
        ushort rounded = BFloat16.Round(Bits(input));
        Assert.True(float.IsNaN(BFloat16.ToSingle(rounded)));
        Assert.Equal(input >> 31, (uint)rounded >> 15);
    }

    [Fact]
    public void Every_finite_float_of_a_sweep_rounds_to_the_nearer_neighbour_within_half_an_ulp()
    {
        var random = new Random(5);
        for (int i = 0; i < 200_000; i++)
        {
            uint bits = (uint)random.NextInt64(0, 1L << 32);
            float value = Bits(bits);
            if (!float.IsFinite(value)) continue;
            ushort rounded = BFloat16.Round(value);
            double widened = BFloat16.ToSingle(rounded);
            Assert.True(double.IsFinite(widened), $"{value:R} became {widened}");
            if (Math.Abs(value) > 3.3895313892515355e38) continue; // saturated (tested above)

            // The two bf16 around the value: truncation and the next one up in magnitude.
            double below = BFloat16.ToSingle((ushort)(bits >> 16));
            double above = BFloat16.ToSingle((ushort)((bits >> 16) + 1));
            double error = Math.Abs(widened - value), other = Math.Abs((widened == below ? above : below) - value);
            Assert.True(widened == below || widened == above, $"{value:R} rounded to {widened:R}, not a neighbour");
            Assert.True(error <= other, $"{value:R}: {widened:R} is the farther neighbour");
            if (error == other) Assert.Equal(0, rounded & 1); // ties to even
            if (Math.Abs(value) >= Math.Pow(2, -126)) Assert.True(error <= Math.Abs(value) * Math.Pow(2, -8), $"{value:R}: relative error above u = 2^-8"); // normal numbers
        }
    }

    [Fact]
    public void Widening_is_exact()
    {
        for (int bits = 0; bits <= ushort.MaxValue; bits++)
        {
            float value = BFloat16.ToSingle((ushort)bits);
            if (float.IsNaN(value)) continue;
            Assert.Equal((ushort)bits, BFloat16.Round(value)); // a bf16 value is its own rounding
        }
    }
}
