using Backprop.Simd.Kernels;

namespace Backprop.Simd.Tests.Inference;

/// <summary>
/// The opt-in bf16 weight store keeps the Predictor's contract (checks, schema, batch = single, no
/// allocation, threads) and stays within a derived bound of the float predictor's outputs.
/// </summary>
public class BFloat16PredictorTests
{
    private static Network<float> Network(int[] sizes, Activation hidden, Activation output, ulong seed = 3) =>
        Network<float>.Create(new NetworkLayout(sizes, Enumerable.Repeat(hidden, sizes.Length - 2).Append(output).ToArray()), Initialization.Scaled, seed);

    private static Predictor Half(Network<float> network) => new(network, DataSchema.None, WeightPrecision.BFloat16);

    // Lipschitz constants in the max norm: sigmoid 1/4; tanh, ReLU and identity 1; softmax 1/2 (row sums of |Jacobian| are 2 s_i (1 - s_i)).
    private static double Lipschitz(Activation f) => f switch { Activation.Sigmoid => 0.25, Activation.Softmax => 0.5, _ => 1.0 };

    /// <summary>
    /// A bound on |a_bf16 - a_fp32| per output, propagated in double through the float forward pass:
    /// dz_r &lt;= sum_k |w_rk - bf16(w_rk)| |a_k| + sum_k |bf16(w_rk)| da_k + both sides' float accumulation
    /// errors, 2 (n + 1) 2^-24 sum_k |w_rk| (|a_k| + da_k) + |b_r|, plus 1e-6 for the activations' own float
    /// evaluation; da = L_f dz (the largest dz for softmax).
    /// </summary>
    private static double[] Bound(Network<float> network, ReadOnlySpan<float> input)
    {
        NetworkLayout layout = network.Layout;
        double[] a = Array.ConvertAll(input.ToArray(), v => (double)v), da = new double[a.Length];
        for (int l = 0; l < layout.LayerCount; l++)
        {
            int n = layout.InputsOf(l), m = layout.OutputsOf(l);
            ReadOnlySpan<float> w = network.Weights(l), b = network.Biases(l);
            var z = new double[m];
            var dz = new double[m];
            for (int r = 0; r < m; r++)
            {
                double sum = b[r], magnitude = Math.Abs(b[r]), error = 0;
                for (int k = 0; k < n; k++)
                {
                    double weight = w[r * n + k], rounded = BFloat16.RoundTrip(w[r * n + k]);
                    sum += weight * a[k];
                    error += Math.Abs(weight - rounded) * Math.Abs(a[k]) + Math.Abs(rounded) * da[k];
                    magnitude += Math.Abs(weight) * (Math.Abs(a[k]) + da[k]);
                }

                z[r] = sum;
                dz[r] = error + 2 * (n + 1) * Math.Pow(2, -24) * magnitude * 1.01;
            }

            Activation f = layout.ActivationFunctions[l];
            double largest = dz.Max();
            a = f switch
            {
                Activation.Sigmoid => z.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(),
                Activation.Tanh => z.Select(Math.Tanh).ToArray(),
                Activation.Relu => z.Select(v => Math.Max(0, v)).ToArray(),
                Activation.Softmax => Softmax(z),
                _ => z,
            };
            da = dz.Select(d => Lipschitz(f) * (f == Activation.Softmax ? largest : d) + 1e-6).ToArray();
        }

        return da;
    }

    private static double[] Softmax(double[] z)
    {
        double max = z.Max();
        double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
        double total = e.Sum();
        return e.Select(v => v / total).ToArray();
    }

    [Theory]
    [InlineData(new[] { 784, 30, 10 }, Activation.Sigmoid, Activation.Sigmoid)]
    [InlineData(new[] { 784, 100, 10 }, Activation.Relu, Activation.Softmax)]
    [InlineData(new[] { 20, 7, 9, 3 }, Activation.Tanh, Activation.Identity)]
    [InlineData(new[] { 3, 5, 2 }, Activation.Sigmoid, Activation.Identity)] // rows shorter than any register
    [InlineData(new[] { 10, 5000, 3 }, Activation.Sigmoid, Activation.Sigmoid)] // wider than the stack scratch
    public void Outputs_stay_within_the_propagated_bound_of_the_float_predictor(int[] sizes, Activation hidden, Activation output)
    {
        Network<float> network = Network(sizes, hidden, output);
        var exact = new Predictor(network);
        Predictor half = Half(network);
        Assert.Equal(WeightPrecision.BFloat16, half.WeightPrecision);
        Assert.Equal(WeightPrecision.Float32, exact.WeightPrecision);
        const int count = 20;
        float[] inputs = Kernels.TestData.ToFloat(Kernels.TestData.Uniform(count * sizes[0], 4, 0, 1));
        var a = new float[sizes[^1]];
        var h = new float[sizes[^1]];
        var batch = new float[count * sizes[^1]];
        half.PredictBatch(inputs, count, batch);
        double largest = 0;
        for (int x = 0; x < count; x++)
        {
            ReadOnlySpan<float> input = inputs.AsSpan(x * sizes[0], sizes[0]);
            exact.Predict(input, a);
            half.Predict(input, h);
            double[] bound = Bound(network, input);
            for (int j = 0; j < a.Length; j++)
            {
                Assert.True(Math.Abs(h[j] - a[j]) <= bound[j], $"sample {x}, output {j}: |{h[j]} - {a[j]}| above the bound {bound[j]:G3}");
                largest = Math.Max(largest, Math.Abs(h[j] - a[j]));
            }

            Assert.Equal(h, batch.AsSpan(x * sizes[^1], sizes[^1]).ToArray()); // a batch row is a single prediction
            Assert.Equal(Activations.Argmax<float>(h), half.Classify(input));
        }

        Assert.True(largest > 0, "the bf16 predictor gave the float predictor's outputs: were the weights rounded?");
    }

    [Fact]
    public void The_schema_is_applied_as_for_float_weights()
    {
        var schema = new DataSchema
        {
            Task = LearningTask.Regression,
            Inputs = new Standardization(Enumerable.Repeat(0.5f, 13).ToArray(), Enumerable.Repeat(2f, 13).ToArray()),
            Targets = new Standardization([20f], [9f]),
        };
        Network<float> network = Network([13, 40, 1], Activation.Tanh, Activation.Identity);
        float[] raw = Enumerable.Range(0, 13).Select(i => (float)i).ToArray();
        float[] standardised = raw.Select(v => (v - 0.5f) / 2f).ToArray();
        var viaSchema = new float[1];
        var byHand = new float[1];
        new Predictor(network, schema, WeightPrecision.BFloat16).Predict(raw, viaSchema);
        Half(network).Predict(standardised, byHand);
        Assert.Equal(byHand[0] * 9f + 20f, viaSchema[0], 4);
        Assert.Equal(Enumerable.Range(0, 13).Select(i => (float)i), raw); // not standardised in place
    }

    [Fact]
    public void Bad_input_is_refused_as_by_the_float_predictor()
    {
        Predictor half = Half(Network([784, 30, 10], Activation.Sigmoid, Activation.Softmax));
        float[] input = new float[784], output = new float[10];
        input[401] = float.NaN;
        Assert.StartsWith("Input 401 is NaN; inputs must be finite", Assert.Throws<ArgumentException>(() => half.Predict(input, output)).Message);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => half.Predict(new float[783], output)).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => half.Predict(new float[784], new float[9])).ParamName);
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => new Predictor(Network([5, 4, 3], Activation.Tanh, Activation.Softmax), DataSchema.None, (WeightPrecision)7));
        Assert.Equal("precision", bad.ParamName);
    }

    [Fact]
    public void A_bf16_prediction_allocates_nothing()
    {
        Predictor half = Half(Network([784, 100, 10], Activation.Sigmoid, Activation.Softmax));
        Predictor wide = Half(Network([10, 5000, 3], Activation.Sigmoid, Activation.Sigmoid));
        float[] input = new float[784], inputs = new float[4 * 784], output = new float[10], outputs = new float[40], wideInput = new float[10], wideOutput = new float[3];
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                half.Predict(input, output);
                half.PredictUnchecked(input, output);
                half.Classify(input);
                half.PredictBatch(inputs, 4, outputs);
                wide.Predict(wideInput, wideOutput);
            }
        }));
    }

    [Fact]
    public void A_model_file_loads_at_either_precision()
    {
        Network<float> network = Network([5, 4, 3], Activation.Tanh, Activation.Softmax);
        string path = Path.Combine(Path.GetTempPath(), $"predictor-bf16-{Guid.NewGuid():N}.bpsimd");
        try
        {
            ModelFile.Save(path, new SavedModel(network, CostFunction.LogLikelihood));
            float[] input = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f], loaded = new float[3], direct = new float[3];
            Predictor.Load(path, WeightPrecision.BFloat16).Predict(input, loaded);
            Half(network).Predict(input, direct);
            Assert.Equal(direct, loaded);
            Assert.Equal(WeightPrecision.Float32, Predictor.Load(path).WeightPrecision);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
