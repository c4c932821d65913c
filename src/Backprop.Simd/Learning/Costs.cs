using System.Numerics;
using Backprop.Simd.Kernels;

namespace Backprop.Simd;

/// <summary>
/// Per-sample costs, their gradients dC/da, and the output error delta^L = dC/dz^L. The output layer
/// is a handful of neurons, so these are plain loops; the same code serves the per-sample and the
/// matrix form, which is why both give the same bits.
/// </summary>
public static class Costs
{
    /// <summary>Throws unless <paramref name="cost"/> is defined for outputs of <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">Cross-entropy on other than sigmoid outputs, or log-likelihood on other than softmax or sigmoid outputs.</exception>
    public static void RequireCompatible(CostFunction cost, Activation output)
    {
        bool ok = cost switch
        {
            CostFunction.Quadratic => true,
            CostFunction.CrossEntropy => output is Activation.Sigmoid,
            CostFunction.LogLikelihood => output is Activation.Softmax or Activation.Sigmoid,
            _ => throw new ArgumentOutOfRangeException(nameof(cost), cost, "Unknown cost function."),
        };
        if (!ok)
        {
            string needs = cost == CostFunction.CrossEntropy ? "sigmoid (each output in (0, 1))" : "softmax or sigmoid";
            throw new ArgumentException($"The {cost} cost needs a {needs} output layer; it is {output}.", nameof(cost));
        }
    }

    /// <summary>True where delta^L has the simplified form a - y: cross-entropy with sigmoid, log-likelihood with softmax.</summary>
    public static bool HasSimplifiedDelta(CostFunction cost, Activation output) =>
        (cost == CostFunction.CrossEntropy && output == Activation.Sigmoid)
        || (cost == CostFunction.LogLikelihood && output == Activation.Softmax)
        || (cost == CostFunction.Quadratic && output == Activation.Identity);

    /// <summary>C_x(a, y) for one sample.</summary>
    public static T Value<T>(CostFunction cost, ReadOnlySpan<T> a, ReadOnlySpan<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.SameLength(a, nameof(a), y, nameof(y));
        T sum = T.Zero;
        switch (cost)
        {
            case CostFunction.Quadratic:
                for (int j = 0; j < a.Length; j++)
                {
                    T d = a[j] - y[j];
                    sum += d * d;
                }

                return sum / (T.One + T.One);
            case CostFunction.CrossEntropy:
                // 0 ln 0 = 0: a target of exactly 0 or 1 contributes only the term it selects.
                for (int j = 0; j < a.Length; j++)
                {
                    if (y[j] != T.Zero) sum += y[j] * T.Log(a[j]);
                    if (y[j] != T.One) sum += (T.One - y[j]) * T.Log(T.One - a[j]);
                }

                return -sum;
            case CostFunction.LogLikelihood:
                for (int j = 0; j < a.Length; j++)
                {
                    if (y[j] != T.Zero) sum += y[j] * T.Log(a[j]);
                }

                return -sum;
            default:
                throw new ArgumentOutOfRangeException(nameof(cost), cost, "Unknown cost function.");
        }
    }

    /// <summary>g = dC_x/da.</summary>
    public static void Gradient<T>(CostFunction cost, ReadOnlySpan<T> a, ReadOnlySpan<T> y, Span<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.SameLength(a, nameof(a), y, nameof(y));
        Require.SameLength(a, nameof(a), g, nameof(g));
        for (int j = 0; j < a.Length; j++)
        {
            g[j] = cost switch
            {
                CostFunction.Quadratic => a[j] - y[j],
                CostFunction.CrossEntropy => (a[j] - y[j]) / (a[j] * (T.One - a[j])),
                CostFunction.LogLikelihood => -y[j] / a[j],
                _ => throw new ArgumentOutOfRangeException(nameof(cost), cost, "Unknown cost function."),
            };
        }
    }

    /// <summary>
    /// delta^L = dC_x/dz^L = dC/da (.) f'(z^L), from the output a = f(z^L). Uses the simplified a - y
    /// where the pairing has one, unless <paramref name="chainRule"/> asks for the general path.
    /// </summary>
    public static void OutputDelta<T>(CostFunction cost, Activation output, ReadOnlySpan<T> a, ReadOnlySpan<T> y, Span<T> delta, bool chainRule = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!chainRule && HasSimplifiedDelta(cost, output))
        {
            Require.SameLength(a, nameof(a), y, nameof(y));
            Require.SameLength(a, nameof(a), delta, nameof(delta));
            for (int j = 0; j < a.Length; j++) delta[j] = a[j] - y[j];
            return;
        }

        Gradient(cost, a, y, delta);
        Activations.Backward<T>(output, a, delta, delta);
    }
}
