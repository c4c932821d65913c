using System.Globalization;
using Spectre.Console;

namespace Backprop.Simd.Cli;

/// <summary>How train and evaluate show an <see cref="Evaluation"/>: JSON fields and tables.</summary>
internal static class Metrics
{
    /// <summary>Adds <c>{prefix}accuracy</c> and <c>{prefix}cost</c>, or <c>{prefix}mse</c>, <c>_rmse</c>, <c>_mae</c>, <c>_r2</c>, <c>_cost</c>.</summary>
    public static void AddJson(Dictionary<string, object?> fields, string prefix, Evaluation e)
    {
        if (e.Regression is { } r)
        {
            fields[prefix + "mse"] = r.Mse;
            fields[prefix + "rmse"] = r.Rmse;
            fields[prefix + "mae"] = r.Mae;
            fields[prefix + "r2"] = r.R2;
        }
        else
        {
            fields[prefix + "accuracy"] = e.Accuracy;
        }

        fields[prefix + "cost"] = e.MeanCost;
    }

    /// <summary>Everything evaluate prints in JSON: the headline figures plus per-class or per-column detail.</summary>
    public static void AddDetailJson(Dictionary<string, object?> fields, string prefix, Evaluation e, DataSchema schema)
    {
        AddJson(fields, prefix, e);
        fields["count"] = e.Count;
        if (e.Regression is { } r)
        {
            fields["columns"] = Enumerable.Range(0, r.ColumnMse.Length).Select(j => new Dictionary<string, object?>
            {
                ["name"] = j < schema.OutputNames.Count ? schema.OutputNames[j] : $"output{j}",
                ["mse"] = r.ColumnMse[j],
                ["rmse"] = Math.Sqrt(r.ColumnMse[j]),
                ["mae"] = r.ColumnMae[j],
                ["r2"] = r.ColumnR2[j],
            }).ToArray();
            return;
        }

        double[] precision = e.Precision(), recall = e.Recall();
        fields["correct"] = e.Correct;
        fields["classes"] = Enumerable.Range(0, e.Confusion.Length).Select(c => schema.ClassName(c)).ToArray();
        fields["precision"] = precision.Select(Finite).ToArray();
        fields["recall"] = recall.Select(Finite).ToArray();
        fields["confusion"] = e.Confusion;
    }

    public static string HeadlineName(Evaluation e) => e.Regression is null ? "accuracy" : "R²";

    public static string Headline(Evaluation e) =>
        e.Regression is { } r ? r.R2.ToString("F4", CultureInfo.InvariantCulture) : e.Accuracy.ToString("P2", CultureInfo.InvariantCulture);

    /// <summary>Per-class precision and recall and the confusion matrix, or per-column regression errors.</summary>
    public static void Write(IAnsiConsole console, Evaluation e, DataSchema schema, string title)
    {
        if (e.Regression is { } r)
        {
            var errors = new Table().Title($"{title}: regression errors (in the targets' units)").AddColumns("target", "MSE", "RMSE", "MAE", "R²");
            for (int j = 0; j < r.ColumnMse.Length; j++)
            {
                string name = j < schema.OutputNames.Count ? schema.OutputNames[j] : $"output{j}";
                errors.AddRow(Markup.Escape(name), F(r.ColumnMse[j]), F(Math.Sqrt(r.ColumnMse[j])), F(r.ColumnMae[j]), F(r.ColumnR2[j]));
            }

            if (r.ColumnMse.Length > 1) errors.AddRow("[bold]overall[/]", F(r.Mse), F(r.Rmse), F(r.Mae), F(r.R2));
            console.Write(errors);
            return;
        }

        int classes = e.Confusion.Length;
        double[] precision = e.Precision(), recall = e.Recall();
        var perClass = new Table().Title($"{title}: per class").AddColumns("class", "samples", "precision", "recall");
        for (int c = 0; c < classes; c++)
        {
            perClass.AddRow(Markup.Escape(schema.ClassName(c)), $"{e.Confusion[c].Sum()}", P(precision[c]), P(recall[c]));
        }

        console.Write(perClass);
        if (classes > 20) return; // a matrix wider than a terminal helps nobody; --json has it
        var table = new Table().Title($"{title}: confusion matrix (rows: label, columns: predicted)").AddColumn("label");
        for (int c = 0; c < classes; c++) table.AddColumn(new TableColumn(Markup.Escape(schema.ClassName(c))).RightAligned());
        for (int label = 0; label < classes; label++)
        {
            table.AddRow(e.Confusion[label].Select((n, p) => p == label ? $"[green]{n}[/]" : n == 0 ? "[grey]0[/]" : $"{n}").Prepend(Markup.Escape(schema.ClassName(label))).ToArray());
        }

        console.Write(table);
    }

    private static object? Finite(double value) => double.IsFinite(value) ? value : null;

    private static string F(double value) => value.ToString("G5", CultureInfo.InvariantCulture);

    private static string P(double value) => double.IsFinite(value) ? value.ToString("P1", CultureInfo.InvariantCulture) : "-";
}
