namespace Backprop.Simd;

/// <summary>How a <see cref="Predictor"/> stores the weights it multiplies by.</summary>
public enum WeightPrecision
{
    /// <summary>32-bit floats, the trained weights as they are: the trainer's forward pass, bit for bit (the default).</summary>
    Float32 = 0,

    /// <summary>
    /// bfloat16 (the top 16 bits of each float, rounded to nearest even): half the bytes to stream per
    /// prediction, so faster where the forward is bound by reading W. Inputs, biases, products and
    /// sums stay 32-bit floats; each weight moves by at most 2^-8 (0.39%) of itself, so outputs differ
    /// slightly from <see cref="Float32"/>'s (docs/embedding.md gives the measured differences).
    /// </summary>
    BFloat16 = 1,
}
