using System.CommandLine;
using System.Globalization;

namespace Backprop.Simd.Cli;

/// <summary>
/// The options that say where data comes from and how it is read, shared by train, evaluate and
/// predict: an MNIST folder (or the embedded digits), a CSV file, or .npy inputs with .npy targets.
/// </summary>
internal sealed class DataOptions
{
    public readonly Option<string?> Data = new("--data") { Description = "A folder with the four MNIST-named IDX files, a CSV file, or X.npy with --targets Y.npy; default: the embedded digits" };
    public readonly Option<string?> Targets = new("--targets") { Description = "With --data X.npy: the targets Y.npy (float [n] or [n, k], or integer labels [n])" };
    public readonly Option<string?> Test = new("--test") { Description = "Test data in the format of --data (default: --test-fraction of --data)" };
    public readonly Option<string?> TestTargets = new("--test-targets") { Description = "With --test X.npy: its targets Y.npy" };
    public readonly Option<string?> Target = new("--target") { Description = "CSV: the target column, by name or 0-based index (default: the last column)" };
    public readonly Option<string?> Task = new("--task") { Description = "classification | regression (default: inferred from the targets, and said)" };
    public readonly Option<string?> Delimiter = new("--delimiter") { Description = "CSV: ',' ';' or 'tab' (default: detected from the header line)" };
    public readonly Option<int> SkipRows = new("--skip-rows") { Description = "CSV: lines to skip before the header (e.g. 1 for scikit-learn's bundled files)" };
    public readonly Option<bool> NoHeader = new("--no-header") { Description = "CSV: the first line (after --skip-rows) is data; columns are named column1, column2, ..." };

    /// <summary>Adds the options to a command.</summary>
    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Data, Targets, Test, TestTargets, Target, Task, Delimiter, SkipRows, NoHeader }) command.Options.Add(option);
    }

    /// <summary>What kind of source a --data value names.</summary>
    public enum Kind { Digits, MnistFolder, Csv, Npy }

    public static Kind KindOf(string? path)
    {
        if (path is null) return Kind.Digits;
        if (Directory.Exists(path)) return Kind.MnistFolder;
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".npy") return Kind.Npy;
        if (extension is ".csv" or ".tsv" or ".txt" || File.Exists(path)) return Kind.Csv;
        throw new FileNotFoundException($"{path}: no such folder or file (--data takes an MNIST folder, a .csv file or an .npy file).");
    }

    /// <summary>The values given on the command line, as a checkpoint keeps them.</summary>
    public Settings Read(ParseResult result) => new(
        result.GetValue(Data), result.GetValue(Targets), result.GetValue(Test), result.GetValue(TestTargets), result.GetValue(Target),
        result.GetValue(Task), result.GetValue(Delimiter), result.GetValue(SkipRows), result.GetValue(NoHeader));

    /// <summary>The data options of one run (serialised into checkpoints, so that a resumed run reads the same data).</summary>
    internal sealed record Settings(string? Data, string? Targets, string? Test, string? TestTargets, string? Target,
        string? Task, string? Delimiter, int SkipRows, bool NoHeader)
    {
        [System.Text.Json.Serialization.JsonIgnore]
        public Kind DataKind => KindOf(Data);

        [System.Text.Json.Serialization.JsonIgnore]
        public bool IsTabular => DataKind is Kind.Csv or Kind.Npy;

        [System.Text.Json.Serialization.JsonIgnore]
        public LearningTask? ParsedTask => Task?.ToLowerInvariant() switch
        {
            null => null,
            "classification" or "classes" => LearningTask.Classification,
            "regression" => LearningTask.Regression,
            _ => throw new UsageException($"--task: '{Task}' is not a task; use classification or regression."),
        };

        public CsvOptions Csv()
        {
            if (SkipRows < 0) throw new UsageException($"--skip-rows: {SkipRows} is negative.");
            char? delimiter = Delimiter?.ToLowerInvariant() switch
            {
                null => null,
                "tab" or "\\t" or "\t" => '\t',
                "," or "comma" => ',',
                ";" or "semicolon" => ';',
                _ when Delimiter.Length == 1 && Delimiter != "\"" => Delimiter[0],
                _ => throw new UsageException($"--delimiter: '{Delimiter}' is not a delimiter; use ',', ';', 'tab' or another single character."),
            };
            return new CsvOptions { Delimiter = delimiter, SkipRows = SkipRows, HasHeader = !NoHeader, Target = Target };
        }

        /// <summary>One file (or pair of .npy files) as a dataset, read like <paramref name="like"/> when given.</summary>
        public Dataset ReadTabular(string path, string? targetsPath, string option, DataSchema? like)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"{option}: {path}: no such file.");
            switch (KindOf(path))
            {
                case Kind.Csv:
                    return TabularData.FromCsv(path, Csv(), ParsedTask, like);
                case Kind.Npy:
                    string targetsOption = option == "--test" ? "--test-targets" : "--targets";
                    if (targetsPath is null) throw new UsageException($"{option}: {path} holds inputs only; give the targets with {targetsOption} Y.npy.");
                    if (!File.Exists(targetsPath)) throw new FileNotFoundException($"{targetsOption}: {targetsPath}: no such file.");
                    return TabularData.FromNpy(path, targetsPath, ParsedTask, like);
                default:
                    throw new UsageException($"{option}: '{path}' is a folder; {option} takes a .csv or .npy file here.");
            }
        }

        public string Describe() => DataKind switch
        {
            Kind.Digits => EmbeddedDigits.Name,
            Kind.Npy => $"{Path.GetFullPath(Data!)} + {(Targets is null ? "?" : Path.GetFullPath(Targets))}",
            _ => Path.GetFullPath(Data!),
        };
    }

    public static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
