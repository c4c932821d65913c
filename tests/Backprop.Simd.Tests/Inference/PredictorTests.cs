using Backprop.Simd.Kernels;

namespace Backprop.Simd.Tests.Inference;

public class PredictorTests
{
    private static Network<float> Network(int[] sizes, Activation hidden, Activation output, ulong seed = 3) =>
        Network<float>.Create(new NetworkLayout(sizes, Enumerable.Repeat(hidden, sizes.Length - 2).Append(output).ToArray()), Initialization.Scaled, seed);

    [Theory]
    [InlineData(new[] { 784, 30, 10 }, Activation.Sigmoid, Activation.Sigmoid)]
    [InlineData(new[] { 784, 100, 10 }, Activation.Relu, Activation.Softmax)]
    [InlineData(new[] { 20, 7, 9, 3 }, Activation.Tanh, Activation.Identity)]
    [InlineData(new[] { 10, 5000, 3 }, Activation.Sigmoid, Activation.Sigmoid)] // wider than the stack scratch
    public void Outputs_are_the_bits_of_the_trainers_forward_pass(int[] sizes, Activation hidden, Activation output)
    {
        Network<float> network = Network(sizes, hidden, output);
        var predictor = new Predictor(network);
        var reference = new SampleBackprop<float>(network.Layout);
        float[] inputs = Kernels.TestData.ToFloat(Kernels.TestData.Uniform(20 * sizes[0], 4, 0, 1));
        var actual = new float[sizes[^1]];
        var batch = new float[20 * sizes[^1]];
        predictor.PredictBatch(inputs, 20, batch);
        for (int x = 0; x < 20; x++)
        {
            ReadOnlySpan<float> input = inputs.AsSpan(x * sizes[0], sizes[0]);
            predictor.Predict(input, actual);
            float[] expected = reference.Forward(network, input).ToArray();
            Assert.Equal(expected, actual);
            Assert.Equal(expected, batch.AsSpan(x * sizes[^1], sizes[^1]).ToArray());
            Assert.Equal(Activations.Argmax<float>(expected), predictor.Classify(input));
        }
    }

    [Theory]
    [InlineData(WeightPrecision.Float32)]
    [InlineData(WeightPrecision.BFloat16)]
    public void Eight_threads_of_100000_predictions_match_the_single_threaded_results(WeightPrecision precision)
    {
        var predictor = new Predictor(Network([784, 30, 10], Activation.Sigmoid, Activation.Sigmoid), DataSchema.None, precision);
        const int distinct = 64, perThread = 100_000;
        float[] inputs = Kernels.TestData.ToFloat(Kernels.TestData.Uniform(distinct * 784, 9, 0, 1));
        var expected = new float[distinct * 10];
        predictor.PredictBatch(inputs, distinct, expected);

        int mismatches = 0;
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            var output = new float[10];
            for (int i = 0; i < perThread; i++)
            {
                int x = (i * 7 + t) % distinct;
                predictor.Predict(inputs.AsSpan(x * 784, 784), output);
                if (!output.AsSpan().SequenceEqual(expected.AsSpan(x * 10, 10))) Interlocked.Increment(ref mismatches);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void A_prediction_allocates_nothing()
    {
        var predictor = new Predictor(Network([784, 100, 10], Activation.Sigmoid, Activation.Softmax));
        var wide = new Predictor(Network([10, 5000, 3], Activation.Sigmoid, Activation.Sigmoid));
        float[] input = new float[784], wideInput = new float[10], output = new float[10], wideOutput = new float[3];
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                predictor.Predict(input, output);
                predictor.PredictUnchecked(input, output);
                predictor.Classify(input);
                wide.Predict(wideInput, wideOutput);
            }
        }));
    }

    [Fact]
    public void A_prediction_through_a_schema_allocates_nothing_either()
    {
        var schema = new Backprop.Simd.DataSchema
        {
            Task = Backprop.Simd.LearningTask.Regression,
            Inputs = new Backprop.Simd.Standardization(Enumerable.Repeat(0.5f, 13).ToArray(), Enumerable.Repeat(2f, 13).ToArray()),
            Targets = new Backprop.Simd.Standardization([20f], [9f]),
        };
        var predictor = new Predictor(Network([13, 100, 1], Activation.Relu, Activation.Identity), schema);
        float[] input = Enumerable.Range(0, 13).Select(i => (float)i).ToArray(), output = new float[1];
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            for (int i = 0; i < 100; i++) predictor.Predict(input, output);
        }));
        Assert.Equal(Enumerable.Range(0, 13).Select(i => (float)i), input); // the caller's input is not standardised in place
    }

    [Fact]
    public void Wrong_lengths_are_refused_with_the_sizes()
    {
        var predictor = new Predictor(Network([784, 30, 10], Activation.Sigmoid, Activation.Sigmoid));
        var ex = Assert.Throws<ArgumentException>(() => predictor.Predict(new float[783], new float[10]));
        Assert.Equal("input", ex.ParamName);
        Assert.Contains("783", ex.Message);
        Assert.Contains("784", ex.Message);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => predictor.Predict(new float[784], new float[9])).ParamName);
        Assert.Equal("outputs", Assert.Throws<ArgumentException>(() => predictor.PredictBatch(new float[784 * 2], 2, new float[10])).ParamName);
    }

    [Fact]
    public void The_predictor_keeps_its_own_copy_and_loads_model_files()
    {
        Network<float> network = Network([5, 4, 3], Activation.Tanh, Activation.Softmax);
        var predictor = new Predictor(network);
        float[] input = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f], before = new float[3], after = new float[3];
        predictor.Predict(input, before);
        network.Parameters.Clear();
        predictor.Predict(input, after);
        Assert.Equal(before, after);

        string path = Path.Combine(Path.GetTempPath(), $"predictor-{Guid.NewGuid():N}.bpsimd");
        try
        {
            ModelFile.Save(path, new SavedModel(Network([5, 4, 3], Activation.Tanh, Activation.Softmax), CostFunction.LogLikelihood));
            var loaded = Predictor.Load(path);
            loaded.Predict(input, after);
            Assert.Equal(before, after);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(0, float.NaN)]
    [InlineData(783, float.PositiveInfinity)]   // the scalar tail after the vectors
    [InlineData(401, float.NegativeInfinity)]   // inside a vector
    public void A_non_finite_input_is_an_error_naming_its_index_and_value(int index, float value)
    {
        var predictor = new Predictor(Network([784, 30, 10], Activation.Sigmoid, Activation.Softmax));
        float[] input = new float[784], output = new float[10];
        input[index] = value;

        ArgumentException error = Assert.Throws<ArgumentException>(() => predictor.Predict(input, output));
        Assert.StartsWith($"Input {index} is {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}; inputs must be finite", error.Message);
        Assert.Throws<ArgumentException>(() => predictor.Classify(input));

        // One +Inf pixel once gave class 7 at 0.99: the unchecked path, named as such, still does what it did.
        predictor.PredictUnchecked(input, output);
        Assert.Contains(output, v => v != 0f); // it ran and wrote the outputs
    }

    [Fact]
    public void A_non_finite_input_in_a_batch_names_its_row_and_index()
    {
        var predictor = new Predictor(Network([20, 7, 3], Activation.Tanh, Activation.Identity));
        float[] inputs = new float[5 * 20], outputs = new float[5 * 3];
        inputs[3 * 20 + 17] = float.NaN;

        ArgumentException error = Assert.Throws<ArgumentException>(() => predictor.PredictBatch(inputs, 5, outputs));
        Assert.StartsWith("Input 17 of row 3 is NaN; inputs must be finite", error.Message);
        Assert.All(outputs, v => Assert.Equal(0f, v)); // refused before any row ran
    }

    [Fact]
    public void The_finite_check_finds_the_first_bad_value_wherever_it_is()
    {
        for (int length = 0; length < 70; length++)
        {
            var values = Enumerable.Range(0, length).Select(i => i * 0.5f - 3f).ToArray();
            Assert.Equal(-1, NonFinite.IndexOf(values));
            for (int bad = 0; bad < length; bad++)
            {
                float[] copy = (float[])values.Clone();
                copy[bad] = bad % 3 == 0 ? float.NaN : bad % 3 == 1 ? float.PositiveInfinity : float.NegativeInfinity;
                if (bad + 1 < length) copy[length - 1] = float.NaN; // a later one does not hide the first
                Assert.Equal(bad, NonFinite.IndexOf(copy));
            }
        }

        Assert.Equal(-1, NonFinite.IndexOf([float.MaxValue, -float.MaxValue, float.Epsilon, -0f]));
    }
}
