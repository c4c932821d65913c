using System.CommandLine;

namespace Backprop.Simd.Cli;

/// <summary>
/// <c>backprop gradcheck</c>: our backpropagation against central differences in double precision,
/// on a new network (--layers ...) or a saved model, for a few samples. Exit code 0 only when it passes.
/// </summary>
internal static class GradcheckCommand
{
    public static Command Create(TextWriter stdout)
    {
        Option<string> layers = new("--layers") { Description = "Layer sizes of a new network", DefaultValueFactory = _ => "784,30,10" };
        Option<string> activation = new("--activation") { Description = "sigmoid | tanh | relu | identity", DefaultValueFactory = _ => "sigmoid" };
        Option<string?> outputActivation = new("--output-activation") { Description = "Activation of the output layer (default: --activation)" };
        Option<string?> cost = new("--cost") { Description = "quadratic | cross-entropy | log-likelihood (default: the model's, else quadratic)" };
        Option<string?> model = new("--model") { Description = "Check at a saved model's parameters instead of a new network" };
        Option<string?> data = CommonOptions.Data();
        Option<int> samples = new("--samples") { Description = "Samples in the checked cost C = sum_x C_x", DefaultValueFactory = _ => 3 };
        Option<int> maxParameters = new("--max-parameters") { Description = "Check a seeded random subset of at most this many parameters", DefaultValueFactory = _ => 30_000 };
        Option<double> epsilon = new("--epsilon") { Description = "Central-difference step e", DefaultValueFactory = _ => new GradientCheckOptions().Epsilon };
        Option<ulong> seed = CommonOptions.Seed();
        Option<bool> json = CommonOptions.Json();
        Option<string?> parameters = new("--params") { Description = "Check a gradient computed elsewhere: folder of the parameters (W1.npy, b1.npy, ... or 0.weight.npy, 0.bias.npy, ...)" };
        Option<string?> gradient = new("--gradient") { Description = "With --params: folder of the gradient to check, named like the parameters (dW1.npy, ... too)" };
        Option<string?> x = new("--x") { Description = "With --params: the inputs, [count, n0] or [n0] (.npy)" };
        Option<string?> y = new("--y") { Description = "With --params: the targets, [count, nL] or [nL] (.npy)" };
        Option<string?> description = new("--description") { Description = "With --params: model.json from 'backprop export' for the activations and the cost" };
        Option<string> reduction = new("--reduction") { Description = "With --params: the gradient is of the sum or the mean of the samples' costs", DefaultValueFactory = _ => "sum" };
        reduction.AcceptOnlyFromAmong("sum", "mean");
        Option<double> tolerance = new("--tolerance") { Description = "Largest relative error a parameter may have", DefaultValueFactory = _ => new GradientCheckOptions().RelativeTolerance };
        Option<double> absoluteTolerance = new("--absolute-tolerance") { Description = "Largest absolute error of a gradient below absolute/relative tolerance", DefaultValueFactory = _ => new GradientCheckOptions().AbsoluteTolerance };
        var command = new Command("gradcheck", "Check backpropagation, ours or a gradient computed elsewhere (--params, --gradient), against finite differences in double precision")
        {
            layers, activation, outputActivation, cost, model, data, samples, maxParameters, epsilon, seed, json,
            parameters, gradient, x, y, description, reduction, tolerance, absoluteTolerance,
        };
        command.SetAction(result =>
        {
            double relative = result.GetValue(tolerance), absolute = result.GetValue(absoluteTolerance);
            if (!(relative > 0) || !double.IsFinite(relative)) throw new UsageException($"--tolerance: {relative} must be positive.");
            if (!(absolute > 0) || !double.IsFinite(absolute)) throw new UsageException($"--absolute-tolerance: {absolute} must be positive.");
            if (!(result.GetValue(epsilon) > 0)) throw new UsageException($"--epsilon: {result.GetValue(epsilon)} must be positive.");
            if (result.GetValue(parameters) is string folder)
            {
                if (result.GetValue(model) is not null) throw new UsageException("--model: give either --model or --params, not both.");
                string Need(Option<string?> option) => result.GetValue(option) ?? throw new UsageException($"{option.Name}: --params needs --gradient, --x and --y as well.");
                var request = new ForeignGradientCheck.Request(
                    folder, Need(gradient), Need(x), Need(y), result.GetValue(description),
                    result.GetValue(activation)!, result.GetValue(outputActivation), result.GetValue(cost), result.GetValue(reduction) == "mean",
                    new GradientCheckOptions { Epsilon = result.GetValue(epsilon), RelativeTolerance = relative, AbsoluteTolerance = absolute },
                    result.GetValue(json));
                return ForeignGradientCheck.Run(request, stdout);
            }

            foreach (Option<string?> foreign in new[] { gradient, x, y, description })
            {
                if (result.GetValue(foreign) is not null) throw new UsageException($"{foreign.Name}: only with --params (a gradient computed elsewhere).");
            }

            ulong seedValue = result.GetValue(seed);
            Network<double> network;
            CostFunction costFunction;
            if (result.GetValue(model) is string path)
            {
                SavedModel saved = CommonOptions.LoadModel(path);
                network = saved.Network.Convert<double>();
                costFunction = result.GetValue(cost) is string c ? CommonOptions.ParseCost(c) : saved.Cost;
            }
            else
            {
                Activation hidden = CommonOptions.ParseActivation(result.GetValue(activation)!, "--activation");
                Activation last = result.GetValue(outputActivation) is string o ? CommonOptions.ParseActivation(o, "--output-activation") : hidden;
                NetworkLayout layout = CommonOptions.Layout(CommonOptions.ParseLayers(result.GetValue(layers)!), hidden, last);
                network = Network<double>.Create(layout, Initialization.Scaled, seedValue);
                costFunction = CommonOptions.ParseCost(result.GetValue(cost) ?? "quadratic");
            }

            try
            {
                Costs.RequireCompatible(costFunction, network.Layout.OutputActivation);
            }
            catch (ArgumentException mismatch)
            {
                throw new UsageException("--cost: " + mismatch.Message.Split(" (Parameter")[0]);
            }

            int count = result.GetValue(samples);
            if (count < 1) throw new UsageException($"--samples: {count} is not a sample count; use 1 or more.");
            int max = result.GetValue(maxParameters);
            if (max < 1) throw new UsageException($"--max-parameters: {max} must be 1 or more.");
            double e = result.GetValue(epsilon);

            (double[] inputs, double[] targets, string source) = Samples(network.Layout, count, seedValue, result.GetValue(data));
            var options = new GradientCheckOptions { Epsilon = e, MaxParameters = max, Seed = seedValue, RelativeTolerance = relative, AbsoluteTolerance = absolute };
            GradientCheckReport report = GradientChecker.Check(network, inputs, targets, count, costFunction, options);
            if (result.GetValue(json))
            {
                JsonLine.Write(stdout, new
                {
                    passed = report.Passed,
                    max_relative_error = report.MaxRelativeError,
                    max_absolute_error = report.MaxAbsoluteError,
                    parameters_checked = report.ParametersChecked,
                    parameters = network.Layout.ParameterCount,
                    samples = count,
                    source,
                    epsilon = options.Epsilon,
                    relative_tolerance = options.RelativeTolerance,
                    absolute_tolerance = options.AbsoluteTolerance,
                    layers = report.Layers.Select(l => new
                    {
                        layer = l.Layer + 1,
                        parameters_checked = l.ParametersChecked,
                        max_relative_error = l.MaxRelativeError,
                        max_absolute_error = l.MaxAbsoluteError,
                        worst_parameter = l.WorstParameter,
                        passed = l.Passed,
                    }),
                    failure = report.Failure,
                });
            }
            else
            {
                stdout.WriteLine($"Gradient check of {network.Layout} ({CommonOptions.Name(costFunction)} cost) on {count} sample(s) from {source}, e = {Scientific.Format(options.Epsilon)}:");
                foreach (LayerGradientCheck l in report.Layers)
                {
                    stdout.WriteLine($"  layer {l.Layer + 1}: {l.ParametersChecked,6} parameters, max relative error {Scientific.Format(l.MaxRelativeError)}, max absolute error {Scientific.Format(l.MaxAbsoluteError)}, worst {l.WorstParameter} {(l.Passed ? "ok" : "FAILED")}");
                }

                stdout.WriteLine(report.Passed
                    ? $"passed: every checked parameter within relative {Scientific.Format(options.RelativeTolerance)} (absolute {Scientific.Format(options.AbsoluteTolerance)} below {Scientific.Format(options.TinyGradient)})"
                    : $"FAILED: {report.Failure}");
            }

            return report.Passed ? BackpropCli.Success : BackpropCli.Failure;
        });
        return command;
    }

    // Real digits when the network takes 784 inputs and 10 outputs, otherwise seeded uniform inputs and one-hot targets.
    private static (double[] Inputs, double[] Targets, string Source) Samples(NetworkLayout layout, int count, ulong seed, string? folder)
    {
        int n0 = layout.InputSize, nL = layout.OutputSize;
        long values = (long)count * Math.Max(n0, nL), available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (values > Array.MaxLength || 2 * sizeof(double) * values > available)
        {
            throw new UsageException($"--samples: {count} samples of {Math.Max(n0, nL)} values are more than memory holds ({Array.MaxLength} values to an array, {available / 1e9:F1} GB available).");
        }

        Dataset? train = null;
        if (folder is not null || (n0 == 784 && nL == 10))
        {
            train = CommonOptions.LoadData(folder).Train;
            CommonOptions.RequireFits(layout, train, folder ?? EmbeddedDigits.Name);
            if (count > train.Count) throw new UsageException($"--samples: {count} samples asked for, but the data has only {train.Count}.");
        }

        var inputs = new double[count * n0];
        var targets = new double[count * nL];
        if (train is not null)
        {
            var row = new float[n0];
            for (int x = 0; x < count; x++)
            {
                train.CopyInput(x, row);
                for (int j = 0; j < n0; j++) inputs[x * n0 + j] = row[j];
                for (int j = 0; j < nL; j++) targets[x * nL + j] = train.Target(x)[j];
            }

            return (inputs, targets, folder ?? EmbeddedDigits.Name);
        }

        var random = new SeededRandom(seed + 1);
        for (int i = 0; i < inputs.Length; i++) inputs[i] = random.NextDouble();
        for (int x = 0; x < count; x++) targets[x * nL + random.NextInt(nL)] = 1;
        return (inputs, targets, "seeded random inputs");
    }
}
