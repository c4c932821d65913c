namespace Backprop.Simd;

/// <summary>How a new network's weights and biases are drawn.</summary>
public enum Initialization
{
    /// <summary>Weights N(0, 1/n_in), biases N(0, 1): Nielsen's network2.py, which learns faster than N(0, 1).</summary>
    Scaled = 0,

    /// <summary>Weights and biases N(0, 1): Nielsen's network.py (chapter 1).</summary>
    Nielsen = 1,

    /// <summary>Weights N(0, 2/(n_in + n_out)) (Glorot and Bengio), biases 0.</summary>
    Xavier = 2,

    /// <summary>Weights N(0, 2/n_in) (He et al., for ReLU), biases 0.</summary>
    He = 3,
}
