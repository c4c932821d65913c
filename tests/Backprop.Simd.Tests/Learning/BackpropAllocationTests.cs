namespace Backprop.Simd.Tests.Learning;

/// <summary>After construction, forward, backward and a whole gradient computation allocate 0 bytes.</summary>
public class BackpropAllocationTests
{
    [Theory]
    [InlineData(CostFunction.Quadratic, Activation.Sigmoid)]
    [InlineData(CostFunction.LogLikelihood, Activation.Softmax)]
    public void Workspaces_allocate_nothing_after_construction(CostFunction cost, Activation output)
    {
        var layout = new NetworkLayout([784, 30, 10], [Activation.Sigmoid, output]);
        var network = Network<float>.Create(layout, Initialization.Scaled, 1);
        float[] x = Kernels.TestData.ToFloat(Kernels.TestData.Uniform(10 * 784, 2, 0, 1));
        var y = new float[10 * 10];
        for (int s = 0; s < 10; s++) y[s * 10 + s] = 1;
        var gradient = new float[layout.ParameterCount];
        var batch = new BatchBackprop<float>(layout, 10);
        var sample = new SampleBackprop<float>(layout);

        void Step()
        {
            batch.Forward(network, x, 10);
            batch.Backpropagate(network, x, y, 10, cost, gradient);
            sample.Forward(network, x.AsSpan(0, 784));
            sample.Backpropagate(network, x.AsSpan(0, 784), y.AsSpan(0, 10), cost, gradient);
        }

        Assert.Equal(0, Allocations.Fewest(Step));
    }

    [Fact]
    public void The_two_forms_give_identical_bits_on_the_lectures_network()
    {
        // Below the packed-GEMM threshold both forms run the same FMA chains per element.
        var layout = NetworkLayout.Uniform([784, 30, 10], Activation.Sigmoid);
        var network = Network<float>.Create(layout, Initialization.Scaled, 3);
        float[] x = Kernels.TestData.ToFloat(Kernels.TestData.Uniform(10 * 784, 4, 0, 1));
        float[] y = Kernels.TestData.ToFloat(Kernels.TestData.Uniform(10 * 10, 5, 0, 1));
        float[] batch = GradientProperties.BatchGradient(network, x, y, 10, CostFunction.Quadratic);
        float[] perSample = GradientProperties.SampleGradient(network, x, y, 10, CostFunction.Quadratic);
        Assert.Equal(perSample, batch);
    }

    [Fact]
    public void Wrong_shapes_are_refused_before_any_work()
    {
        var layout = NetworkLayout.Uniform([4, 3, 2], Activation.Sigmoid);
        var network = new Network<float>(layout);
        var batch = new BatchBackprop<float>(layout, 5);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => batch.Forward(network, new float[24], 6)).ParamName);
        var ex = Assert.Throws<ArgumentException>(() => batch.Forward(network, new float[7], 2));
        Assert.Equal("inputs", ex.ParamName);
        Assert.Contains("[2, 4]", ex.Message);
        var other = new Network<float>(NetworkLayout.Uniform([4, 3, 2], Activation.Tanh));
        Assert.Contains("workspace was made for", Assert.Throws<ArgumentException>(() => batch.Forward(other, new float[8], 2)).Message);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() =>
            new SampleBackprop<float>(layout).Backpropagate(network, new float[4], new float[2], CostFunction.Quadratic, new float[3])).ParamName);
    }

    [Fact]
    public void The_outputs_a_workspace_returned_are_refused_as_its_next_inputs_or_targets()
    {
        // [3, 3]: the one layer writes the buffer it returned, so reading it back as x would read half-overwritten values.
        var layout = NetworkLayout.Uniform([3, 3], Activation.Sigmoid);
        Network<float> network = Network<float>.Create(layout, Initialization.Xavier, seed: 1);
        var sample = new SampleBackprop<float>(layout);
        float[] output = sample.Forward(network, [0.1f, 0.2f, 0.3f]).ToArray();
        var gradient = new float[layout.ParameterCount];
        var ex = Assert.Throws<ArgumentException>(() => sample.Forward(network, sample.Forward(network, output)));
        Assert.Equal("input", ex.ParamName);
        Assert.Contains("Copy them first", ex.Message);
        Assert.Equal("target", Assert.Throws<ArgumentException>(() =>
            sample.Backpropagate(network, output, sample.Forward(network, output), CostFunction.Quadratic, gradient)).ParamName);

        var batch = new BatchBackprop<float>(layout, 2);
        float[] inputs = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f];
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => batch.Forward(network, batch.Forward(network, inputs, 2), 2)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() =>
            batch.Backpropagate(network, inputs, batch.Forward(network, inputs, 2), 2, CostFunction.Quadratic, gradient)).ParamName);

        // A copy is fine, and gives the same bits as the pass it copies.
        float[] copy = batch.Forward(network, inputs, 2).ToArray();
        Assert.Equal(copy, batch.Forward(network, inputs, 2).ToArray());
    }
}
