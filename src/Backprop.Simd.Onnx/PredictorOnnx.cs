namespace Backprop.Simd.Onnx;

/// <summary><c>Predictor.LoadOnnx(path)</c>: a predictor for an ONNX file (with <c>using Backprop.Simd.Onnx;</c>).</summary>
public static class PredictorOnnx
{
    extension(Predictor)
    {
        /// <summary>A predictor for the dense network in an .onnx file (see <see cref="OnnxModel"/> for what is accepted), with the standardisations and names read from it.</summary>
        /// <exception cref="InvalidDataException">The file is not valid protobuf or not a dense network; names the node and why.</exception>
        public static Predictor LoadOnnx(string path) => new(OnnxModel.Load(path));
    }
}
