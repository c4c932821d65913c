namespace Backprop.Simd;

/// <summary>A training set and a test set of the same shape.</summary>
/// <param name="Train">Samples the network learns from.</param>
/// <param name="Test">Samples it is evaluated on.</param>
/// <param name="Source">Where they came from, for reports.</param>
public sealed record DataSplit(Dataset Train, Dataset Test, string Source);
