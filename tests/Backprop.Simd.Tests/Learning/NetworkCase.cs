using Backprop.Simd.Tests.Kernels;

namespace Backprop.Simd.Tests.Learning;

/// <summary>
/// A random network, cost and handful of samples for the gradient properties. Shrinks toward fewer
/// layers, narrower layers and one sample, so a failure reads like "[2, 1] relu-&gt;sigmoid CrossEntropy".
/// </summary>
public sealed record NetworkCase(int[] Sizes, Activation Hidden, Activation Output, CostFunction Cost, int Samples, int Seed)
{
    public NetworkLayout Layout
    {
        get
        {
            var activations = Enumerable.Repeat(Hidden, Sizes.Length - 2).Append(Output).ToArray();
            return new NetworkLayout(Sizes, activations);
        }
    }

    public Network<double> Network() => Network<double>.Create(Layout, Initialization.Scaled, (ulong)Seed);

    public double[] Inputs() => TestData.Uniform(Samples * Sizes[0], Seed + 1);

    /// <summary>Targets the cost makes sense for: one-hot for softmax log-likelihood, (0, 1) for cross-entropy.</summary>
    public double[] Targets()
    {
        int n = Sizes[^1];
        if (Output == Activation.Softmax)
        {
            var y = new double[Samples * n];
            var random = new SeededRandom((ulong)Seed + 2);
            for (int x = 0; x < Samples; x++) y[x * n + random.NextInt(n)] = 1;
            return y;
        }

        return Cost == CostFunction.Quadratic && Output is Activation.Tanh or Activation.Identity
            ? TestData.Uniform(Samples * n, Seed + 2)
            : TestData.Uniform(Samples * n, Seed + 2, 0, 1);
    }

    public override string ToString() =>
        $"[{string.Join(", ", Sizes)}] {Hidden.ToString().ToLowerInvariant()}->{Output.ToString().ToLowerInvariant()} {Cost}, {Samples} sample(s), seed {Seed}";
}
