namespace Backprop.Simd.Cli;

/// <summary>
/// The three disjoint sets of a run: train (learned from), validation (model selection and early
/// stopping only) and test (evaluated once, at the end), standardised with the training split's
/// statistics where asked.
/// </summary>
internal sealed record TrainingData(Dataset Train, Dataset? Validation, Dataset Test, string Source, string TestSource, string TaskNote)
{
    /// <summary>How a run splits and scales its data; kept in checkpoints.</summary>
    internal sealed record Splitting(double? TestFraction, double? ValidationFraction, bool? Standardize, bool EarlyStopping, ulong Seed);

    /// <param name="data">Where the data is.</param>
    /// <param name="split">How to split it.</param>
    /// <param name="imageInputs">The network's input size when it is known before the data (an MNIST
    /// folder's images are checked against it before they are decompressed), or null.</param>
    public static TrainingData Load(DataOptions.Settings data, Splitting split, int? imageInputs = null)
    {
        if (split.TestFraction is double tf && !(tf > 0 && tf < 1)) throw new UsageException($"--test-fraction: {tf} must be above 0 and below 1.");
        if (split.ValidationFraction is double vf && !(vf >= 0 && vf < 1)) throw new UsageException($"--validation-fraction: {vf} must be at least 0 and below 1.");
        Dataset train, test;
        string source = data.Describe(), testSource, note = "";
        bool tabular = data.IsTabular;
        if (!tabular)
        {
            if (data.Test is not null) throw new UsageException("--test: an MNIST folder has its own test files (t10k-*); --test is for CSV and .npy data.");
            if (split.TestFraction is not null) throw new UsageException("--test-fraction: an MNIST folder has its own test files; --test-fraction is for CSV and .npy data.");
            if (data.Task is not null && data.ParsedTask != LearningTask.Classification) throw new UsageException("--task: MNIST data is classification.");
            DataSplit folder = data.DataKind == DataOptions.Kind.Digits ? EmbeddedDigits.Load() : MnistFolder.Load(data.Data!, inputSize: imageInputs);
            (train, test, testSource) = (folder.Train, folder.Test, folder.Source + " (test files)");
        }
        else
        {
            train = data.ReadTabular(data.Data!, data.Targets, "--data", null);
            note = data.Task is not null ? $"task: {Name(train.Task)} (--task)" : $"task: {Name(train.Task)} (inferred: {Why(train)}; say --task to choose)";
            if (data.Test is not null)
            {
                test = data.ReadTabular(data.Test, data.TestTargets, "--test", train.Schema);
                testSource = Path.GetFullPath(data.Test);
            }
            else
            {
                double fraction = split.TestFraction ?? 0.2;
                (train, test) = train.Split(fraction, split.Seed ^ 0x7E57_5EEDUL);
                testSource = $"{fraction:P0} of {source} (seeded{(train.Task == LearningTask.Classification ? ", stratified" : "")})";
            }
        }

        double validationFraction = split.ValidationFraction ?? (tabular || split.EarlyStopping ? 0.1 : 0);
        Dataset? validation = null;
        if (validationFraction > 0)
        {
            (train, validation) = train.Split(validationFraction, split.Seed ^ 0x5e1ec7UL);
            if (validation.Count == 0) validation = null;
        }

        if (train.Count == 0) throw new UsageException($"--data: {source} leaves no training samples after the test and validation splits.");
        if (test.Count == 0) throw new UsageException($"--test: {testSource} holds no samples.");
        if (split.Standardize ?? tabular)
        {
            DataSchema schema = train.FitStandardization();
            train = train.Standardize(schema);
            validation = validation?.Standardize(schema);
            test = test.Standardize(schema);
        }

        return new TrainingData(train, validation, test, source, testSource, note);
    }

    public static string Name(LearningTask task) => task == LearningTask.Classification ? "classification" : "regression";

    private static string Why(Dataset data) => data.Task == LearningTask.Classification
        ? $"{data.ClassCount} classes: {string.Join(", ", data.Schema.OutputNames.Take(8))}{(data.ClassCount > 8 ? ", ..." : "")}"
        : $"numeric targets that are not integers with at most {TabularData.MaxInferredClasses} distinct values";
}
