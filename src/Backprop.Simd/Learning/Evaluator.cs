using Backprop.Simd.Kernels;

namespace Backprop.Simd;

/// <summary>Evaluates a network on a dataset in chunks through the matrix-form forward pass.</summary>
public static class Evaluator
{
    private const int Chunk = 256;

    /// <summary>
    /// The mean cost and, for classification, accuracy and confusion matrix; for regression, MSE, RMSE,
    /// MAE and R² in the targets' units (undoing the data's target standardisation).
    /// </summary>
    /// <exception cref="ArgumentException">The network does not fit the data.</exception>
    public static Evaluation Evaluate(Network<float> network, Dataset data, CostFunction cost) => Evaluate(network, data, cost, null);

    // With a workspace kept by the caller (Fit evaluates its validation set after every epoch).
    internal static Evaluation Evaluate(Network<float> network, Dataset data, CostFunction cost, Workspace? workspace)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        workspace ??= new Workspace(network.Layout);
        return Evaluate(network.Layout, data, cost, workspace.Inputs, (inputs, count) => workspace.Forward.Forward(network, inputs, count));
    }

    /// <summary>
    /// As <see cref="Evaluate(Network{float}, Dataset, CostFunction)"/> through a predictor (for example one
    /// with bf16 weights), which must take the data's inputs as they are (no schema: the data are
    /// already standardised), one sample at a time.
    /// </summary>
    internal static Evaluation Evaluate(Predictor predictor, Dataset data, CostFunction cost)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(data);
        var inputs = new float[Chunk * predictor.InputSize];
        var outputs = new float[Chunk * predictor.OutputSize];
        return Evaluate(predictor.Layout, data, cost, inputs, (x, count) =>
        {
            predictor.PredictBatch(x, count, outputs.AsSpan(0, count * predictor.OutputSize));
            return outputs.AsSpan(0, count * predictor.OutputSize);
        });
    }

    // The outputs [count, nL] for the inputs [count, n0] of one chunk.
    private delegate ReadOnlySpan<float> ChunkForward(ReadOnlySpan<float> inputs, int count);

    private static Evaluation Evaluate(NetworkLayout layout, Dataset data, CostFunction cost, float[] inputs, ChunkForward forward)
    {
        if (layout.InputSize != data.InputSize || layout.OutputSize != data.TargetSize)
        {
            string targets = data.Task == LearningTask.Classification ? $"{data.ClassCount} classes" : $"{data.TargetSize} targets";
            throw new ArgumentException($"The network {layout} does not fit data of {data.InputSize} inputs and {targets}.", nameof(data));
        }

        int n0 = layout.InputSize, nL = layout.OutputSize;
        bool classes = data.Task == LearningTask.Classification;
        var confusion = new int[classes ? nL : 0][];
        for (int i = 0; i < confusion.Length; i++) confusion[i] = new int[nL];
        int correct = 0;
        double totalCost = 0;
        var regression = classes ? null : new RegressionSums(nL);
        Standardization? scaling = data.Schema.Targets;
        var a = new float[nL];
        var y = new float[nL];
        for (int start = 0; start < data.Count; start += Chunk)
        {
            int count = Math.Min(Chunk, data.Count - start);
            data.CopyInputs(start, count, inputs);
            ReadOnlySpan<float> outputs = forward(inputs.AsSpan(0, count * n0), count);
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<float> output = outputs.Slice(i * nL, nL), target = data.Target(start + i);
                totalCost += Costs.Value<float>(cost, output, target);
                if (classes)
                {
                    int label = data.Label(start + i), predicted = Activations.Argmax(output);
                    confusion[label][predicted]++;
                    if (predicted == label) correct++;
                    continue;
                }

                output.CopyTo(a);
                target.CopyTo(y);
                if (scaling is not null)
                {
                    scaling.InvertUnchecked(a, a);
                    scaling.InvertUnchecked(y, y);
                }

                regression!.Add(a, y);
            }
        }

        double mean = data.Count == 0 ? 0 : totalCost / data.Count;
        return new Evaluation(data.Count, correct, mean, confusion) { Regression = regression?.Metrics() };
    }

    /// <summary>The buffers of one evaluation, reusable for the next one of the same layout.</summary>
    internal sealed class Workspace(NetworkLayout layout)
    {
        public BatchBackprop<float> Forward { get; } = new(layout, Chunk);

        public float[] Inputs { get; } = new float[Chunk * layout.InputSize];
    }

    // Sums for the regression errors; SS_tot from sum y and sum y^2 in double.
    private sealed class RegressionSums(int width)
    {
        private readonly double[] _squared = new double[width], _absolute = new double[width], _sum = new double[width], _sumSquares = new double[width];
        private int _count;

        public void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> y)
        {
            for (int j = 0; j < a.Length; j++)
            {
                double d = (double)y[j] - a[j];
                _squared[j] += d * d;
                _absolute[j] += Math.Abs(d);
                _sum[j] += y[j];
                _sumSquares[j] += (double)y[j] * y[j];
            }

            _count++;
        }

        public RegressionMetrics Metrics()
        {
            int n = Math.Max(_count, 1);
            var mse = new double[width];
            var mae = new double[width];
            var r2 = new double[width];
            for (int j = 0; j < width; j++)
            {
                mse[j] = _squared[j] / n;
                mae[j] = _absolute[j] / n;
                double total = _sumSquares[j] - _sum[j] * _sum[j] / n;
                r2[j] = total > 1e-12 * Math.Max(1, _sumSquares[j]) ? 1 - _squared[j] / total : _squared[j] == 0 ? 1 : 0;
            }

            return new RegressionMetrics(mse, mae, r2);
        }
    }
}
