using System.Numerics;
using Backprop.Simd.Kernels;

namespace Backprop.Simd;

/// <summary>
/// Backpropagation one sample at a time, as the lecture derives it:
/// <code>
/// forward:   z^l = W^l a^(l-1) + b^l,  a^l = f(z^l)                (DenseLayer.Forward)
/// output:    delta^L = dC/da (.) f'(z^L)                            (Costs.OutputDelta)
/// gradient:  dC/dW^l += delta^l (a^(l-1))^T,  dC/db^l += delta^l    (DenseLayer.Backward)
/// backward:  delta^(l-1) = (W^l)^T delta^l (.) f'(z^(l-1))
/// </code>
/// Each layer step is <see cref="BatchBackprop{T}"/>'s on a slice of one sample, so a sample gets the
/// same bits here as in a batch. Owns its buffers: after construction nothing here allocates. Not
/// thread-safe: one per thread.
/// </summary>
public sealed class SampleBackprop<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly NetworkLayout _layout;
    private readonly T[][] _a;     // a^(i+1) = f(z^(i+1)) [n_(i+1)], layer i's output
    private readonly T[][] _delta; // delta^(i+1) = dC/dz^(i+1) [n_(i+1)]
    private readonly T[] _one = [T.One]; // the slice's 1 of db = delta^T 1

    /// <summary>Buffers for networks of <paramref name="layout"/>.</summary>
    public SampleBackprop(NetworkLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        _layout = layout;
        _a = new T[layout.LayerCount][];
        _delta = new T[layout.LayerCount][];
        for (int i = 0; i < layout.LayerCount; i++)
        {
            _a[i] = new T[layout.OutputsOf(i)];
            _delta[i] = new T[layout.OutputsOf(i)];
        }
    }

    /// <summary>The network's output a^L for one input; valid until the next call.</summary>
    public ReadOnlySpan<T> Forward(Network<T> network, ReadOnlySpan<T> input)
    {
        RequireNetwork(network);
        Require.Length(input, nameof(input), "[n0]", _layout.InputSize);
        Require.NotOwnOutput<T>(input, nameof(input), _a[^1]);
        ReadOnlySpan<T> aPrev = input;
        for (int i = 0; i < _layout.LayerCount; i++)
        {
            DenseLayer.Forward(network.Weights(i), network.Biases(i), _layout.ActivationFunctions[i], aPrev, _a[i], 1, _layout.InputsOf(i), _layout.OutputsOf(i));
            aPrev = _a[i];                                                                                                // a = f(W a_prev + b)
        }

        return _a[^1];
    }

    /// <summary>C_x for one sample (a forward pass).</summary>
    public T Cost(Network<T> network, ReadOnlySpan<T> input, ReadOnlySpan<T> target, CostFunction cost)
    {
        Require.Length(target, nameof(target), "[nL]", _layout.OutputSize);
        Require.NotOwnOutput<T>(target, nameof(target), _a[^1]);
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
        Require.NotOwnOutput<T>(target, nameof(target), _a[^1]);
        _layout.RequireParameterLength<T>(gradient, nameof(gradient));

        ReadOnlySpan<T> output = Forward(network, input);
        T value = Costs.Value(cost, output, target);
        int last = _layout.LayerCount - 1;
        Costs.OutputDelta(cost, _layout.OutputActivation, output, target, _delta[last], chainRule);

        for (int i = last; i >= 0; i--)
        {
            ReadOnlySpan<T> aPrev = i == 0 ? input : _a[i - 1];
            Span<T> deltaPrev = i == 0 ? default : _delta[i - 1];
            Activation fPrev = i == 0 ? Activation.Identity : _layout.ActivationFunctions[i - 1];
            // dW += delta a_prev^T, db += delta, delta_prev = W^T delta (.) f'(z_prev)
            DenseLayer.Backward(network.Weights(i), _delta[i], aPrev, fPrev, _one, _layout.Weights(gradient, i), _layout.Biases(gradient, i),
                deltaPrev, 1, _layout.InputsOf(i), _layout.OutputsOf(i), accumulate: true);
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
