using FsCheck;
using FsCheck.Fluent;

namespace Backprop.Simd.Tests.Learning;

/// <summary>FsCheck generators: 1-4 layers of widths 1-40, every activation, every valid output/cost pairing.</summary>
public static class NetworkArbitraries
{
    private static readonly (Activation Output, CostFunction Cost)[] Pairings =
    [
        (Activation.Sigmoid, CostFunction.Quadratic),
        (Activation.Tanh, CostFunction.Quadratic),
        (Activation.Relu, CostFunction.Quadratic),
        (Activation.Identity, CostFunction.Quadratic),
        (Activation.Softmax, CostFunction.Quadratic),
        (Activation.Sigmoid, CostFunction.CrossEntropy),
        (Activation.Softmax, CostFunction.LogLikelihood),
        (Activation.Sigmoid, CostFunction.LogLikelihood),
    ];

    private static readonly Activation[] Hidden = [Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.Identity];

    public static Arbitrary<NetworkCase> NetworkCase()
    {
        Gen<int[]> sizes = Gen.Choose(1, 4).SelectMany(layers => Gen.Choose(1, 40).ArrayOf(layers + 1));
        Gen<NetworkCase> cases =
            from s in sizes
            from hidden in Gen.Elements(Hidden)
            from pairing in Gen.Elements(Pairings)
            from samples in Gen.Choose(1, 3)
            from seed in Gen.Choose(0, 1_000_000)
            select new NetworkCase(s, hidden, pairing.Output, pairing.Cost, samples, seed);
        return Arb.From(cases, Shrink);
    }

    private static IEnumerable<NetworkCase> Shrink(NetworkCase c)
    {
        if (c.Sizes.Length > 2)
        {
            for (int drop = 1; drop < c.Sizes.Length - 1; drop++)
            {
                yield return c with { Sizes = c.Sizes.Where((_, i) => i != drop).ToArray() };
            }
        }

        for (int i = 0; i < c.Sizes.Length; i++)
        {
            if (c.Sizes[i] > 1)
            {
                int[] smaller = (int[])c.Sizes.Clone();
                smaller[i] = c.Sizes[i] / 2;
                yield return c with { Sizes = smaller };
            }
        }

        if (c.Samples > 1) yield return c with { Samples = 1 };
        if (c.Hidden != Activation.Sigmoid) yield return c with { Hidden = Activation.Sigmoid };
    }
}
