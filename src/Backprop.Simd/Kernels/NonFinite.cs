using System.Numerics;
using System.Runtime.InteropServices;

namespace Backprop.Simd.Kernels;

/// <summary>Finds NaN and infinities in a span with whole registers: x - x is 0 for every finite x and NaN otherwise.</summary>
public static class NonFinite
{
    /// <summary>The index of the first NaN or infinity in <paramref name="values"/>, or -1 when all are finite.</summary>
    public static int IndexOf(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (int v = 0; v < vectors.Length; v++)
            {
                Vector<float> x = vectors[v];
                if (!Vector.EqualsAll(x - x, Vector<float>.Zero)) break; // the scalar tail below names the element
                i += Vector<float>.Count;
            }
        }

        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i])) return i;
        }

        return -1;
    }
}
