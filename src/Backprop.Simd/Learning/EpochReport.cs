namespace Backprop.Simd;

/// <summary>One epoch of training and the validation after it.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainCost">Mean C_x over the epoch's mini-batches (measured before each step).</param>
/// <param name="Validation">The validation-set evaluation after the epoch, or null without a validation set.</param>
/// <param name="Seconds">Wall time of the training pass (evaluation excluded).</param>
public sealed record EpochReport(int Epoch, double TrainCost, Evaluation? Validation, double Seconds)
{
    /// <summary>Training samples per second.</summary>
    public double SamplesPerSecond { get; init; }

    /// <summary>True when this epoch is the best so far on the validation set (always, without one): the network now holds the parameters a fit keeps.</summary>
    public bool IsBest { get; init; }
}
