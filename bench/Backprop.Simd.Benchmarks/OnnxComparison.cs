using Backprop.Simd.Kernels;
using Backprop.Simd.Onnx;

namespace Backprop.Simd.Benchmarks;

/// <summary>
/// One ONNX model, two engines: a sigmoid network of the given sizes (seed 1) exported by
/// <see cref="OnnxModel"/>, imported back for our <see cref="Predictor"/> and loaded by ONNX Runtime.
/// </summary>
internal sealed record OnnxComparison(Predictor Ours, OnnxRuntimePredictor Peer) : IDisposable
{
    public static OnnxComparison For(int[] sizes)
    {
        var network = Network<float>.Create(NetworkLayout.Uniform(sizes, Activation.Sigmoid), Initialization.Scaled, 1);
        byte[] onnx = OnnxModel.Serialize(new SavedModel(network, CostFunction.Quadratic));
        return new OnnxComparison(new Predictor(OnnxModel.Deserialize(onnx, "exported").Network), new OnnxRuntimePredictor(onnx, sizes[0], sizes[^1]));
    }

    public void Dispose() => Peer.Dispose();
}
