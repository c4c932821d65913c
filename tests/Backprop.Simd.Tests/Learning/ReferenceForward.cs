using Backprop.Simd.Kernels;

namespace Backprop.Simd.Tests.Learning;

/// <summary>The plainest possible forward pass in double, used to see where ReLU kinks lie.</summary>
internal static class ReferenceForward
{
    /// <summary>min |z| over the neurons of ReLU layers, over all samples (infinity if there are none).</summary>
    public static double SmallestReluPreActivation(Network<double> network, double[] inputs, int samples)
    {
        NetworkLayout layout = network.Layout;
        double smallest = double.PositiveInfinity;
        for (int x = 0; x < samples; x++)
        {
            double[] a = inputs.AsSpan(x * layout.InputSize, layout.InputSize).ToArray();
            for (int l = 0; l < layout.LayerCount; l++)
            {
                int fanIn = layout.InputsOf(l), fanOut = layout.OutputsOf(l);
                var z = new double[fanOut];
                Span<double> w = network.Weights(l), b = network.Biases(l);
                for (int j = 0; j < fanOut; j++)
                {
                    double s = b[j];
                    for (int k = 0; k < fanIn; k++) s += w[j * fanIn + k] * a[k];
                    z[j] = s;
                }

                if (layout.ActivationFunctions[l] == Activation.Relu)
                {
                    smallest = Math.Min(smallest, z.Min(Math.Abs));
                }

                a = new double[fanOut];
                Activations.Forward<double>(layout.ActivationFunctions[l], z, a);
            }
        }

        return smallest;
    }
}
