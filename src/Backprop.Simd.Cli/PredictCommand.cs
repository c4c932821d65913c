using System.CommandLine;
using System.Globalization;
using Backprop.Simd.Kernels;

namespace Backprop.Simd.Cli;

/// <summary>
/// <c>backprop predict</c>: a model's outputs for each row of a CSV or .npy file (or CSV on stdin),
/// through the Predictor (which applies the model's standardisation); or, with --index, for one test
/// sample of an MNIST folder.
/// </summary>
internal static class PredictCommand
{
    public static Command Create(TextWriter stdout, TextReader stdin)
    {
        Option<string> model = CommonOptions.Model(required: true);
        Option<string?> data = CommonOptions.Data();
        Option<string?> input = new("--input") { Description = "Inputs to predict: FILE.csv (a header; the model's input columns, by name where it has names), FILE.npy [n, d], or - for CSV on stdin" };
        Option<string?> delimiter = new("--delimiter") { Description = "CSV: ',' ';' or 'tab' (default: detected)" };
        Option<int?> index = new("--index") { Description = "Index of a test sample of --data (MNIST folders and the embedded digits)" };
        Option<bool> json = CommonOptions.Json();
        Option<string> weights = CommonOptions.Weights();
        var command = new Command("predict", "Outputs for each input row (class and probabilities, or regression values), or for one test sample") { model, data, input, delimiter, index, json, weights };
        command.SetAction(result =>
        {
            WeightPrecision precision = CommonOptions.ParseWeights(result.GetValue(weights)!);
            SavedModel saved = CommonOptions.LoadModel(result.GetValue(model)!);
            if (result.GetValue(input) is string inputPath)
            {
                if (result.GetValue(index) is not null) throw new UsageException("--index: give either --input or --index, not both.");
                return PredictRows(saved, precision, inputPath, result.GetValue(delimiter), result.GetValue(json), stdout, stdin);
            }

            if (result.GetValue(index) is not int i) throw new UsageException("--input: give the inputs to predict (--input FILE.csv|FILE.npy|-), or --index N for a test sample.");
            return PredictSample(saved, precision, result.GetValue(data), i, result.GetValue(json), stdout);
        });
        return command;
    }

    private static int PredictRows(SavedModel saved, WeightPrecision precision, string path, string? delimiter, bool json, TextWriter stdout, TextReader stdin)
    {
        var predictor = new Predictor(saved, precision);
        (float[] inputs, int count, _) = ReadInputs(saved, path, delimiter, stdin);
        int nonFinite = NonFinite.IndexOf(inputs);
        if (nonFinite >= 0)
        {
            // The Predictor would refuse it too; here the message can name the file, the row and the column.
            int n0 = predictor.InputSize;
            throw new InvalidDataException($"{(path == "-" ? "stdin" : path)}: row {nonFinite / n0}, input {nonFinite % n0} is {inputs[nonFinite].ToString(System.Globalization.CultureInfo.InvariantCulture)}; inputs must be finite.");
        }

        var outputs = new float[count * predictor.OutputSize];
        predictor.PredictBatch(inputs, count, outputs);
        DataSchema schema = saved.Schema;
        int nL = predictor.OutputSize;
        bool classes = schema.Task == LearningTask.Classification;
        string[] names = Enumerable.Range(0, nL).Select(j => classes ? schema.ClassName(j) : j < schema.OutputNames.Count ? schema.OutputNames[j] : $"output{j}").ToArray();
        if (!json) stdout.WriteLine(string.Join(',', (classes ? names.Select(n => "p_" + n).Prepend("class") : names).Select(Quote)));
        for (int row = 0; row < count; row++)
        {
            float[] a = outputs.AsSpan(row * nL, nL).ToArray();
            int best = Activations.Argmax<float>(a);
            if (json)
            {
                var line = new Dictionary<string, object?> { ["row"] = row };
                if (classes)
                {
                    line["class"] = names[best];
                    line["index"] = best;
                    line["probabilities"] = names.Select((n, j) => (n, j)).ToDictionary(p => p.n, p => (object)a[p.j]);
                }
                else
                {
                    line["outputs"] = names.Select((n, j) => (n, j)).ToDictionary(p => p.n, p => (object)a[p.j]);
                }

                JsonLine.Write(stdout, line);
                continue;
            }

            IEnumerable<string> values = a.Select(v => v.ToString("R", CultureInfo.InvariantCulture));
            stdout.WriteLine(string.Join(',', classes ? values.Prepend(Quote(names[best])) : values));
        }

        return BackpropCli.Success;
    }

    // Rows of raw inputs [count, n0]: an .npy matrix, or CSV columns (by the model's input names where it has them).
    private static (float[] Inputs, int Count, string Source) ReadInputs(SavedModel saved, string path, string? delimiter, TextReader stdin)
    {
        int n0 = saved.Network.Layout.InputSize;
        if (path != "-" && Path.GetExtension(path).Equals(".npy", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(path)) throw new UsageException($"--input: {path}: no such file.");
            (float[] x, int[] shape) = NpyFile.Read<float>(path);
            if (shape.Length != 2 || shape[1] != n0) throw new InvalidDataException($"{path}: inputs of shape ({string.Join(", ", shape)}) do not fit the model, which takes [n, {n0}].");
            return (x, shape[0], path);
        }

        var settings = new DataOptions.Settings(null, null, null, null, null, null, delimiter, 0, false);
        CsvOptions options = settings.Csv() with { HasTarget = false };
        if (path != "-" && !File.Exists(path)) throw new FileNotFoundException($"--input: {path}: no such file.");
        // stdin cannot be read twice: its header line is read here and put back in front of the rest.
        string? stdinHeader = path == "-" ? stdin.ReadLine() ?? "" : null;
        IReadOnlyList<string> wanted = saved.Schema.InputNames;
        if (wanted.Count > 0)
        {
            // A file may still hold the target column (say, the test file): leave out the one column the model does not take.
            string header = stdinHeader ?? File.ReadLines(path).FirstOrDefault() ?? "";
            string[] extra = HeaderNames(header, options.Delimiter).Where(name => !wanted.Contains(name)).ToArray();
            if (extra.Length == 1) options = options with { HasTarget = true, Target = extra[0] };
        }

        CsvTable table = stdinHeader is null ? CsvFile.Read(path, options) : CsvFile.Read(new PrefixedReader(stdinHeader + "\n", stdin), "stdin", options);
        if (wanted.Count == 0)
        {
            if (table.FeatureNames.Length != n0) throw new InvalidDataException($"{table.Source}: {table.FeatureNames.Length} columns, but the model takes {n0} inputs.");
            return (table.Features, table.Count, table.Source);
        }

        // Pick the model's columns by name, so extra columns (a target, an id) may stay in the file.
        int width = table.FeatureNames.Length;
        var columns = new int[n0];
        for (int j = 0; j < n0; j++)
        {
            columns[j] = Array.IndexOf(table.FeatureNames, wanted[j]);
            if (columns[j] < 0) throw new InvalidDataException($"{table.Source}: line 1: the model's input column '{wanted[j]}' is missing; the file has {string.Join(", ", table.FeatureNames.Take(20))}.");
        }

        var inputs = new float[table.Count * n0];
        for (int row = 0; row < table.Count; row++)
        {
            for (int j = 0; j < n0; j++) inputs[row * n0 + j] = table.Features[row * width + columns[j]];
        }

        return (inputs, table.Count, table.Source);
    }

    private static int PredictSample(SavedModel saved, WeightPrecision precision, string? folder, int i, bool json, TextWriter stdout)
    {
        if (DataOptions.KindOf(folder) is not (DataOptions.Kind.Digits or DataOptions.Kind.MnistFolder))
        {
            throw new UsageException("--index: picks a test sample of an MNIST folder; for CSV or .npy files use --input FILE.");
        }

        DataSplit split = CommonOptions.LoadData(folder);
        CommonOptions.RequireFits(saved.Network.Layout, split.Test, split.Source);
        if ((uint)i >= (uint)split.Test.Count)
        {
            throw new UsageException($"--index: {i} is outside the test set of {split.Source} (0 to {split.Test.Count - 1}).");
        }

        var x = new float[split.Test.InputSize];
        split.Test.CopyInput(i, x);
        var output = new float[saved.Network.Layout.OutputSize];
        new Predictor(saved, precision).Predict(x, output);
        int predicted = Activations.Argmax<float>(output);
        int label = split.Test.Label(i);
        if (json)
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
    }

    // The header's names, split on the given delimiter or the most frequent of , ; and tab (quotes and spaces trimmed).
    private static string[] HeaderNames(string header, char? delimiter)
    {
        char d = delimiter ?? new[] { ',', ';', '\t' }.OrderByDescending(c => header.Count(h => h == c)).First();
        return header.TrimStart('\uFEFF').Split(d).Select(name => name.Trim().Trim('"')).ToArray();
    }

    private static string Quote(string text) => text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
