namespace Backprop.Simd;

/// <summary>Training produced NaN or infinity in the cost or the weights.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for a 1-based epoch and mini-batch.</summary>
    public TrainingDivergedException(int epoch, int batch, string what)
        : base($"Training diverged in epoch {epoch}, mini-batch {batch}: {what}. Try a smaller learning rate (--eta).")
    {
        Epoch = epoch;
        Batch = batch;
    }

    /// <summary>1-based epoch.</summary>
    public int Epoch { get; }

    /// <summary>1-based mini-batch within the epoch.</summary>
    public int Batch { get; }
}
