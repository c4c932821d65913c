using Microsoft.ML.OnnxRuntime;

namespace Backprop.Simd.Benchmarks;

/// <summary>
/// ONNX Runtime's fastest C# path for one sample at a time: one session (one intra-op thread, all
/// graph optimisations, sequential execution), and input and output OrtValues created once over
/// pinned arrays, so a call copies the sample in and runs; nothing is created per call.
/// <see cref="Run"/> passes the pre-allocated values to <c>InferenceSession.Run</c>;
/// <see cref="RunBound"/> runs an <see cref="OrtIoBinding"/> that holds them.
/// </summary>
internal sealed class OnnxRuntimePredictor : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _input, _output;
    private readonly OrtValue _inputValue, _outputValue;
    private readonly string[] _inputNames, _outputNames;
    private readonly OrtValue[] _inputValues, _outputValues;
    private readonly OrtIoBinding _binding;

    public OnnxRuntimePredictor(byte[] model, int inputSize, int outputSize)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model, options);
        _input = new float[inputSize];
        _output = new float[outputSize];
        _inputValue = OrtValue.CreateTensorValueFromMemory(_input, [1, inputSize]);
        _outputValue = OrtValue.CreateTensorValueFromMemory(_output, [1, outputSize]);
        _inputNames = [_session.InputNames.Single()];
        _outputNames = [_session.OutputNames.Single()];
        _inputValues = [_inputValue];
        _outputValues = [_outputValue];
        _binding = _session.CreateIoBinding();
        _binding.BindInput(_inputNames[0], _inputValue);
        _binding.BindOutput(_outputNames[0], _outputValue);
    }

    /// <summary>The last call's outputs.</summary>
    public ReadOnlySpan<float> Output => _output;

    public void Run(ReadOnlySpan<float> input)
    {
        input.CopyTo(_input);
        _session.Run(_runOptions, _inputNames, _inputValues, _outputNames, _outputValues);
    }

    public void RunBound(ReadOnlySpan<float> input)
    {
        input.CopyTo(_input);
        _session.RunWithBinding(_runOptions, _binding);
    }

    public void Dispose()
    {
        _binding.Dispose();
        _inputValue.Dispose();
        _outputValue.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
