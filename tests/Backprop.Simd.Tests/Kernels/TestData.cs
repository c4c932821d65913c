namespace Backprop.Simd.Tests.Kernels;

/// <summary>Deterministic test values from a seed (a small xorshift, so a failing seed reproduces anywhere).</summary>
internal static class TestData
{
    public static double[] Uniform(int length, int seed, double low = -1, double high = 1)
    {
        ulong state = (uint)seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL;
        var values = new double[length];
        for (int i = 0; i < length; i++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            values[i] = low + (high - low) * ((state >> 11) * (1.0 / (1UL << 53)));
        }

        return values;
    }

    public static float[] ToFloat(double[] values) => Array.ConvertAll(values, v => (float)v);

    public static double[] ToDouble(float[] values) => Array.ConvertAll(values, v => (double)v);
}
