namespace Backprop.Simd;

/// <summary>
/// The shape of a dense network [n0, n1, ..., nL] with one activation per layer, and where each
/// layer's parameters live in the one contiguous parameter buffer: layer i (0-based; the lecture's
/// layer i + 1) maps n_i inputs to n_(i+1) outputs and owns W_i [n_(i+1), n_i] row-major followed by
/// b_i [n_(i+1)]. Gradient buffers use the same layout, so one loop serves the optimiser, the
/// gradient check, the reduction across workers and the file format.
/// </summary>
public sealed class NetworkLayout : IEquatable<NetworkLayout>
{
    private readonly int[] _sizes;
    private readonly Activation[] _functions;
    private readonly int[] _weightOffsets;

    /// <summary>A network with the given layer sizes (at least two: inputs and outputs) and one activation per layer.</summary>
    /// <exception cref="ArgumentException">Fewer than two sizes, a size below 1, the wrong number of activations,
    /// softmax before the output layer, or more parameters than an array can hold.</exception>
    public NetworkLayout(ReadOnlySpan<int> sizes, ReadOnlySpan<Activation> activations)
    {
        if (sizes.Length < 2)
        {
            throw new ArgumentException($"A network needs at least an input and an output size; got {sizes.Length} size(s).", nameof(sizes));
        }

        for (int i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] < 1)
            {
                throw new ArgumentException($"Layer size {i} is {sizes[i]}; every size must be at least 1.", nameof(sizes));
            }
        }

        if (activations.Length != sizes.Length - 1)
        {
            throw new ArgumentException(
                $"{sizes.Length - 1} layer(s) need {sizes.Length - 1} activation(s); got {activations.Length}.", nameof(activations));
        }

        for (int i = 0; i < activations.Length; i++)
        {
            if (!Enum.IsDefined(activations[i]))
            {
                throw new ArgumentException($"Activation {i} has the unknown value {(int)activations[i]}.", nameof(activations));
            }

            if (activations[i] == Activation.Softmax && i != activations.Length - 1)
            {
                throw new ArgumentException($"Softmax is allowed on the output layer only; layer {i} of {activations.Length} has it.", nameof(activations));
            }
        }

        _sizes = sizes.ToArray();
        _functions = activations.ToArray();
        _weightOffsets = new int[_functions.Length];
        long offset = 0;
        for (int i = 0; i < _functions.Length; i++)
        {
            _weightOffsets[i] = (int)offset;
            offset += ((long)_sizes[i] + 1) * _sizes[i + 1];
            if (offset > Array.MaxLength)
            {
                throw new ArgumentException($"The network has more than {Array.MaxLength} parameters.", nameof(sizes));
            }
        }

        ParameterCount = (int)offset;
    }

    /// <summary>A network whose layers all use <paramref name="activation"/>.</summary>
    public static NetworkLayout Uniform(ReadOnlySpan<int> sizes, Activation activation)
    {
        var activations = new Activation[Math.Max(sizes.Length - 1, 0)];
        Array.Fill(activations, activation);
        return new NetworkLayout(sizes, activations);
    }

    /// <summary>[n0, ..., nL].</summary>
    public ReadOnlySpan<int> Sizes => _sizes;

    /// <summary>f^1, ..., f^L: the activation function of each layer (a^l = f^l(z^l)).</summary>
    public ReadOnlySpan<Activation> ActivationFunctions => _functions;

    /// <summary>L, the number of weight layers.</summary>
    public int LayerCount => _functions.Length;

    /// <summary>n0.</summary>
    public int InputSize => _sizes[0];

    /// <summary>nL.</summary>
    public int OutputSize => _sizes[^1];

    /// <summary>The widest layer, inputs included.</summary>
    public int MaxWidth => _sizes.Max();

    /// <summary>Weights and biases of all layers.</summary>
    public int ParameterCount { get; }

    /// <summary>The activation of the output layer.</summary>
    public Activation OutputActivation => _functions[^1];

    /// <summary>n_i: the inputs of layer <paramref name="layer"/>.</summary>
    public int InputsOf(int layer) => _sizes[layer];

    /// <summary>n_(i+1): the outputs of layer <paramref name="layer"/>.</summary>
    public int OutputsOf(int layer) => _sizes[layer + 1];

    /// <summary>Where W_i starts in the parameter buffer.</summary>
    public int WeightOffset(int layer) => _weightOffsets[layer];

    /// <summary>Where b_i starts in the parameter buffer (right after W_i).</summary>
    public int BiasOffset(int layer) => _weightOffsets[layer] + _sizes[layer] * _sizes[layer + 1];

    /// <summary>W_i [n_(i+1), n_i] row-major, inside a parameter or gradient buffer.</summary>
    public Span<T> Weights<T>(Span<T> buffer, int layer) => buffer.Slice(WeightOffset(layer), _sizes[layer] * _sizes[layer + 1]);

    /// <summary>b_i [n_(i+1)], inside a parameter or gradient buffer.</summary>
    public Span<T> Biases<T>(Span<T> buffer, int layer) => buffer.Slice(BiasOffset(layer), _sizes[layer + 1]);

    /// <summary>Which layer a parameter index belongs to, and a readable name such as <c>W[3, 17]</c> or <c>b[2]</c>.</summary>
    public (int Layer, string Name) Describe(int parameterIndex)
    {
        if ((uint)parameterIndex >= (uint)ParameterCount)
        {
            throw new ArgumentOutOfRangeException(nameof(parameterIndex), parameterIndex, $"The network has {ParameterCount} parameters.");
        }

        int layer = LayerCount - 1;
        while (_weightOffsets[layer] > parameterIndex) layer--;
        int local = parameterIndex - _weightOffsets[layer];
        int inputs = _sizes[layer];
        int weights = inputs * _sizes[layer + 1];
        return local < weights
            ? (layer, $"W[{local / inputs}, {local % inputs}]")
            : (layer, $"b[{local - weights}]");
    }

    /// <summary>Throws unless a buffer has exactly <see cref="ParameterCount"/> elements.</summary>
    public void RequireParameterLength<T>(ReadOnlySpan<T> buffer, string name)
    {
        if (buffer.Length != ParameterCount)
        {
            throw new ArgumentException(
                $"Length of '{name}' is {buffer.Length}, but the network {this} has {ParameterCount} parameters.", name);
        }
    }

    /// <inheritdoc/>
    public bool Equals(NetworkLayout? other) =>
        other is not null && _sizes.AsSpan().SequenceEqual(other._sizes) && _functions.AsSpan().SequenceEqual(other._functions);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as NetworkLayout);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int size in _sizes) hash.Add(size);
        foreach (Activation activation in _functions) hash.Add(activation);
        return hash.ToHashCode();
    }

    /// <summary>For example <c>[784, 30, 10] sigmoid,sigmoid</c>.</summary>
    public override string ToString() =>
        $"[{string.Join(", ", _sizes)}] {string.Join(",", _functions.Select(a => a.ToString().ToLowerInvariant()))}";
}
