namespace Backprop.Simd.Learning;

/// <summary>One epoch of training and the evaluation after it.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainCost">Mean C_x over the epoch's mini-batches (measured before each step).</param>
/// <param name="Test">The test-set evaluation after the epoch.</param>
/// <param name="Seconds">Wall time of the training pass (evaluation excluded).</param>
public sealed record EpochReport(int Epoch, double TrainCost, Evaluation Test, double Seconds)
{
    /// <summary>Training samples per second.</summary>
    public double SamplesPerSecond { get; init; }
}
