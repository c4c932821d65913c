using System.Numerics;
using Backprop.Simd.Kernels;

namespace Backprop.Simd;

/// <summary>
/// Backpropagation one sample at a time, as the lecture derives it:
/// <code>
/// forward:   z^l = W^l a^(l-1) + b^l,  a^l = f(z^l)                (Gemv, activation)
/// output:    delta^L = dC/da (.) f'(z^L)                            (Costs.OutputDelta)
/// backward:  delta^(l-1) = (W^l)^T delta^l (.) f'(z^(l-1))         (GemvTransposed, Hadamard)
/// gradient:  dC/dW^l += delta^l (a^(l-1))^T,  dC/db^l += delta^l    (rank-1 update, add)
/// </code>
/// Owns its buffers: after construction nothing here allocates. Not thread-safe: one per thread.
/// </summary>
public sealed class SampleBackprop<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly NetworkLayout _layout;
    private readonly T[][] _activations; // a^(i+1) [n_(i+1)] for layer i
    private readonly T[][] _deltas;      // delta^(i+1) [n_(i+1)]
    private readonly T[] _backward;      // (W^l)^T delta^l [widest layer]

    /// <summary>Buffers for networks of <paramref name="layout"/>.</summary>
    public SampleBackprop(NetworkLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        _layout = layout;
        _activations = new T[layout.LayerCount][];
        _deltas = new T[layout.LayerCount][];
        for (int i = 0; i < layout.LayerCount; i++)
        {
            _activations[i] = new T[layout.OutputsOf(i)];
            _deltas[i] = new T[layout.OutputsOf(i)];
        }

        _backward = new T[layout.MaxWidth];
    }

    /// <summary>The network's output a^L for one input; valid until the next call.</summary>
    public ReadOnlySpan<T> Forward(Network<T> network, ReadOnlySpan<T> input)
    {
        RequireNetwork(network);
        Require.Length(input, nameof(input), "[n0]", _layout.InputSize);
        ReadOnlySpan<T> previous = input;
        for (int i = 0; i < _layout.LayerCount; i++)
        {
            Span<T> a = _activations[i];
            Blas2.Gemv<T>(network.Weights(i), previous, network.Biases(i), _layout.OutputsOf(i), _layout.InputsOf(i), a); // z = W a + b
            Activations.Forward<T>(_layout.Activations[i], a, a);                                                         // a = f(z)
            previous = a;
        }

        return _activations[^1];
    }

    /// <summary>C_x for one sample (a forward pass).</summary>
    public T Cost(Network<T> network, ReadOnlySpan<T> input, ReadOnlySpan<T> target, CostFunction cost)
    {
        Require.Length(target, nameof(target), "[nL]", _layout.OutputSize);
        return Costs.Value(cost, Forward(network, input), target);
    }

    /// <summary>
    /// Adds this sample's dC_x/dW and dC_x/db to <paramref name="gradient"/> (laid out like the
    /// parameters) and returns C_x.
    /// </summary>
    /// <param name="network">The network; it is not modified.</param>
    /// <param name="input">x [n0].</param>
    /// <param name="target">y [nL].</param>
    /// <param name="cost">The cost function C_x.</param>
    /// <param name="gradient">Receives += dC_x/dp for every parameter p.</param>
    /// <param name="chainRule">Use the general output delta dC/da (.) f'(z) even where a - y is known to equal it.</param>
    public T Backpropagate(Network<T> network, ReadOnlySpan<T> input, ReadOnlySpan<T> target, CostFunction cost, Span<T> gradient, bool chainRule = false)
    {
        RequireNetwork(network);
        Costs.RequireCompatible(cost, _layout.OutputActivation);
        Require.Length(input, nameof(input), "[n0]", _layout.InputSize);
        Require.Length(target, nameof(target), "[nL]", _layout.OutputSize);
        _layout.RequireParameterLength<T>(gradient, nameof(gradient));

        ReadOnlySpan<T> output = Forward(network, input);
        T value = Costs.Value(cost, output, target);
        int last = _layout.LayerCount - 1;
        Costs.OutputDelta(cost, _layout.OutputActivation, output, target, _deltas[last], chainRule);

        for (int i = last; i >= 0; i--)
        {
            int inputs = _layout.InputsOf(i), outputs = _layout.OutputsOf(i);
            ReadOnlySpan<T> delta = _deltas[i];
            ReadOnlySpan<T> previous = i == 0 ? input : _activations[i - 1];
            Blas2.Rank1Update(delta, previous, outputs, inputs, _layout.Weights(gradient, i)); // dC/dW += delta a^T
            Span<T> biasGradient = _layout.Biases(gradient, i);
            Blas1.Add<T>(biasGradient, delta, biasGradient);                                    // dC/db += delta
            if (i > 0)
            {
                Span<T> back = _backward.AsSpan(0, inputs);
                Blas2.GemvTransposed<T>(network.Weights(i), delta, outputs, inputs, back);     // W^T delta
                Activations.Backward<T>(_layout.Activations[i - 1], previous, back, _deltas[i - 1]); // (.) f'(z)
            }
        }

        return value;
    }

    private void RequireNetwork(Network<T> network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!network.Layout.Equals(_layout))
        {
            throw new ArgumentException($"The network is {network.Layout}, but this workspace was made for {_layout}.", nameof(network));
        }
    }
}
