using System.Numerics;

namespace Backprop.Simd;

/// <summary>
/// A dense network's parameters: every W_i and b_i in one contiguous buffer laid out by
/// <see cref="NetworkLayout"/>. Generic over <see cref="float"/> (speed) and <see cref="double"/>
/// (the gradient-check reference).
/// </summary>
public sealed class Network<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _parameters;

    /// <summary>A network of the given layout with every parameter zero.</summary>
    public Network(NetworkLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        Layout = layout;
        _parameters = new T[layout.ParameterCount];
    }

    /// <summary>A network over an existing parameter buffer (not copied).</summary>
    /// <exception cref="ArgumentException">The buffer's length is not the layout's parameter count.</exception>
    public Network(NetworkLayout layout, T[] parameters)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(parameters);
        layout.RequireParameterLength<T>(parameters, nameof(parameters));
        Layout = layout;
        _parameters = parameters;
    }

    /// <summary>A new network with parameters drawn by <paramref name="initialization"/> from <paramref name="seed"/>.
    /// The same seed gives the same network on every machine and runtime (drawn in double, then rounded).</summary>
    public static Network<T> Create(NetworkLayout layout, Initialization initialization, ulong seed)
    {
        var network = new Network<T>(layout);
        var random = new SeededRandom(seed);
        for (int layer = 0; layer < layout.LayerCount; layer++)
        {
            int inputs = layout.InputsOf(layer), outputs = layout.OutputsOf(layer);
            (double weightScale, double biasScale) = initialization switch
            {
                Initialization.Nielsen => (1.0, 1.0),
                Initialization.Scaled => (1.0 / Math.Sqrt(inputs), 1.0),
                Initialization.Xavier => (Math.Sqrt(2.0 / (inputs + outputs)), 0.0),
                Initialization.He => (Math.Sqrt(2.0 / inputs), 0.0),
                _ => throw new ArgumentOutOfRangeException(nameof(initialization), initialization, "Unknown initialization."),
            };
            foreach (ref T w in network.Weights(layer)) w = T.CreateTruncating(weightScale * random.NextGaussian());
            foreach (ref T b in network.Biases(layer)) b = biasScale == 0 ? T.Zero : T.CreateTruncating(biasScale * random.NextGaussian());
        }

        return network;
    }

    /// <summary>The shape and the parameter layout.</summary>
    public NetworkLayout Layout { get; }

    /// <summary>All weights and biases, layer after layer (W_i row-major, then b_i).</summary>
    public Span<T> Parameters => _parameters;

    /// <summary>W_i [n_(i+1), n_i] row-major.</summary>
    public Span<T> Weights(int layer) => Layout.Weights<T>(_parameters, layer);

    /// <summary>b_i [n_(i+1)].</summary>
    public Span<T> Biases(int layer) => Layout.Biases<T>(_parameters, layer);

    /// <summary>A deep copy.</summary>
    public Network<T> Clone() => new(Layout, (T[])_parameters.Clone());

    /// <summary>The same network in another precision (rounded to nearest when narrowing).</summary>
    public Network<TOther> Convert<TOther>()
        where TOther : unmanaged, IFloatingPointIeee754<TOther> =>
        new(Layout, Array.ConvertAll(_parameters, TOther.CreateTruncating));
}
