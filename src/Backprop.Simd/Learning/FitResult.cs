namespace Backprop.Simd;

/// <summary>What a <see cref="Trainer"/>'s Fit did.</summary>
/// <param name="Epochs">A report per epoch trained in this call.</param>
/// <param name="BestEpoch">The epoch whose parameters the network holds now: the best validation epoch, or the last one without validation (0 if none finished).</param>
/// <param name="BestValidation">The validation evaluation of that epoch, or null without a validation set.</param>
/// <param name="Stopped">True when the cancellation token stopped training inside an epoch; <see cref="Checkpoint"/> then continues it.</param>
public sealed record FitResult(IReadOnlyList<EpochReport> Epochs, int BestEpoch, Evaluation? BestValidation, bool Stopped)
{
    /// <summary>The state to continue from after a stop (save it with <c>CheckpointFile</c>), else null.</summary>
    public TrainingCheckpoint? Checkpoint { get; init; }

    /// <summary>Wall time of the call: training, validation and model selection, without the time spent in the progress callback.</summary>
    public double Seconds { get; init; }

    /// <summary>Gen-0 garbage collections during the epochs' mini-batch steps (validation and reports excluded): 0 when the steps allocate nothing.</summary>
    public int EpochCollections { get; init; }

    /// <summary>True when early stopping ended training before the last epoch.</summary>
    public bool StoppedEarly { get; init; }
}
