namespace Backprop.Simd;

/// <summary>The element-wise (or, for softmax, per-layer) function a = f(z) of a layer.</summary>
public enum Activation
{
    /// <summary>a = z.</summary>
    Identity = 0,

    /// <summary>a = 1 / (1 + e^-z), the lecture's neuron; f'(z) = a (1 - a).</summary>
    Sigmoid = 1,

    /// <summary>a = tanh z; f'(z) = 1 - a^2.</summary>
    Tanh = 2,

    /// <summary>a = max(z, 0); f'(z) = 1 where a &gt; 0, else 0.</summary>
    Relu = 3,

    /// <summary>a_i = e^(z_i) / sum_j e^(z_j) over the whole layer (output layers only).</summary>
    Softmax = 4,
}
