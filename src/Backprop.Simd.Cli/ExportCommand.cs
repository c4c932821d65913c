using System.CommandLine;
using Backprop.Simd.Onnx;

namespace Backprop.Simd.Cli;

/// <summary><c>backprop export</c> and <c>backprop gradients</c>: parameters as NumPy .npy files or an ONNX model, or one sample's gradient as .npy files.</summary>
internal static class ExportCommand
{
    public static Command CreateExport(TextWriter stdout)
    {
        Option<string> model = CommonOptions.Model(required: true);
        Option<string> format = new("--format")
        {
            Description = "npy: float32 W1.npy, b1.npy, ... and model.json in the folder --out; torch: the same with nn.Sequential state-dict names 0.weight.npy, 0.bias.npy, 2.weight.npy, ...; onnx: one ONNX model (opset 13) in the file --out",
            DefaultValueFactory = _ => "npy",
        };
        format.AcceptOnlyFromAmong("npy", "torch", "onnx");
        Option<string> output = new("--out") { Description = "Folder for the .npy files, or the .onnx file", Required = true };
        var command = new Command("export", "Write a model's parameters as .npy files with a JSON description (for NumPy or PyTorch), or the model as ONNX for ONNX Runtime, PyTorch and others")
        {
            model, format, output,
        };
        command.SetAction(result =>
        {
            string source = result.GetValue(model)!, target = result.GetValue(output)!;
            if (OutputFile.SameFile(source, target))
            {
                throw new UsageException($"--out '{target}' and --model '{source}' are the same file ({OutputFile.Resolve(target)}): the export would destroy the model.");
            }

            SavedModel saved = CommonOptions.LoadModel(source);
            if (result.GetValue(format) == "onnx")
            {
                OnnxModel.Save(target, saved);
                stdout.WriteLine(target);
                return BackpropCli.Success;
            }

            ParameterNames names = ParameterNames.Parse(result.GetValue(format)!);
            var written = new List<string>(names.Write<float>(saved.Network.Layout, saved.Network.Parameters, target))
            {
                ModelDescription.Write(saved, names, target),
            };
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
            SavedModel saved = CommonOptions.LoadModel(result.GetValue(model)!);
            DataSplit split = CommonOptions.LoadData(result.GetValue(data));
            CommonOptions.RequireFits(saved.Network.Layout, split.Train, split.Source);
            int i = result.GetValue(index);
            if ((uint)i >= (uint)split.Train.Count)
            {
                throw new UsageException($"--index: {i} is outside the training set of {split.Source} (0 to {split.Train.Count - 1}).");
            }

            Network<double> network = saved.Network.Convert<double>();
            NetworkLayout layout = network.Layout;
            var row = new float[split.Train.InputSize];
            split.Train.CopyInput(i, row);
            double[] x = row.Select(v => (double)v).ToArray();
            double[] y = split.Train.Target(i).ToArray().Select(v => (double)v).ToArray();
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
