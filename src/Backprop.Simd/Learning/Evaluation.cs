namespace Backprop.Simd.Learning;

/// <summary>How a network does on a labelled set.</summary>
/// <param name="Count">Samples evaluated.</param>
/// <param name="Correct">Samples whose largest output is their label.</param>
/// <param name="MeanCost">(1/n) sum_x C_x against one-hot targets.</param>
/// <param name="Confusion">Confusion[label][predicted] counts.</param>
public sealed record Evaluation(int Count, int Correct, double MeanCost, int[][] Confusion)
{
    /// <summary>Correct / Count, in [0, 1].</summary>
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;
}
