using System.Buffers;
using System.Runtime.CompilerServices;
using Backprop.Simd.Kernels;

namespace Backprop.Simd;

/// <summary>
/// Runs a trained network for a service: <c>a^l = f(W^l a^(l-1) + b^l)</c> layer by layer, the
/// same kernels and the same bits as the trainer's per-sample forward pass
/// (<see cref="SampleBackprop{T}.Forward"/>). Safe from any number of threads at once
/// with no lock: the parameters are a private copy that nothing writes, and the activations live
/// on the calling thread's stack (or, for very wide layers, in arrays rented from the shared pool).
/// After the first call on a thread, a prediction allocates nothing. The model's
/// <see cref="DataSchema"/> is applied on the way: inputs are standardised as in training
/// (x' = (x - mean) / scale, the same bits) and regression outputs are mapped back to the targets'
/// units (y = a * scale + mean), so callers pass raw inputs and get raw predictions.
/// With <see cref="Backprop.Simd.WeightPrecision.BFloat16"/> (opt-in) the weights are kept as bfloat16 and
/// widened on the fly (<c>Kernels/InterleavedGemvBFloat16.cs</c>): half the bytes of W per prediction (1.3-1.7x faster on AVX-512) for
/// outputs close to, but not the bits of, the float forward pass.
/// </summary>
public sealed class Predictor
{
    /// <summary>Widest hidden layer whose activations go on the stack (2 buffers of this many floats).</summary>
    private const int StackFloats = 4096;

    private readonly Network<float> _network;
    private readonly int _hiddenWidth;
    private readonly Standardization? _inputScaling, _outputScaling;

    // Each layer's W re-laid for the single-sample forward (InterleavedGemv) in a 64-byte aligned copy, so no
    // load straddles two cache lines (1.10x on avx512, 1.24x on avx2 for 784 x 30; the same bits); a
    // default segment (no array) where x is shorter than a register.
    private readonly ArraySegment<float>[] _interleaved;

    // With WeightPrecision.BFloat16: every layer's W rounded to bf16 pairs (InterleavedGemvBFloat16); null for Float32.
    private readonly ArraySegment<uint>[]? _bfloat16;

    /// <summary>A predictor for a copy of <paramref name="network"/> (later changes to it are not seen) that takes inputs as the network does.</summary>
    public Predictor(Network<float> network)
        : this(network, DataSchema.None)
    {
    }

    /// <summary>A predictor for a saved model: its network and its schema's preprocessing.</summary>
    public Predictor(SavedModel model)
        : this((model ?? throw new ArgumentNullException(nameof(model))).Network, model.Schema)
    {
    }

    /// <summary>A predictor for a saved model that stores its weights at <paramref name="precision"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="precision"/> is not a defined value.</exception>
    public Predictor(SavedModel model, WeightPrecision precision)
        : this((model ?? throw new ArgumentNullException(nameof(model))).Network, model.Schema, precision)
    {
    }

    /// <summary>A predictor for a copy of <paramref name="network"/> that applies <paramref name="schema"/>'s standardisations to inputs and outputs.</summary>
    /// <exception cref="ArgumentException">The schema does not fit the network.</exception>
    public Predictor(Network<float> network, DataSchema schema)
        : this(network, schema, WeightPrecision.Float32)
    {
    }

    /// <summary>
    /// A predictor for a copy of <paramref name="network"/> that applies <paramref name="schema"/>'s
    /// standardisations and stores the weights at <paramref name="precision"/>
    /// (<see cref="Backprop.Simd.WeightPrecision.Float32"/> gives the trainer's bits).
    /// </summary>
    /// <exception cref="ArgumentException">The schema does not fit the network.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="precision"/> is not a defined value.</exception>
    public Predictor(Network<float> network, DataSchema schema, WeightPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(schema);
        if (precision is not (WeightPrecision.Float32 or WeightPrecision.BFloat16))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "Weight precision must be Float32 or BFloat16.");
        }

        WeightPrecision = precision;
        schema.RequireFits(network.Layout.InputSize, network.Layout.OutputSize);
        Schema = schema;
        (_inputScaling, _outputScaling) = (schema.Inputs, schema.Targets);
        _network = network.Clone();
        NetworkLayout layout = network.Layout;
        for (int i = 0; i + 1 < layout.LayerCount; i++) _hiddenWidth = Math.Max(_hiddenWidth, layout.OutputsOf(i));
        _interleaved = new ArraySegment<float>[layout.LayerCount];
        if (precision == WeightPrecision.BFloat16) _bfloat16 = new ArraySegment<uint>[layout.LayerCount];
        for (int i = 0; i < layout.LayerCount; i++)
        {
            int fanIn = layout.InputsOf(i), fanOut = layout.OutputsOf(i);
            if (_bfloat16 is not null) _bfloat16[i] = CacheAligned.Copy<uint>(InterleavedGemvBFloat16.Pack(_network.Weights(i), fanOut, fanIn));
            else if (InterleavedGemv.Applies(fanIn)) _interleaved[i] = CacheAligned.Copy<float>(InterleavedGemv.Pack(_network.Weights(i), fanOut, fanIn));
        }
    }

    /// <summary>Loads a model file written by <c>backprop train</c> or <see cref="ModelFile.Save"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid model; the message names the file and the offset.</exception>
    public static Predictor Load(string path) => new(ModelFile.Load(path));

    /// <summary>Loads a model file and stores its weights at <paramref name="precision"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid model; the message names the file and the offset.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="precision"/> is not a defined value.</exception>
    public static Predictor Load(string path, WeightPrecision precision) => new(ModelFile.Load(path), precision);

    /// <summary>The task, names and standardisations applied around the network.</summary>
    public DataSchema Schema { get; }

    /// <summary>How the weights are stored: <see cref="Backprop.Simd.WeightPrecision.Float32"/> unless asked otherwise.</summary>
    public WeightPrecision WeightPrecision { get; }

    /// <summary>The network's shape.</summary>
    public NetworkLayout Layout => _network.Layout;

    /// <summary>Values per input, n0.</summary>
    public int InputSize => _network.Layout.InputSize;

    /// <summary>Values per output, nL.</summary>
    public int OutputSize => _network.Layout.OutputSize;

    /// <summary>output = a^L for one input.</summary>
    /// <exception cref="ArgumentException">input is not n0 long, output not nL long, or an input is NaN or infinite (the message names its index and value).</exception>
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        Require.Length(input, nameof(input), "[n0]", InputSize);
        RequireFinite(input);
        PredictUnchecked(input, output);
    }

    /// <summary>
    /// output = a^L for one input the caller has already checked to be finite: NaN or an infinity
    /// here gives NaN outputs (or a confident wrong class), not an error. Lengths are still checked.
    /// </summary>
    /// <exception cref="ArgumentException">input is not n0 long or output not nL long.</exception>
    [SkipLocalsInit]
    public void PredictUnchecked(ReadOnlySpan<float> input, Span<float> output)
    {
        Require.Length(input, nameof(input), "[n0]", InputSize);
        Require.Length(output, nameof(output), "[nL]", OutputSize);
        float[]? rented = null;
        int inputScratch = _inputScaling is null ? 0 : InputSize, length = 2 * _hiddenWidth + inputScratch;
        Span<float> scratch = length <= 2 * StackFloats
            ? stackalloc float[2 * StackFloats].Slice(0, length)
            : (rented = ArrayPool<float>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            scoped ReadOnlySpan<float> x = input;
            if (_inputScaling is not null)
            {
                Span<float> standardised = scratch[(2 * _hiddenWidth)..];
                _inputScaling.ApplyUnchecked(input, standardised);   // x' = (x - mean) / scale
                x = standardised;
            }

            if (_bfloat16 is null) Forward(x, output, scratch);
            else ForwardBFloat16(_bfloat16, x, output, scratch);
            _outputScaling?.InvertUnchecked(output, output);         // y = a * scale + mean
        }
        finally
        {
            if (rented is not null) ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>The index of the largest output for one input (the predicted class).</summary>
    /// <exception cref="ArgumentException">input is not n0 long or holds NaN or an infinity.</exception>
    [SkipLocalsInit]
    public int Classify(ReadOnlySpan<float> input)
    {
        Span<float> output = OutputSize <= StackFloats ? stackalloc float[OutputSize] : new float[OutputSize];
        Predict(input, output);
        return Activations.Argmax<float>(output);
    }

    /// <summary>outputs [count, nL] for inputs [count, n0]; each row gets the same bits as <see cref="Predict"/>.</summary>
    /// <exception cref="ArgumentException">A span's length does not match count and the network's sizes, or an input is NaN or infinite (the message names its row and index).</exception>
    public void PredictBatch(ReadOnlySpan<float> inputs, int count, Span<float> outputs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Require.Length(inputs, nameof(inputs), "[count, n0]", count, InputSize);
        Require.Length(outputs, nameof(outputs), "[count, nL]", count, OutputSize);
        RequireFinite(inputs);
        for (int x = 0; x < count; x++)
        {
            PredictUnchecked(inputs.Slice(x * InputSize, InputSize), outputs.Slice(x * OutputSize, OutputSize));
        }
    }

    // One vectorised pass before the forward; the throw is out of line so the success path stays small.
    private void RequireFinite(ReadOnlySpan<float> inputs)
    {
        int bad = NonFinite.IndexOf(inputs);
        if (bad >= 0) ThrowNonFinite(bad, inputs[bad], InputSize);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNonFinite(int index, float value, int n0)
    {
        string where = index < n0 ? $"Input {index}" : $"Input {index % n0} of row {index / n0}";
        throw new ArgumentException($"{where} is {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}; inputs must be finite (PredictUnchecked skips this check).", "input");
    }

    // Ping-pong between the two halves of the scratch; the last layer writes straight into output.
    private void Forward(ReadOnlySpan<float> input, Span<float> output, Span<float> scratch)
    {
        NetworkLayout layout = _network.Layout;
        ReadOnlySpan<float> aPrev = input;
        for (int i = 0; i < layout.LayerCount; i++)
        {
            int fanIn = layout.InputsOf(i), fanOut = layout.OutputsOf(i);
            Span<float> z = i == layout.LayerCount - 1 ? output : scratch.Slice((i & 1) * _hiddenWidth, fanOut);
            // DenseLayer.Forward's step for one sample, with its bits; written out so that the interleaved product can
            // stand in for the row-major one (through DenseLayer the tabular [4, 16, 3] predict measured 61 -> 96 ns).
            if (_interleaved[i] is { Array: not null } w) InterleavedGemv.Multiply(w, aPrev, _network.Biases(i), fanOut, fanIn, z); // z = W a_prev + b
            else Blas2.Gemv<float>(_network.Weights(i), aPrev, _network.Biases(i), fanOut, fanIn, z);
            Activations.Forward<float>(layout.ActivationFunctions[i], z, z);                                                     // a = f(z)
            aPrev = z;
        }
    }

    // As Forward over the bf16 weights. A method of its own: sharing one with the float path let the JIT's
    // profile of whichever precision ran first lay out the other's calls badly (bf16 measured 1.2 us instead of 0.6).
    private void ForwardBFloat16(ArraySegment<uint>[] weights, ReadOnlySpan<float> input, Span<float> output, Span<float> scratch)
    {
        NetworkLayout layout = _network.Layout;
        ReadOnlySpan<float> aPrev = input;
        for (int i = 0; i < layout.LayerCount; i++)
        {
            int fanIn = layout.InputsOf(i), fanOut = layout.OutputsOf(i);
            Span<float> z = i == layout.LayerCount - 1 ? output : scratch.Slice((i & 1) * _hiddenWidth, fanOut);
            InterleavedGemvBFloat16.Multiply(weights[i], aPrev, _network.Biases(i), fanOut, fanIn, z); // z = bf16(W) a_prev + b
            Activations.Forward<float>(layout.ActivationFunctions[i], z, z);                                 // a = f(z)
            aPrev = z;
        }
    }
}
