namespace Backprop.Simd;

/// <summary>The per-sample cost C_x(a, y) of an output a against a target y.</summary>
public enum CostFunction
{
    /// <summary>
    /// C_x = 1/2 ||a - y||^2, so dC/da = a - y. This is Nielsen's convention with the 1/2; the
    /// lecture's per-sample cost ||a - y||^2 is exactly twice this, with twice the gradient.
    /// </summary>
    Quadratic = 0,

    /// <summary>C_x = -sum_j [y_j ln a_j + (1 - y_j) ln(1 - a_j)], for outputs in (0, 1); with sigmoid outputs delta^L = a - y.</summary>
    CrossEntropy = 1,

    /// <summary>C_x = -sum_j y_j ln a_j (for a one-hot y, -ln a_y), for positive outputs; with softmax outputs delta^L = a - y.</summary>
    LogLikelihood = 2,
}
