using Backprop.Simd.Onnx;

namespace Backprop.Simd.Benchmarks;

/// <summary>
/// One ONNX model, two engines: a sigmoid network of the given sizes (seed 1) exported by
/// <see cref="OnnxModel"/>, imported back for our <see cref="Predictor"/> (float32 weights, and the
/// opt-in bfloat16 store) and loaded by ONNX Runtime.
/// </summary>
internal sealed record OnnxComparison(Predictor Ours, Predictor OursBFloat16, OnnxRuntimePredictor Peer) : IDisposable
{
    public static OnnxComparison For(int[] sizes)
    {
        var network = Network<float>.Create(NetworkLayout.Uniform(sizes, Activation.Sigmoid), Initialization.Scaled, 1);
        byte[] onnx = OnnxModel.Serialize(new SavedModel(network, CostFunction.Quadratic));
        Network<float> imported = OnnxModel.Deserialize(onnx, "exported").Network;
        return new OnnxComparison(
            new Predictor(imported),
            new Predictor(imported, DataSchema.None, WeightPrecision.BFloat16),
            new OnnxRuntimePredictor(onnx, sizes[0], sizes[^1]));
    }

    public void Dispose() => Peer.Dispose();
}
