using Microsoft.ML.OnnxRuntime;

namespace Backprop.Simd.Tests.Onnx;

/// <summary>Runs a model in ONNX Runtime, the reference client: one batch in, the graph's one output back.</summary>
internal static class OnnxRuntimeRunner
{
    /// <summary>outputs of <paramref name="count"/> samples; each sample's values fill the input's non-batch dims.</summary>
    public static float[] Run(byte[] model, float[] inputs, int count)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        string inputName = session.InputNames.Single(), outputName = session.OutputNames.Single();
        long[] shape = session.InputMetadata[inputName].Dimensions.Select(d => (long)d).ToArray();
        shape[0] = count;
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(inputs, shape);
        using var run = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> results = session.Run(run, [inputName], [input], [outputName]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>The input and output dims ONNX Runtime reads from the model (-1 for a symbolic dimension).</summary>
    public static (string Name, int[] Dims) Input(byte[] model) => Describe(model, input: true);

    public static (string Name, int[] Dims) Output(byte[] model) => Describe(model, input: false);

    private static (string, int[]) Describe(byte[] model, bool input)
    {
        using var session = new InferenceSession(model);
        var (name, metadata) = (input ? session.InputMetadata : session.OutputMetadata).Single();
        return (name, metadata.Dimensions);
    }

    public static float MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        float max = 0;
        for (int i = 0; i < a.Length; i++) max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        return max;
    }
}
