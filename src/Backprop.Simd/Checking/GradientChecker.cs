namespace Backprop.Simd;

/// <summary>
/// Finite-difference gradient checks in double precision. The cost is C = sum over the given samples
/// of C_x, and the numeric gradient of parameter p is the central difference
/// (C(p + e) - C(p - e)) / 2e, whose error is O(e^2) from truncation plus O(eps C / e) from rounding.
/// </summary>
public static class GradientChecker
{
    /// <summary>Checks this engine's backpropagation (the matrix form) on a network and samples.</summary>
    /// <param name="network">The network; it is not modified.</param>
    /// <param name="inputs">[count, n0], one sample per row.</param>
    /// <param name="targets">[count, nL].</param>
    /// <param name="count">Number of samples.</param>
    /// <param name="cost">The cost function.</param>
    /// <param name="options">Step and tolerances; the defaults when null.</param>
    public static GradientCheckReport Check(Network<double> network, ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, int count, CostFunction cost, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        var gradient = new double[network.Layout.ParameterCount];
        new BatchBackprop<double>(network.Layout, Math.Max(count, 1)).Backpropagate(network, inputs, targets, count, cost, gradient);
        return CheckGradient(network, inputs, targets, count, cost, gradient, options);
    }

    /// <summary>
    /// Checks a gradient computed elsewhere (your own implementation under test) for a network and
    /// samples: <paramref name="gradient"/> must hold dC/dW and dC/db laid out like the network's parameters.
    /// </summary>
    public static GradientCheckReport CheckGradient(Network<double> network, ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, int count, CostFunction cost, ReadOnlySpan<double> gradient, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= new GradientCheckOptions();
        options.Validate();
        NetworkLayout layout = network.Layout;
        layout.RequireParameterLength(gradient, nameof(gradient));
        Costs.RequireCompatible(cost, layout.OutputActivation);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);

        Network<double> probe = network.Clone();
        var workspace = new BatchBackprop<double>(layout, count);
        ReadOnlySpan<double> x = inputs, y = targets;
        int[] indices = ChooseParameters(layout, options);

        int layers = layout.LayerCount;
        var checkedCount = new int[layers];
        var maxAbsolute = new double[layers];
        var maxRelative = new double[layers];
        var worst = new int[layers];
        var worstAnalytic = new double[layers];
        var worstNumeric = new double[layers];
        Array.Fill(worst, -1);
        double largestNumeric = 0, largestAnalytic = 0;
        Span<double> parameters = probe.Parameters;
        foreach (int index in indices)
        {
            double original = parameters[index];
            parameters[index] = original + options.Epsilon;
            double plus = workspace.Cost(probe, x, y, count, cost);
            parameters[index] = original - options.Epsilon;
            double minus = workspace.Cost(probe, x, y, count, cost);
            parameters[index] = original;
            double numeric = (plus - minus) / (2 * options.Epsilon);
            double analytic = gradient[index];

            double absolute = Math.Abs(analytic - numeric);
            double relative = absolute / Math.Max(Math.Max(Math.Abs(analytic), Math.Abs(numeric)), options.TinyGradient);
            if (double.IsNaN(relative)) relative = double.PositiveInfinity;
            int layer = layout.Describe(index).Layer;
            checkedCount[layer]++;
            maxAbsolute[layer] = Math.Max(maxAbsolute[layer], absolute);
            if (relative > maxRelative[layer] || worst[layer] < 0)
            {
                maxRelative[layer] = relative;
                worst[layer] = index;
                worstAnalytic[layer] = analytic;
                worstNumeric[layer] = numeric;
            }

            largestNumeric = Math.Max(largestNumeric, Math.Abs(numeric));
            largestAnalytic = Math.Max(largestAnalytic, Math.Abs(analytic));
        }

        var results = new LayerGradientCheck[layers];
        for (int l = 0; l < layers; l++)
        {
            results[l] = new LayerGradientCheck(
                l, checkedCount[l], maxAbsolute[l], maxRelative[l], worst[l],
                worst[l] < 0 ? "-" : layout.Describe(worst[l]).Name,
                worstAnalytic[l], worstNumeric[l],
                maxRelative[l] <= options.RelativeTolerance);
        }

        // A gradient of zeros passes every tolerance where the cost is flat; it must not pass where it is not.
        string? failure = largestAnalytic == 0 && largestNumeric > options.AbsoluteTolerance
            ? $"the analytic gradient is zero at every checked parameter, but finite differences reach {largestNumeric:G6}"
            : null;
        return new GradientCheckReport(results, options, failure);
    }

    private static int[] ChooseParameters(NetworkLayout layout, GradientCheckOptions options)
    {
        int total = layout.ParameterCount;
        if (options.MaxParameters is not int max || max >= total)
        {
            return Enumerable.Range(0, total).ToArray();
        }

        // A seeded partial Fisher-Yates: the first max entries are a uniform random subset, checked in index order.
        int[] all = Enumerable.Range(0, total).ToArray();
        var random = new SeededRandom(options.Seed);
        for (int i = 0; i < max; i++)
        {
            int j = i + random.NextInt(total - i);
            (all[i], all[j]) = (all[j], all[i]);
        }

        int[] subset = all[..max];
        Array.Sort(subset);
        return subset;
    }
}
