using System.Numerics;

namespace Backprop.Simd.Cli;

/// <summary>
/// The two ways <c>backprop export</c> names a network's parameters in .npy files. Npy: the lecture's
/// <c>W1</c>, <c>b1</c>, ..., layers from 1. Torch: the state-dict names of an <c>nn.Sequential</c> of
/// Linear, activation, Linear, ..., where layer i (0-based) is module 2i: <c>0.weight</c>, <c>0.bias</c>,
/// <c>2.weight</c>, ... Both store W with the shape [out, in], as <c>nn.Linear.weight</c>.
/// </summary>
internal sealed record ParameterNames(string Scheme)
{
    public static ParameterNames Npy { get; } = new("npy");

    public static ParameterNames Torch { get; } = new("torch");

    public static ParameterNames Parse(string scheme) => scheme == Torch.Scheme ? Torch : Npy;

    /// <summary>The names of layer <paramref name="layer"/>'s W and b, without ".npy".</summary>
    public (string Weights, string Biases) Of(int layer) => this == Torch
        ? ($"{2 * layer}.weight", $"{2 * layer}.bias")
        : ($"W{layer + 1}", $"b{layer + 1}");

    /// <summary>One parameter named in this scheme, for example <c>0.weight[3,17]</c> or <c>b2[4]</c>.</summary>
    public string Describe(NetworkLayout layout, int parameterIndex)
    {
        int layer = layout.Describe(parameterIndex).Layer;
        int local = parameterIndex - layout.WeightOffset(layer);
        int inputs = layout.InputsOf(layer);
        (string w, string b) = Of(layer);
        return parameterIndex < layout.BiasOffset(layer)
            ? $"{w}[{local / inputs},{local % inputs}]"
            : $"{b}[{parameterIndex - layout.BiasOffset(layer)}]";
    }

    /// <summary>
    /// The scheme of the .npy files in <paramref name="folder"/> (with an optional prefix such as "d"
    /// for gradients): torch when it holds <c>0.weight.npy</c>, npy when it holds <c>W1.npy</c>.
    /// </summary>
    public static ParameterNames? Detect(string folder, string prefix = "")
    {
        if (File.Exists(Path.Combine(folder, prefix + "0.weight.npy"))) return Torch;
        if (File.Exists(Path.Combine(folder, prefix + "W1.npy"))) return Npy;
        return null;
    }

    /// <summary>Writes each layer's W and b of <paramref name="buffer"/> into <paramref name="folder"/> as <c>{prefix}{name}.npy</c>; returns the paths.</summary>
    public IReadOnlyList<string> Write<T>(NetworkLayout layout, ReadOnlySpan<T> buffer, string folder, string prefix = "")
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        layout.RequireParameterLength(buffer, nameof(buffer));
        Directory.CreateDirectory(folder);
        T[] copy = buffer.ToArray();
        var written = new List<string>();
        for (int layer = 0; layer < layout.LayerCount; layer++)
        {
            (string w, string b) = Of(layer);
            string wPath = Path.Combine(folder, prefix + w + ".npy"), bPath = Path.Combine(folder, prefix + b + ".npy");
            NpyFile.Write<T>(wPath, layout.Weights<T>(copy, layer), layout.OutputsOf(layer), layout.InputsOf(layer));
            NpyFile.Write<T>(bPath, layout.Biases<T>(copy, layer), layout.OutputsOf(layer));
            written.Add(wPath);
            written.Add(bPath);
        }

        return written;
    }

    /// <summary>Reads each layer's W and b from <paramref name="folder"/> into <paramref name="buffer"/>, checking every shape.</summary>
    /// <exception cref="UsageException">A file is missing or has the wrong shape; the message names <paramref name="option"/> and the file.</exception>
    public void Read(NetworkLayout layout, string folder, Span<double> buffer, string option, string prefix = "")
    {
        layout.RequireParameterLength<double>(buffer, nameof(buffer));
        for (int layer = 0; layer < layout.LayerCount; layer++)
        {
            (string w, string b) = Of(layer);
            int outputs = layout.OutputsOf(layer), inputs = layout.InputsOf(layer);
            ReadInto(Path.Combine(folder, prefix + w + ".npy"), [outputs, inputs], layout.Weights(buffer, layer), option);
            ReadInto(Path.Combine(folder, prefix + b + ".npy"), [outputs], layout.Biases(buffer, layer), option);
        }
    }

    /// <summary>The layer sizes [n0, ..., nL] that the W files in <paramref name="folder"/> describe, read from their headers.</summary>
    public int[] Sizes(string folder, string option)
    {
        var sizes = new List<int>();
        for (int layer = 0; File.Exists(Path.Combine(folder, Of(layer).Weights + ".npy")); layer++)
        {
            string path = Path.Combine(folder, Of(layer).Weights + ".npy");
            int[] shape = NpyFile.ReadHeader(path).Shape.ToArray();
            if (shape.Length != 2) throw new UsageException($"{option}: '{path}' has shape ({string.Join(", ", shape)}); a weight matrix needs [out, in].");
            if (layer == 0) sizes.Add(shape[1]);
            else if (shape[1] != sizes[^1]) throw new UsageException($"{option}: '{path}' takes {shape[1]} inputs, but the layer before it has {sizes[^1]} outputs.");
            sizes.Add(shape[0]);
        }

        if (sizes.Count == 0) throw new UsageException($"{option}: '{folder}' holds neither {Torch.Of(0).Weights}.npy nor {Npy.Of(0).Weights}.npy.");
        return sizes.ToArray();
    }

    private static void ReadInto(string path, int[] expected, Span<double> destination, string option)
    {
        if (!File.Exists(path)) throw new UsageException($"{option}: '{path}' is missing.");
        (double[] data, int[] shape) = NpyFile.Read<double>(path);
        if (!shape.AsSpan().SequenceEqual(expected))
        {
            throw new UsageException($"{option}: '{path}' has shape ({string.Join(", ", shape)}), but the network needs ({string.Join(", ", expected)}).");
        }

        data.CopyTo(destination);
    }
}
