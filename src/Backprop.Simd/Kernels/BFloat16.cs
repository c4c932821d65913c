namespace Backprop.Simd.Kernels;

/// <summary>
/// bfloat16: the top 16 bits of an IEEE float (sign, the same 8 exponent bits, 7 of the 23 mantissa
/// bits), so it spans the float's range at 8 significant bits: rounding to nearest makes a relative
/// error of at most u = 2^-8 (0.39%), and widening back is exact (the bits shifted up by 16).
/// </summary>
/// <remarks>
/// Rounding rules of <see cref="Round"/>: to nearest, ties to even (IEEE's default); a finite value
/// never becomes an infinity (values beyond the largest bf16, 3.3895e38, saturate to it, where IEEE
/// would round the last 0.4% of the float range up to infinity); infinities stay infinities; a NaN
/// stays a quiet NaN with its sign (truncating a NaN whose payload sits in the low bits would
/// otherwise give an infinity). Subnormals round like any other value (the exponent field is the same).
/// </remarks>
internal static class BFloat16
{
    /// <summary>The bits of the largest finite bf16, (2 - 2^-7) 2^127.</summary>
    public const ushort MaxFiniteBits = 0x7F7F;

    /// <summary>Bits of the bf16 nearest to <paramref name="value"/> under the rules above.</summary>
    public static ushort Round(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x0040);   // quiet, sign kept
        if (float.IsInfinity(value)) return (ushort)(bits >> 16);

        // Adding 0x7FFF rounds the dropped half up when it is above one half; the kept half's lowest
        // bit adds the last 1 for an exact half whose kept part is odd (ties to even). A carry out of
        // the mantissa moves into the exponent, which is the correctly rounded next binade.
        uint rounded = (bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16;
        if ((rounded & 0x7FFFu) == 0x7F80u) rounded = (rounded & 0x8000u) | MaxFiniteBits; // finite stays finite
        return (ushort)rounded;
    }

    /// <summary>The float a bf16 stands for: exact.</summary>
    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary><paramref name="value"/> rounded to bf16 and widened back: the weight the reduced-precision kernels multiply by.</summary>
    public static float RoundTrip(float value) => ToSingle(Round(value));
}
