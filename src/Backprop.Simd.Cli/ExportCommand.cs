using System.CommandLine;
using Backprop.Simd.Data;
using Backprop.Simd.IO;
using Backprop.Simd.Learning;
using Backprop.Simd.Model;

namespace Backprop.Simd.Cli;

/// <summary><c>backprop export</c> and <c>backprop gradients</c>: parameters, or one sample's gradient, as NumPy .npy files.</summary>
internal static class ExportCommand
{
    public static Command CreateExport(TextWriter stdout)
    {
        Option<string> model = CommonOptions.Model(required: true);
        Option<string> output = new("--out") { Description = "Folder for W1.npy, b1.npy, ...", Required = true };
        var command = new Command("export", "Write a model's parameters as float32 .npy files, one per layer's W and b") { model, output };
        command.SetAction(result =>
        {
            SavedModel saved = ModelFile.Load(result.GetValue(model)!);
            IReadOnlyList<string> written = NetworkNpy.Write<float>(saved.Network.Layout, saved.Network.Parameters, result.GetValue(output)!);
            foreach (string path in written) stdout.WriteLine(path);
            return BackpropCli.Success;
        });
        return command;
    }

    public static Command CreateGradients(TextWriter stdout)
    {
        Option<string> model = CommonOptions.Model(required: true);
        Option<string?> data = CommonOptions.Data();
        Option<int> index = new("--index") { Description = "Index of the training sample", Required = true };
        Option<string> output = new("--out") { Description = "Folder for dW1.npy, db1.npy, ..., x.npy and y.npy", Required = true };
        var command = new Command("gradients", "Write one sample's gradient dC_x/dW, dC_x/db (float64) and the sample itself as .npy files")
        {
            model, data, index, output,
        };
        command.SetAction(result =>
        {
            SavedModel saved = ModelFile.Load(result.GetValue(model)!);
            DataSplit split = CommonOptions.LoadData(result.GetValue(data));
            CommonOptions.RequireFits(saved.Network.Layout, split.Train, split.Source);
            int i = result.GetValue(index);
            if ((uint)i >= (uint)split.Train.Count)
            {
                throw new UsageException($"--index: {i} is outside the training set of {split.Source} (0 to {split.Train.Count - 1}).");
            }

            Network<double> network = saved.Network.Convert<double>();
            NetworkLayout layout = network.Layout;
            double[] x = split.Train.Input(i).ToArray().Select(v => (double)v).ToArray();
            var y = new double[layout.OutputSize];
            y[split.Train.Label(i)] = 1;
            var gradient = new double[layout.ParameterCount];
            double cost = new SampleBackprop<double>(layout).Backpropagate(network, x, y, saved.Cost, gradient);
            string folder = result.GetValue(output)!;
            var written = new List<string>(NetworkNpy.Write<double>(layout, gradient, folder, prefix: "d"));
            string xPath = Path.Combine(folder, "x.npy"), yPath = Path.Combine(folder, "y.npy");
            NpyFile.Write<double>(xPath, x, x.Length);
            NpyFile.Write<double>(yPath, y, y.Length);
            written.Add(xPath);
            written.Add(yPath);
            foreach (string path in written) stdout.WriteLine(path);
            stdout.WriteLine($"cost C_x = {cost:R} ({CommonOptions.Name(saved.Cost)})");
            return BackpropCli.Success;
        });
        return command;
    }
}
