using Backprop.Simd.Learning;
using Backprop.Simd.Model;

namespace Backprop.Simd.IO;

/// <summary>What a model file holds: a float network and the cost it was trained with.</summary>
/// <param name="Network">Layer sizes, activations and parameters.</param>
/// <param name="Cost">The cost function, so evaluation reports the same mean cost as training.</param>
public sealed record SavedModel(Network<float> Network, CostFunction Cost);
