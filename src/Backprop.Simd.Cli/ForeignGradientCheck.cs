namespace Backprop.Simd.Cli;

/// <summary>
/// <c>backprop gradcheck --params DIR --gradient DIR --x x.npy --y y.npy</c>: a gradient computed
/// elsewhere (NumPy, PyTorch, C, ...) for the given parameters and samples, checked against central
/// differences in double precision (<see cref="GradientChecker.CheckGradient"/>) and against our
/// backpropagation at the same point. Parameters and gradients may use either naming of
/// <c>backprop export</c> (<c>W1.npy</c> or <c>0.weight.npy</c>; gradients also <c>dW1.npy</c>).
/// </summary>
internal static class ForeignGradientCheck
{
    /// <summary>What the command line gave.</summary>
    public sealed record Request(
        string Params, string Gradient, string X, string Y, string? Description,
        string Activation, string? OutputActivation, string? Cost, bool Mean, GradientCheckOptions Options, bool Json);

    public static int Run(Request request, TextWriter stdout)
    {
        ParameterNames paramNames = ParameterNames.Detect(request.Params)
            ?? throw new UsageException($"--params: '{request.Params}' holds neither 0.weight.npy (torch names) nor W1.npy (npy names).");
        (ParameterNames gradientNames, string prefix) = ParameterNames.Detect(request.Gradient) is { } g ? (g, "")
            : ParameterNames.Detect(request.Gradient, "d") is { } d ? (d, "d")
            : throw new UsageException($"--gradient: '{request.Gradient}' holds none of 0.weight.npy, W1.npy or dW1.npy.");
        int[] sizes = paramNames.Sizes(request.Params, "--params");
        (NetworkLayout layout, CostFunction cost) = Describe(request, sizes);

        var network = new Network<double>(layout);
        paramNames.Read(layout, request.Params, network.Parameters, "--params");
        var theirs = new double[layout.ParameterCount];
        gradientNames.Read(layout, request.Gradient, theirs, "--gradient", prefix);
        (double[] x, int count) = Samples(request.X, "--x", layout.InputSize);
        (double[] y, int targetCount) = Samples(request.Y, "--y", layout.OutputSize);
        if (targetCount != count) throw new UsageException($"--y: '{request.Y}' has {targetCount} target rows, but '{request.X}' has {count} samples.");
        try
        {
            Costs.RequireCompatible(cost, layout.OutputActivation);
        }
        catch (ArgumentException mismatch)
        {
            throw new UsageException("--cost: " + mismatch.Message.Split(" (Parameter")[0]);
        }

        // Our checker's cost is the sum over the samples; the gradient of the mean is 1/count of it.
        if (request.Mean)
        {
            for (int i = 0; i < theirs.Length; i++) theirs[i] *= count;
        }

        GradientCheckReport numeric = GradientChecker.CheckGradient(network, x, y, count, cost, theirs, request.Options);
        var ours = new double[layout.ParameterCount];
        new BatchBackprop<double>(layout, count).Backpropagate(network, x, y, count, cost, ours);
        LayerComparison[] againstOurs = Compare(layout, theirs, ours, request.Options);
        bool passed = numeric.Passed && againstOurs.All(c => c.Passed);

        if (request.Json)
        {
            JsonLine.Write(stdout, new
            {
                passed,
                layers = sizes,
                activations = layout.ActivationFunctions.ToArray().Select(ModelDescription.Name),
                cost = CommonOptions.Name(cost),
                samples = count,
                reduction = request.Mean ? "mean" : "sum",
                epsilon = request.Options.Epsilon,
                relative_tolerance = request.Options.RelativeTolerance,
                absolute_tolerance = request.Options.AbsoluteTolerance,
                layer_results = numeric.Layers.Select((l, i) => new
                {
                    layer = i + 1,
                    parameters = Names(gradientNames, i),
                    parameters_checked = l.ParametersChecked,
                    max_absolute_error = l.MaxAbsoluteError,
                    max_relative_error = l.MaxRelativeError,
                    worst_parameter = l.WorstParameterIndex < 0 ? "-" : gradientNames.Describe(layout, l.WorstParameterIndex),
                    ours_max_absolute_error = againstOurs[i].MaxAbsoluteError,
                    ours_max_relative_error = againstOurs[i].MaxRelativeError,
                    ours_worst_parameter = gradientNames.Describe(layout, againstOurs[i].Worst),
                    passed = l.Passed && againstOurs[i].Passed,
                }),
                failure = Failure(numeric, againstOurs, layout, gradientNames, theirs, ours),
            });
            return passed ? BackpropCli.Success : BackpropCli.Failure;
        }

        GradientCheckOptions o = request.Options;
        stdout.WriteLine($"Gradient check of {request.Gradient} for {layout} ({CommonOptions.Name(cost)} cost, the {(request.Mean ? "mean" : "sum")} over {count} sample(s)):");
        stdout.WriteLine($"  tolerance: relative {Scientific.Format(o.RelativeTolerance)} (absolute {Scientific.Format(o.AbsoluteTolerance)} for gradients below {Scientific.Format(o.TinyGradient)}); central differences with e = {Scientific.Format(o.Epsilon)}");
        for (int i = 0; i < layout.LayerCount; i++)
        {
            LayerGradientCheck l = numeric.Layers[i];
            LayerComparison c = againstOurs[i];
            string worst = l.WorstParameterIndex < 0 ? "-" : gradientNames.Describe(layout, l.WorstParameterIndex);
            stdout.WriteLine($"  layer {i + 1} ({Names(gradientNames, i)}): {(l.Passed && c.Passed ? "ok" : "FAILED")}, {l.ParametersChecked} parameters");
            stdout.WriteLine($"    vs central differences: max absolute error {Scientific.Format(l.MaxAbsoluteError)}, max relative error {Scientific.Format(l.MaxRelativeError)}, worst {worst}");
            stdout.WriteLine($"    vs our backprop:        max absolute error {Scientific.Format(c.MaxAbsoluteError)}, max relative error {Scientific.Format(c.MaxRelativeError)}, worst {gradientNames.Describe(layout, c.Worst)}");
        }

        stdout.WriteLine(passed ? "passed" : "FAILED: " + Failure(numeric, againstOurs, layout, gradientNames, theirs, ours));
        return passed ? BackpropCli.Success : BackpropCli.Failure;
    }

    /// <summary>The largest difference between two gradients in one layer, judged as the checker judges.</summary>
    private sealed record LayerComparison(double MaxAbsoluteError, double MaxRelativeError, int Worst, bool Passed);

    private static LayerComparison[] Compare(NetworkLayout layout, double[] theirs, double[] ours, GradientCheckOptions options)
    {
        var result = new LayerComparison[layout.LayerCount];
        for (int layer = 0; layer < layout.LayerCount; layer++)
        {
            int start = layout.WeightOffset(layer), end = layout.BiasOffset(layer) + layout.OutputsOf(layer);
            double maxAbsolute = 0, maxRelative = -1;
            int worst = start;
            for (int i = start; i < end; i++)
            {
                double absolute = Math.Abs(theirs[i] - ours[i]);
                double relative = absolute / Math.Max(Math.Max(Math.Abs(theirs[i]), Math.Abs(ours[i])), options.TinyGradient);
                if (double.IsNaN(relative)) relative = double.PositiveInfinity;
                maxAbsolute = Math.Max(maxAbsolute, absolute);
                if (relative > maxRelative) (maxRelative, worst) = (relative, i);
            }

            result[layer] = new LayerComparison(maxAbsolute, maxRelative, worst, maxRelative <= options.RelativeTolerance);
        }

        return result;
    }

    private static string? Failure(GradientCheckReport numeric, LayerComparison[] againstOurs, NetworkLayout layout, ParameterNames names, double[] theirs, double[] ours)
    {
        if (numeric.Layers.FirstOrDefault(l => !l.Passed) is { } l)
        {
            return $"layer {l.Layer + 1} ({Names(names, l.Layer)}): {names.Describe(layout, l.WorstParameterIndex)} is {l.WorstAnalytic:G9} in your gradient, but {l.WorstNumeric:G9} by central differences (relative error {Scientific.Format(l.MaxRelativeError)})";
        }

        if (numeric.Failure is { } zero) return zero;
        int layer = Array.FindIndex(againstOurs, c => !c.Passed);
        if (layer < 0) return null;
        int worst = againstOurs[layer].Worst;
        return $"layer {layer + 1} ({Names(names, layer)}): {names.Describe(layout, worst)} is {theirs[worst]:G9} in your gradient, but {ours[worst]:G9} by our backprop (relative error {Scientific.Format(againstOurs[layer].MaxRelativeError)})";
    }

    private static string Names(ParameterNames names, int layer) => $"{names.Of(layer).Weights}, {names.Of(layer).Biases}";

    private static (NetworkLayout Layout, CostFunction Cost) Describe(Request request, int[] sizes)
    {
        if (request.Description is string path)
        {
            ModelDescription description = ModelDescription.Read(path);
            if (!description.Layout.Sizes.SequenceEqual(sizes))
            {
                throw new UsageException($"--description: '{path}' describes layers [{string.Join(", ", description.Layout.Sizes.ToArray())}], but the files in --params have [{string.Join(", ", sizes)}].");
            }

            return (description.Layout, request.Cost is string c ? CommonOptions.ParseCost(c) : description.Cost);
        }

        Activation hidden = CommonOptions.ParseActivation(request.Activation, "--activation");
        Activation last = request.OutputActivation is string o ? CommonOptions.ParseActivation(o, "--output-activation") : hidden;
        return (CommonOptions.Layout(sizes, hidden, last), CommonOptions.ParseCost(request.Cost ?? "quadratic"));
    }

    // [count, width] or, for one sample, [width].
    private static (double[] Data, int Count) Samples(string path, string option, int width)
    {
        if (!File.Exists(path)) throw new UsageException($"{option}: '{path}' does not exist.");
        (double[] data, int[] shape) = NpyFile.Read<double>(path);
        if (shape.Length == 1 && shape[0] == width) return (data, 1);
        if (shape.Length == 2 && shape[1] == width && shape[0] > 0) return (data, shape[0]);
        throw new UsageException($"{option}: '{path}' has shape ({string.Join(", ", shape)}); the network needs ({width}) or (count, {width}).");
    }
}
