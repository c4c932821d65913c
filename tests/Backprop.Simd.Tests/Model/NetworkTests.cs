namespace Backprop.Simd.Tests.Model;

public class NetworkTests
{
    [Fact]
    public void Layers_are_views_into_one_contiguous_buffer()
    {
        var layout = NetworkLayout.Uniform([4, 3, 2], Activation.Sigmoid);
        Assert.Equal(4 * 3 + 3 + 3 * 2 + 2, layout.ParameterCount);
        var network = new Network<float>(layout);
        network.Weights(0)[0] = 1;
        network.Biases(0)[2] = 2;
        network.Weights(1)[5] = 3;
        network.Biases(1)[1] = 4;
        Assert.Equal(1, network.Parameters[0]);
        Assert.Equal(2, network.Parameters[14]);
        Assert.Equal(3, network.Parameters[20]);
        Assert.Equal(4, network.Parameters[22]);
        Assert.Equal((1, "W[1, 2]"), layout.Describe(15 + 5)); // W1 is [2, 3]: element 5 is row 1, column 2
        Assert.Equal((0, "b[2]"), layout.Describe(14));
    }

    [Fact]
    public void Bad_layouts_are_refused_with_the_reason()
    {
        Assert.Contains("at least an input and an output", Assert.Throws<ArgumentException>(() => NetworkLayout.Uniform([5], Activation.Sigmoid)).Message);
        Assert.Contains("Layer size 1 is 0", Assert.Throws<ArgumentException>(() => NetworkLayout.Uniform([5, 0, 2], Activation.Sigmoid)).Message);
        Assert.Contains("output layer only", Assert.Throws<ArgumentException>(() => new NetworkLayout([5, 4, 2], [Activation.Softmax, Activation.Softmax])).Message);
        Assert.Contains("need 2 activation", Assert.Throws<ArgumentException>(() => new NetworkLayout([5, 4, 2], [Activation.Sigmoid])).Message);
        Assert.Throws<ArgumentException>(() => new Network<float>(NetworkLayout.Uniform([2, 2], Activation.Relu), new float[5]));
    }

    [Theory]
    [InlineData(Initialization.Nielsen, 1.0, 1.0)]
    [InlineData(Initialization.Scaled, 0.1, 1.0)]   // 1/sqrt(100)
    [InlineData(Initialization.Xavier, 0.1, 0.0)]   // sqrt(2/(100+100))
    [InlineData(Initialization.He, 0.1414, 0.0)]    // sqrt(2/100)
    public void Initializers_draw_the_stated_spread(Initialization initialization, double weightStd, double biasStd)
    {
        var layout = NetworkLayout.Uniform([100, 100, 100], Activation.Sigmoid);
        var network = Network<double>.Create(layout, initialization, seed: 17);
        double[] w = network.Weights(1).ToArray();
        double std = Math.Sqrt(w.Select(v => v * v).Average());
        Assert.InRange(std, weightStd * 0.97, weightStd * 1.03);
        Assert.InRange(w.Average(), -0.05 * weightStd, 0.05 * weightStd);
        double[] b = network.Biases(0).ToArray().Concat(network.Biases(1).ToArray()).ToArray();
        double biasSpread = Math.Sqrt(b.Select(v => v * v).Average());
        if (biasStd == 0) Assert.Equal(0, biasSpread);
        else Assert.InRange(biasSpread, biasStd * 0.8, biasStd * 1.2);
    }

    [Fact]
    public void A_seed_gives_the_same_network_and_float_is_the_rounded_double()
    {
        var layout = NetworkLayout.Uniform([7, 5, 3], Activation.Tanh);
        var a = Network<double>.Create(layout, Initialization.Scaled, 99);
        var b = Network<double>.Create(layout, Initialization.Scaled, 99);
        var c = Network<double>.Create(layout, Initialization.Scaled, 100);
        Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
        Assert.NotEqual(a.Parameters.ToArray(), c.Parameters.ToArray());
        var f = Network<float>.Create(layout, Initialization.Scaled, 99);
        Assert.Equal(a.Parameters.ToArray().Select(v => (float)v), f.Parameters.ToArray());
    }
}
