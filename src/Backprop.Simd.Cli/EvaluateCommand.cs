using System.CommandLine;
using Backprop.Simd.Data;
using Backprop.Simd.IO;
using Backprop.Simd.Learning;
using Spectre.Console;

namespace Backprop.Simd.Cli;

/// <summary><c>backprop evaluate</c>: accuracy, mean cost and confusion matrix of a model on a test set.</summary>
internal static class EvaluateCommand
{
    public static Command Create(TextWriter stdout)
    {
        Option<string> model = CommonOptions.Model(required: true);
        Option<string?> data = CommonOptions.Data();
        Option<bool> json = CommonOptions.Json();
        var command = new Command("evaluate", "Accuracy, mean cost and confusion matrix of a model on the test set") { model, data, json };
        command.SetAction(result =>
        {
            SavedModel saved = CommonOptions.LoadModel(result.GetValue(model)!);
            DataSplit split = CommonOptions.LoadData(result.GetValue(data));
            CommonOptions.RequireFits(saved.Network.Layout, split.Test, split.Source);
            Evaluation evaluation = Trainer.Evaluate(saved.Network, split.Test, saved.Cost);
            if (result.GetValue(json))
            {
                JsonLine.Write(stdout, new
                {
                    test_accuracy = evaluation.Accuracy,
                    mean_cost = evaluation.MeanCost,
                    correct = evaluation.Correct,
                    count = evaluation.Count,
                    confusion = evaluation.Confusion,
                    model = Path.GetFullPath(result.GetValue(model)!),
                    data = split.Source,
                });
                return BackpropCli.Success;
            }

            IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
            int classes = evaluation.Confusion.Length;
            var table = new Table().Title("Confusion matrix (rows: label, columns: predicted)").AddColumn("label");
            for (int c = 0; c < classes; c++) table.AddColumn(new TableColumn(c.ToString(System.Globalization.CultureInfo.InvariantCulture)).RightAligned());
            for (int label = 0; label < classes; label++)
            {
                table.AddRow(evaluation.Confusion[label].Select((n, p) => p == label ? $"[green]{n}[/]" : n == 0 ? "[grey]0[/]" : $"{n}").Prepend($"{label}").ToArray());
            }

            console.Write(table);
            console.MarkupLineInterpolated($"Test accuracy [bold]{evaluation.Accuracy:P2}[/] ({evaluation.Correct:N0} of {evaluation.Count:N0}), mean cost {evaluation.MeanCost:F4} on {split.Source}");
            return BackpropCli.Success;
        });
        return command;
    }
}
