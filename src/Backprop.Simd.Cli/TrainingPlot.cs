using Backprop.Simd.IO;
using Backprop.Simd.Learning;
using ScottPlot;

namespace Backprop.Simd.Cli;

/// <summary>Training curves (test accuracy and mean test cost per epoch) drawn with ScottPlot to PNG or SVG.</summary>
internal static class TrainingPlot
{
    public static bool IsSupported(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".png" or ".svg";

    public static void Save(string path, IReadOnlyList<EpochReport> reports, string title)
    {
        var plot = new Plot();
        double[] epochs = reports.Select(r => (double)r.Epoch).ToArray();
        var accuracy = plot.Add.Scatter(epochs, reports.Select(r => 100 * r.Test.Accuracy).ToArray());
        accuracy.LegendText = "test accuracy (%)";
        var cost = plot.Add.Scatter(epochs, reports.Select(r => r.Test.MeanCost).ToArray());
        cost.LegendText = "mean test cost";
        cost.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Left.Label.Text = "test accuracy (%)";
        plot.Axes.Right.Label.Text = "mean test cost";
        plot.Axes.Bottom.Label.Text = "epoch";
        plot.Title(title);
        plot.ShowLegend(Alignment.MiddleRight);

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
