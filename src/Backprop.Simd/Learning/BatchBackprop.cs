using System.Numerics;
using Backprop.Simd.Kernels;

namespace Backprop.Simd;

/// <summary>
/// Backpropagation over a slice of samples in matrix form, rows = samples (what training uses):
/// <code>
/// forward:   Z^l = A^(l-1) (W^l)^T + 1 b^T,  A^l = f(Z^l)              (GEMM C += A B^T)
/// output:    Delta^L row x = dC_x/da (.) f'(z^L)                        (Costs.OutputDelta)
/// gradient:  dC/dW^l = (Delta^l)^T A^(l-1)                             (GEMM C = A^T B)
///            dC/db^l = (Delta^l)^T 1, the sum of Delta's rows            (GEMV y = W^T x)
/// backward:  Delta^(l-1) = (Delta^l W^l) (.) f'(Z^(l-1))               (GEMM C = A B)
/// </code>
/// Each weight is read once per slice instead of once per sample. Owns every buffer for slices of
/// up to <see cref="Capacity"/> samples: after construction nothing here allocates. One per thread.
/// </summary>
public sealed class BatchBackprop<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly NetworkLayout _layout;
    private readonly T[][] _activations; // A^(i+1) [capacity, n_(i+1)]
    private readonly T[][] _deltas;      // Delta^(i+1) [capacity, n_(i+1)]
    private readonly T[] _ones;          // [capacity] of 1: db = Delta^T 1 sums a layer's delta rows in one product

    /// <summary>Buffers for slices of up to <paramref name="capacity"/> samples of networks of <paramref name="layout"/>.</summary>
    public BatchBackprop(NetworkLayout layout, int capacity)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _layout = layout;
        Capacity = capacity;
        _activations = new T[layout.LayerCount][];
        _deltas = new T[layout.LayerCount][];
        for (int i = 0; i < layout.LayerCount; i++)
        {
            _activations[i] = new T[(long)capacity * layout.OutputsOf(i)];
            _deltas[i] = new T[(long)capacity * layout.OutputsOf(i)];
        }

        _ones = new T[capacity];
        Array.Fill(_ones, T.One);
    }

    /// <summary>The most samples one call takes.</summary>
    public int Capacity { get; }

    /// <summary>The outputs A^L [count, nL] of <paramref name="count"/> inputs [count, n0]; valid until the next call.</summary>
    public ReadOnlySpan<T> Forward(Network<T> network, ReadOnlySpan<T> inputs, int count)
    {
        RequireSlice(network, inputs, count);
        return ForwardUnchecked(network, inputs, count);
    }

    /// <summary>sum over the slice of C_x (a forward pass).</summary>
    public T Cost(Network<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, int count, CostFunction cost)
    {
        RequireSlice(network, inputs, count);
        Require.Length(targets, nameof(targets), "[count, nL]", count, _layout.OutputSize);
        ReadOnlySpan<T> outputs = ForwardUnchecked(network, inputs, count);
        int n = _layout.OutputSize;
        T sum = T.Zero;
        for (int x = 0; x < count; x++) sum += Costs.Value(cost, outputs.Slice(x * n, n), targets.Slice(x * n, n));
        return sum;
    }

    /// <summary>
    /// Writes sum over the slice of dC_x/dW and dC_x/db into <paramref name="gradient"/> (laid out like
    /// the parameters; overwritten, not added to) and returns sum over the slice of C_x.
    /// </summary>
    /// <param name="network">The network; it is not modified.</param>
    /// <param name="inputs">X [count, n0], one sample per row.</param>
    /// <param name="targets">Y [count, nL].</param>
    /// <param name="count">Samples in the slice, at most <see cref="Capacity"/>.</param>
    /// <param name="cost">The cost function C_x.</param>
    /// <param name="gradient">Receives sum_x dC_x/dp for every parameter p.</param>
    /// <param name="chainRule">Use the general output delta dC/da (.) f'(z) even where a - y is known to equal it.</param>
    public T Backpropagate(Network<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, int count, CostFunction cost, Span<T> gradient, bool chainRule = false)
    {
        RequireSlice(network, inputs, count);
        Costs.RequireCompatible(cost, _layout.OutputActivation);
        Require.Length(targets, nameof(targets), "[count, nL]", count, _layout.OutputSize);
        _layout.RequireParameterLength<T>(gradient, nameof(gradient));

        ReadOnlySpan<T> outputs = ForwardUnchecked(network, inputs, count);
        int last = _layout.LayerCount - 1, n = _layout.OutputSize;
        Span<T> outputDelta = _deltas[last];
        T value = T.Zero;
        for (int x = 0; x < count; x++)
        {
            ReadOnlySpan<T> a = outputs.Slice(x * n, n), y = targets.Slice(x * n, n);
            value += Costs.Value(cost, a, y);
            Costs.OutputDelta(cost, _layout.OutputActivation, a, y, outputDelta.Slice(x * n, n), chainRule);
        }

        for (int i = last; i >= 0; i--)
        {
            int fanIn = _layout.InputsOf(i), fanOut = _layout.OutputsOf(i);
            ReadOnlySpan<T> delta = _deltas[i].AsSpan(0, count * fanOut);                    // [count, fanOut]
            ReadOnlySpan<T> previous = i == 0 ? inputs : _activations[i - 1].AsSpan(0, count * fanIn); // [count, fanIn]
            Blas3.MultiplyTransposedA(delta, previous, fanOut, count, fanIn, _layout.Weights(gradient, i)); // dW = Delta^T A
            // db = sum_x delta_x = Delta^T 1: one FMA chain per output, fma(1, d, s) = s + d exactly, in sample order.
            Blas2.GemvTransposed<T>(delta, _ones.AsSpan(0, count), count, fanOut, _layout.Biases(gradient, i));
            if (i > 0)
            {
                Span<T> back = _deltas[i - 1].AsSpan(0, count * fanIn);
                Blas3.Multiply(delta, network.Weights(i), count, fanOut, fanIn, back);          // Delta W
                Activations.Backward<T>(_layout.Activations[i - 1], previous, back, back);      // (.) f'(Z)
            }
        }

        return value;
    }

    private ReadOnlySpan<T> ForwardUnchecked(Network<T> network, ReadOnlySpan<T> inputs, int count)
    {
        ReadOnlySpan<T> previous = inputs;
        for (int i = 0; i < _layout.LayerCount; i++)
        {
            int fanIn = _layout.InputsOf(i), fanOut = _layout.OutputsOf(i);
            Span<T> z = _activations[i].AsSpan(0, count * fanOut);
            ReadOnlySpan<T> bias = network.Biases(i);
            for (int x = 0; x < count; x++) bias.CopyTo(z.Slice(x * fanOut, fanOut));        // Z = 1 b^T
            Blas3.MultiplyAddTransposedB(previous, network.Weights(i), count, fanIn, fanOut, z); // Z += A W^T
            if (_layout.Activations[i] == Activation.Softmax)
            {
                for (int x = 0; x < count; x++)
                {
                    Span<T> row = z.Slice(x * fanOut, fanOut);
                    Activations.Softmax<T>(row, row);
                }
            }
            else
            {
                Activations.Forward<T>(_layout.Activations[i], z, z);                          // A = f(Z)
            }

            previous = z;
        }

        return previous;
    }

    private void RequireSlice(Network<T> network, ReadOnlySpan<T> inputs, int count)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!network.Layout.Equals(_layout))
        {
            throw new ArgumentException($"The network is {network.Layout}, but this workspace was made for {_layout}.", nameof(network));
        }

        if ((uint)count > (uint)Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"A slice holds 0 to {Capacity} samples.");
        }

        Require.Length(inputs, nameof(inputs), "[count, n0]", count, _layout.InputSize);
    }
}
