using System.CommandLine;
using Backprop.Simd.Data;
using Backprop.Simd.IO;
using Backprop.Simd.Kernels;
using Backprop.Simd.Learning;

namespace Backprop.Simd.Cli;

/// <summary><c>backprop predict</c>: the output vector and predicted class of one test sample.</summary>
internal static class PredictCommand
{
    public static Command Create(TextWriter stdout)
    {
        Option<string> model = CommonOptions.Model(required: true);
        Option<string?> data = CommonOptions.Data();
        Option<int> index = new("--index") { Description = "Index of the test sample", Required = true };
        Option<bool> json = CommonOptions.Json();
        var command = new Command("predict", "The output vector and the predicted class for one test sample") { model, data, index, json };
        command.SetAction(result =>
        {
            SavedModel saved = CommonOptions.LoadModel(result.GetValue(model)!);
            DataSplit split = CommonOptions.LoadData(result.GetValue(data));
            CommonOptions.RequireFits(saved.Network.Layout, split.Test, split.Source);
            int i = result.GetValue(index);
            if ((uint)i >= (uint)split.Test.Count)
            {
                throw new UsageException($"--index: {i} is outside the test set of {split.Source} (0 to {split.Test.Count - 1}).");
            }

            float[] output = new SampleBackprop<float>(saved.Network.Layout).Forward(saved.Network, split.Test.Input(i)).ToArray();
            int predicted = Activations.Argmax<float>(output);
            int label = split.Test.Label(i);
            if (result.GetValue(json))
            {
                JsonLine.Write(stdout, new { index = i, predicted, label, correct = predicted == label, output });
            }
            else
            {
                stdout.WriteLine($"sample {i}: predicted {predicted}, label {label} ({(predicted == label ? "correct" : "wrong")})");
                for (int c = 0; c < output.Length; c++)
                {
                    stdout.WriteLine($"  {c}: {output[c],10:F6} {new string('#', (int)Math.Round(40 * Math.Clamp(output[c], 0, 1)))}");
                }
            }

            return BackpropCli.Success;
        });
        return command;
    }
}
