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
        var command = new Command("evaluate", "Accuracy, precision, recall and confusion matrix, or MSE, RMSE, MAE and R², of a model on test data") { model, json };
        data.AddTo(command);
        command.SetAction(result =>
        {
            string modelPath = result.GetValue(model)!;
            SavedModel saved = CommonOptions.LoadModel(modelPath);
            (Dataset test, string source) = Load(data.Read(result), saved);
            CommonOptions.RequireSchemaFits(saved, test, source);
            Evaluation evaluation = Evaluator.Evaluate(saved.Network, test, saved.Cost);
            if (result.GetValue(json))
            {
                var fields = new Dictionary<string, object?> { ["task"] = TrainingData.Name(evaluation.Task) };
                Metrics.AddDetailJson(fields, "test_", evaluation, saved.Schema);
                fields["mean_cost"] = evaluation.MeanCost;
                fields["model"] = Path.GetFullPath(modelPath);
                fields["data"] = source;
                JsonLine.Write(stdout, fields);
                return BackpropCli.Success;
            }

            IAnsiConsole console = CliConsole.Create(stdout);
            string counts = evaluation.Regression is null ? $" ({evaluation.Correct:N0} of {evaluation.Count:N0})" : $" on {evaluation.Count:N0} samples";
            // The headline first: the matrix and the per-class table below explain it.
            console.MarkupLineInterpolated($"Test {Metrics.HeadlineName(evaluation)} [bold]{Metrics.Headline(evaluation)}[/]{counts}, mean cost {evaluation.MeanCost:F4} on {source}");
            Metrics.Write(console, evaluation, saved.Schema, "Test");
            return BackpropCli.Success;
        });
        return command;
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
