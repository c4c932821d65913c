namespace Backprop.Simd;

/// <summary>
/// How a network does on a dataset. Always the mean cost (1/n) sum_x C_x against the targets the
/// network learns (standardised ones for a standardised regression); for classification the
/// accuracy, confusion matrix and per-class precision and recall; for regression
/// <see cref="Regression"/>'s errors in the targets' own units.
/// </summary>
/// <param name="Count">Samples evaluated.</param>
/// <param name="Correct">Samples whose largest output is their label (0 for regression).</param>
/// <param name="MeanCost">(1/n) sum_x C_x.</param>
/// <param name="Confusion">Confusion[label][predicted] counts (empty for regression).</param>
public sealed record Evaluation(int Count, int Correct, double MeanCost, int[][] Confusion)
{
    /// <summary>Regression errors, or null for classification.</summary>
    public RegressionMetrics? Regression { get; init; }

    /// <summary>The task evaluated.</summary>
    public LearningTask Task => Regression is null ? LearningTask.Classification : LearningTask.Regression;

    /// <summary>Correct / Count, in [0, 1] (0 for regression).</summary>
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;

    /// <summary>Per class: of the samples predicted as the class, the share that are (NaN where none is predicted).</summary>
    public double[] Precision() =>
        Enumerable.Range(0, Confusion.Length).Select(c => Share(Confusion[c][c], Confusion.Sum(row => row[c]))).ToArray();

    /// <summary>Per class: of the samples of the class, the share predicted as it (NaN where the class has none).</summary>
    public double[] Recall() =>
        Enumerable.Range(0, Confusion.Length).Select(c => Share(Confusion[c][c], Confusion[c].Sum())).ToArray();

    private static double Share(int part, int whole) => whole == 0 ? double.NaN : (double)part / whole;
}
