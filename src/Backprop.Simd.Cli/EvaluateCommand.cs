using System.CommandLine;
using Spectre.Console;

namespace Backprop.Simd.Cli;

/// <summary>
/// <c>backprop evaluate</c>: a model's metrics on a test set: an MNIST folder's test files, or a whole
/// CSV or .npy file (read with the model's classes and standardised with its statistics).
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create(TextWriter stdout)
    {
        Option<string> model = CommonOptions.Model(required: true);
        var data = new DataOptions();
        Option<bool> json = CommonOptions.Json();
        Option<string> weights = CommonOptions.Weights();
        var command = new Command("evaluate", "Accuracy, precision, recall and confusion matrix, or MSE, RMSE, MAE and R², of a model on test data") { model, json, weights };
        data.AddTo(command);
        command.SetAction(result =>
        {
            string modelPath = result.GetValue(model)!;
            WeightPrecision precision = CommonOptions.ParseWeights(result.GetValue(weights)!);
            SavedModel saved = CommonOptions.LoadModel(modelPath);
            (Dataset test, string source) = Load(data.Read(result), saved);
            CommonOptions.RequireSchemaFits(saved, test, source);
            Evaluation evaluation = Evaluator.Evaluate(saved.Network, test, saved.Cost);
            Reduced? reduced = precision == WeightPrecision.Float32 ? null : Compare(saved, test, precision, evaluation);
            if (reduced is not null) evaluation = reduced.Evaluation;
            if (result.GetValue(json))
            {
                var fields = new Dictionary<string, object?> { ["task"] = TrainingData.Name(evaluation.Task) };
                Metrics.AddDetailJson(fields, "test_", evaluation, saved.Schema);
                fields["mean_cost"] = evaluation.MeanCost;
                fields["weights"] = precision == WeightPrecision.Float32 ? "float32" : "bf16";
                if (reduced is not null)
                {
                    Metrics.AddJson(fields, "float32_test_", reduced.Float32);
                    fields["largest_output_difference"] = reduced.LargestDifference;
                }

                fields["model"] = Path.GetFullPath(modelPath);
                fields["data"] = source;
                JsonLine.Write(stdout, fields);
                return BackpropCli.Success;
            }

            IAnsiConsole console = CliConsole.Create(stdout);
            string counts = evaluation.Regression is null ? $" ({evaluation.Correct:N0} of {evaluation.Count:N0})" : $" on {evaluation.Count:N0} samples";
            // The headline first: the matrix and the per-class table below explain it.
            console.MarkupLineInterpolated($"Test {Metrics.HeadlineName(evaluation)} [bold]{Metrics.Headline(evaluation)}[/]{counts}, mean cost {evaluation.MeanCost:F4} on {source}");
            if (reduced is not null)
            {
                string change = evaluation.Regression is null
                    ? $"{(evaluation.Accuracy - reduced.Float32.Accuracy) * 100:+0.00;-0.00;0.00} points"
                    : $"R² {evaluation.Regression.R2 - reduced.Float32.Regression!.R2:+0.0000;-0.0000;0.0000}";
                console.MarkupLineInterpolated($"Weights bf16: {Metrics.HeadlineName(evaluation)} {Metrics.Headline(evaluation)} against {Metrics.Headline(reduced.Float32)} with float32 weights ({change}); largest |output difference| against float32 over the {evaluation.Count:N0} samples: [bold]{reduced.LargestDifference.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)}[/]");
            }

            Metrics.Write(console, evaluation, saved.Schema, "Test");
            return BackpropCli.Success;
        });
        return command;
    }

    /// <summary>The reduced-precision evaluation beside the float32 one, and the largest |output difference| between them.</summary>
    private sealed record Reduced(Evaluation Evaluation, Evaluation Float32, double LargestDifference);

    // The test data are standardised already, so both predictors take them without the schema.
    private static Reduced Compare(SavedModel saved, Dataset test, WeightPrecision precision, Evaluation float32)
    {
        var exact = new Predictor(saved.Network);
        var reduced = new Predictor(saved.Network, DataSchema.None, precision);
        Evaluation evaluation = Evaluator.Evaluate(reduced, test, saved.Cost);
        var x = new float[test.InputSize];
        var a = new float[exact.OutputSize];
        var h = new float[exact.OutputSize];
        double largest = 0;
        for (int i = 0; i < test.Count; i++)
        {
            test.CopyInput(i, x);
            exact.Predict(x, a);
            reduced.Predict(x, h);
            for (int j = 0; j < a.Length; j++) largest = Math.Max(largest, Math.Abs((double)h[j] - a[j]));
        }

        return new Reduced(evaluation, float32, largest);
    }

    /// <summary>The evaluation set for a model: the test files of an MNIST folder, or all of a CSV/.npy file, standardised as the model was trained.</summary>
    public static (Dataset Test, string Source) Load(DataOptions.Settings settings, SavedModel model)
    {
        Dataset test;
        if (settings.IsTabular)
        {
            if (settings.Target is null && model.Schema.Task == LearningTask.Regression && model.Schema.OutputNames.Count == 1)
            {
                settings = settings with { Target = model.Schema.OutputNames[0] }; // the column the model learned
            }

            test = settings.ReadTabular(settings.Data!, settings.Targets, "--data", model.Schema);
        }
        else
        {
            test = (settings.DataKind == DataOptions.Kind.Digits ? EmbeddedDigits.Load() : MnistFolder.Load(settings.Data!)).Test;
        }

        string source = settings.IsTabular ? settings.Describe() : settings.Describe() + " (test files)";
        if (model.Schema.Task != test.Task)
        {
            throw new UsageException($"--data: the model is for {TrainingData.Name(model.Schema.Task)}, but {source} was read as {TrainingData.Name(test.Task)} (say --task).");
        }

        CommonOptions.RequireFits(model.Network.Layout, test, source);
        bool scaled = model.Schema.Inputs is not null || model.Schema.Targets is not null;
        return (scaled ? test.Standardize(model.Schema) : test, source);
    }
}
