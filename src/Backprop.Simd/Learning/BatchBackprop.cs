using System.Numerics;
using Backprop.Simd.Kernels;

namespace Backprop.Simd;

/// <summary>
/// Backpropagation over a slice of samples in matrix form, rows = samples (what training uses):
/// <code>
/// forward:   Z^l = A^(l-1) (W^l)^T + 1 b^T,  A^l = f(Z^l)              (DenseLayer.Forward: GEMM C += A B^T)
/// output:    Delta^L row x = dC_x/da (.) f'(z^L)                        (Costs.OutputDelta)
/// gradient:  dC/dW^l = (Delta^l)^T A^(l-1)                             (DenseLayer.Backward: GEMM C = A^T B)
///            dC/db^l = (Delta^l)^T 1, the sum of Delta's rows            (GEMM C = A B, A = 1^T)
/// backward:  Delta^(l-1) = (Delta^l W^l) (.) f'(Z^(l-1))               (GEMM C = A B)
/// </code>
/// Each weight is read once per slice instead of once per sample. Owns every buffer for slices of
/// up to <see cref="Capacity"/> samples: after construction nothing here allocates. One per thread.
/// </summary>
public sealed class BatchBackprop<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly NetworkLayout _layout;
    private readonly T[][] _a;     // A^(i+1) = f(Z^(i+1)) [capacity, n_(i+1)], layer i's output
    private readonly T[][] _delta; // Delta^(i+1) = dC/dZ^(i+1) [capacity, n_(i+1)]
    private readonly T[] _ones;    // [capacity] of 1: db = Delta^T 1 sums a layer's delta rows in one product

    /// <summary>Buffers for slices of up to <paramref name="capacity"/> samples of networks of <paramref name="layout"/>.</summary>
    public BatchBackprop(NetworkLayout layout, int capacity)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _layout = layout;
        Capacity = capacity;
        _a = new T[layout.LayerCount][];
        _delta = new T[layout.LayerCount][];
        for (int i = 0; i < layout.LayerCount; i++)
        {
            _a[i] = new T[(long)capacity * layout.OutputsOf(i)];
            _delta[i] = new T[(long)capacity * layout.OutputsOf(i)];
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
        Require.NotOwnOutput<T>(targets, nameof(targets), _a[^1]);
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
        Require.NotOwnOutput<T>(targets, nameof(targets), _a[^1]);
        _layout.RequireParameterLength<T>(gradient, nameof(gradient));

        ReadOnlySpan<T> outputs = ForwardUnchecked(network, inputs, count);
        int last = _layout.LayerCount - 1, n = _layout.OutputSize;
        Span<T> outputDelta = _delta[last];
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
            ReadOnlySpan<T> aPrev = i == 0 ? inputs : _a[i - 1].AsSpan(0, count * fanIn);             // [count, fanIn]
            Span<T> deltaPrev = i == 0 ? default : _delta[i - 1].AsSpan(0, count * fanIn);           // [count, fanIn]
            Activation fPrev = i == 0 ? Activation.Identity : _layout.ActivationFunctions[i - 1];
            // dW = Delta^T A_prev, db = Delta^T 1, Delta_prev = (Delta W) (.) f'(Z_prev)
            DenseLayer.Backward(network.Weights(i), _delta[i].AsSpan(0, count * fanOut), aPrev, fPrev, _ones, _layout.Weights(gradient, i),
                _layout.Biases(gradient, i), deltaPrev, count, fanIn, fanOut, accumulate: false);
        }

        return value;
    }

    private ReadOnlySpan<T> ForwardUnchecked(Network<T> network, ReadOnlySpan<T> inputs, int count)
    {
        ReadOnlySpan<T> aPrev = inputs;
        for (int i = 0; i < _layout.LayerCount; i++)
        {
            int fanIn = _layout.InputsOf(i), fanOut = _layout.OutputsOf(i);
            Span<T> a = _a[i].AsSpan(0, count * fanOut);
            DenseLayer.Forward(network.Weights(i), network.Biases(i), _layout.ActivationFunctions[i], aPrev, a, count, fanIn, fanOut); // A = f(A_prev W^T + 1 b^T)
            aPrev = a;
        }

        return aPrev;
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
        Require.NotOwnOutput<T>(inputs, nameof(inputs), _a[^1]);
    }
}
