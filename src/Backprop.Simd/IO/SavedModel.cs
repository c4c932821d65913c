namespace Backprop.Simd;

/// <summary>What a model file holds: a float network, the cost it was trained with, and what its inputs and outputs mean.</summary>
/// <param name="Network">Layer sizes, activations and parameters.</param>
/// <param name="Cost">The cost function, so evaluation reports the same mean cost as training.</param>
public sealed record SavedModel(Network<float> Network, CostFunction Cost)
{
    /// <summary>The task, names and standardisations (<see cref="DataSchema.None"/> for a model that has none, such as a version-1 file).</summary>
    public DataSchema Schema { get; init; } = DataSchema.None;
}
