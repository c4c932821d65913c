using System.Numerics;

namespace Backprop.Simd;

/// <summary>
/// A network's parameters, or a gradient laid out like them, as one .npy file per layer's W and b.
/// Layers are numbered from 1 as in the lecture: <c>W1.npy</c> [n1, n0], <c>b1.npy</c> [n1], ...,
/// <c>WL.npy</c>, <c>bL.npy</c>; gradients are written with the prefix <c>d</c> (<c>dW1.npy</c>, <c>db1.npy</c>).
/// In NumPy, <c>W1 @ x + b1</c> is the first layer's z, as in PyTorch's <c>nn.Linear(n0, n1)</c>
/// (whose <c>weight</c> has the same [out, in] shape).
/// </summary>
public static class NetworkNpy
{
    /// <summary>The file names of layer <paramref name="layer"/> (0-based) with a prefix ("" for parameters, "d" for gradients).</summary>
    public static (string Weights, string Biases) FileNames(int layer, string prefix = "") =>
        ($"{prefix}W{layer + 1}.npy", $"{prefix}b{layer + 1}.npy");

    /// <summary>Writes each layer's W and b of <paramref name="buffer"/> (parameters or gradient) into <paramref name="directory"/>.</summary>
    /// <returns>The paths written.</returns>
    public static IReadOnlyList<string> Write<T>(NetworkLayout layout, ReadOnlySpan<T> buffer, string directory, string prefix = "")
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(layout);
        layout.RequireParameterLength(buffer, nameof(buffer));
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        T[] copy = buffer.ToArray();
        for (int layer = 0; layer < layout.LayerCount; layer++)
        {
            (string w, string b) = FileNames(layer, prefix);
            int outputs = layout.OutputsOf(layer), inputs = layout.InputsOf(layer);
            string wPath = Path.Combine(directory, w), bPath = Path.Combine(directory, b);
            NpyFile.Write<T>(wPath, layout.Weights<T>(copy, layer), outputs, inputs);
            NpyFile.Write<T>(bPath, layout.Biases<T>(copy, layer), outputs);
            written.Add(wPath);
            written.Add(bPath);
        }

        return written;
    }

    /// <summary>Reads each layer's W and b from <paramref name="directory"/> into <paramref name="buffer"/>, checking every shape.</summary>
    /// <exception cref="InvalidDataException">A file's shape does not match the layout; the message names the file.</exception>
    public static void Read<T>(NetworkLayout layout, string directory, Span<T> buffer, string prefix = "")
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(layout);
        layout.RequireParameterLength<T>(buffer, nameof(buffer));
        for (int layer = 0; layer < layout.LayerCount; layer++)
        {
            (string w, string b) = FileNames(layer, prefix);
            int outputs = layout.OutputsOf(layer), inputs = layout.InputsOf(layer);
            ReadInto(Path.Combine(directory, w), [outputs, inputs], layout.Weights(buffer, layer));
            ReadInto(Path.Combine(directory, b), [outputs], layout.Biases(buffer, layer));
        }
    }

    private static void ReadInto<T>(string path, int[] expected, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (T[] data, int[] shape) = NpyFile.Read<T>(path);
        if (!shape.AsSpan().SequenceEqual(expected))
        {
            throw new InvalidDataException($"'{path}' has shape ({string.Join(", ", shape)}), but the network needs ({string.Join(", ", expected)}).");
        }

        data.CopyTo(destination);
    }
}
