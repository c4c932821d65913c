using ScottPlot;

namespace Backprop.Simd.Cli;

/// <summary>Training curves (mean training cost per epoch, and the validation cost and accuracy or R² when there is a validation set) drawn with ScottPlot to PNG or SVG.</summary>
internal static class TrainingPlot
{
    public static bool IsSupported(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".png" or ".svg";

    public static void Save(string path, IReadOnlyList<EpochReport> reports, string title)
    {
        var plot = new Plot();
        double[] epochs = reports.Select(r => (double)r.Epoch).ToArray();
        var cost = plot.Add.Scatter(epochs, reports.Select(r => r.TrainCost).ToArray());
        cost.LegendText = "mean training cost";
        plot.Axes.Left.Label.Text = "mean cost";
        if (reports.All(r => r.Validation is not null))
        {
            var validationCost = plot.Add.Scatter(epochs, reports.Select(r => r.Validation!.MeanCost).ToArray());
            validationCost.LegendText = "mean validation cost";
            bool regression = reports[0].Validation!.Regression is not null;
            string name = regression ? "validation R²" : "validation accuracy (%)";
            var score = plot.Add.Scatter(epochs, reports.Select(r => regression ? r.Validation!.Regression!.R2 : 100 * r.Validation!.Accuracy).ToArray());
            score.LegendText = name;
            score.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = name;
        }
        plot.Axes.Bottom.Label.Text = "epoch";
        // Epochs are whole numbers: no ticks at 1.5.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Title(title);
        plot.Axes.Title.Label.FontSize = 13; // the default size clips a long title such as the layout and data source
        // Beside the data area, not over it: the curves fill every corner at one time or another.
        plot.ShowLegend(Edge.Right);

        const int width = 900, height = 520;
        if (Path.GetExtension(path).Equals(".svg", StringComparison.OrdinalIgnoreCase))
        {
            string svg = plot.GetSvgXml(width, height);
            AtomicFile.Write(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(svg)));
        }
        else
        {
            byte[] png = plot.GetImageBytes(width, height, ImageFormat.Png);
            AtomicFile.Write(path, stream => stream.Write(png));
        }
    }
}
