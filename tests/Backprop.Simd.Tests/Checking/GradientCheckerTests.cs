using Backprop.Simd.Tests.Learning;

namespace Backprop.Simd.Tests.Checking;

public class GradientCheckerTests
{
    private static readonly NetworkLayout Lecture = NetworkLayout.Uniform([6, 5, 3], Activation.Sigmoid);

    private static (Network<double> Network, double[] X, double[] Y) Problem(int samples = 2)
    {
        var network = Network<double>.Create(Lecture, Initialization.Nielsen, 4);
        double[] x = Kernels.TestData.Uniform(samples * 6, 5);
        double[] y = Kernels.TestData.Uniform(samples * 3, 6, 0, 1);
        return (network, x, y);
    }

    /// <summary>The lecture's backprop written out by hand, with sigma'(z) dropped from the hidden layer's delta.</summary>
    private static double[] GradientWithoutHiddenSigmaPrime(Network<double> network, double[] x, double[] y, int samples)
    {
        var gradient = new double[Lecture.ParameterCount];
        Span<double> w0 = network.Weights(0), b0 = network.Biases(0), w1 = network.Weights(1), b1 = network.Biases(1);
        for (int s = 0; s < samples; s++)
        {
            var a1 = new double[5];
            var a2 = new double[3];
            for (int j = 0; j < 5; j++)
            {
                double z = b0[j];
                for (int k = 0; k < 6; k++) z += w0[j * 6 + k] * x[s * 6 + k];
                a1[j] = 1 / (1 + Math.Exp(-z));
            }

            for (int j = 0; j < 3; j++)
            {
                double z = b1[j];
                for (int k = 0; k < 5; k++) z += w1[j * 5 + k] * a1[k];
                a2[j] = 1 / (1 + Math.Exp(-z));
            }

            var d2 = new double[3];
            for (int j = 0; j < 3; j++) d2[j] = (a2[j] - y[s * 3 + j]) * a2[j] * (1 - a2[j]);
            var d1 = new double[5];
            for (int k = 0; k < 5; k++)
                for (int j = 0; j < 3; j++) d1[k] += w1[j * 5 + k] * d2[j]; // the bug: no * a1[k] * (1 - a1[k])

            Span<double> g = gradient;
            for (int j = 0; j < 3; j++)
            {
                for (int k = 0; k < 5; k++) Lecture.Weights(g, 1)[j * 5 + k] += d2[j] * a1[k];
                Lecture.Biases(g, 1)[j] += d2[j];
            }

            for (int j = 0; j < 5; j++)
            {
                for (int k = 0; k < 6; k++) Lecture.Weights(g, 0)[j * 6 + k] += d1[j] * x[s * 6 + k];
                Lecture.Biases(g, 0)[j] += d1[j];
            }
        }

        return gradient;
    }

    [Fact]
    public void Our_gradient_passes_on_every_parameter()
    {
        var (network, x, y) = Problem();
        GradientCheckReport report = GradientChecker.Check(network, x, y, 2, CostFunction.Quadratic);
        Assert.True(report.Passed, report.Failure);
        Assert.Equal(Lecture.ParameterCount, report.ParametersChecked);
        Assert.Equal(2, report.Layers.Count);
        Assert.All(report.Layers, l => Assert.True(l.MaxRelativeError <= 1e-6));
    }

    [Fact]
    public void A_dropped_sigma_prime_fails_and_the_report_names_the_layer()
    {
        var (network, x, y) = Problem();
        double[] broken = GradientWithoutHiddenSigmaPrime(network, x, y, 2);
        GradientCheckReport report = GradientChecker.CheckGradient(network, x, y, 2, CostFunction.Quadratic, broken);
        Assert.False(report.Passed);
        Assert.False(report.Layers[0].Passed);
        Assert.True(report.Layers[1].Passed, "the output layer's gradient does not involve the bug");
        Assert.StartsWith("layer 0: ", report.Failure);
        Assert.True(report.Layers[0].WorstParameterIndex < Lecture.BiasOffset(0) + 5);
    }

    [Fact]
    public void A_user_gradient_from_the_per_sample_form_passes()
    {
        var (network, x, y) = Problem();
        double[] gradient = GradientProperties.SampleGradient(network, x, y, 2, CostFunction.Quadratic);
        Assert.True(GradientChecker.CheckGradient(network, x, y, 2, CostFunction.Quadratic, gradient).Passed);
    }

    [Fact]
    public void An_all_zero_gradient_cannot_pass()
    {
        var (network, x, y) = Problem();
        GradientCheckReport report = GradientChecker.CheckGradient(network, x, y, 2, CostFunction.Quadratic, new double[Lecture.ParameterCount]);
        Assert.False(report.Passed);
        Assert.Contains("zero at every checked parameter", report.Failure);
    }

    [Fact]
    public void A_seeded_subset_is_the_same_each_time_and_has_the_asked_size()
    {
        var (network, x, y) = Problem();
        var options = new GradientCheckOptions { MaxParameters = 10, Seed = 3 };
        GradientCheckReport first = GradientChecker.Check(network, x, y, 2, CostFunction.Quadratic, options);
        GradientCheckReport second = GradientChecker.Check(network, x, y, 2, CostFunction.Quadratic, options);
        Assert.Equal(10, first.ParametersChecked);
        Assert.Equal(first.Layers.Select(l => l.WorstParameterIndex), second.Layers.Select(l => l.WorstParameterIndex));
    }

    [Fact]
    public void The_checked_network_is_left_unchanged()
    {
        var (network, x, y) = Problem();
        double[] before = network.Parameters.ToArray();
        GradientChecker.Check(network, x, y, 2, CostFunction.Quadratic);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void Bad_options_and_gradients_are_refused()
    {
        var (network, x, y) = Problem();
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientChecker.Check(network, x, y, 2, CostFunction.Quadratic, new GradientCheckOptions { Epsilon = 0 }));
        var ex = Assert.Throws<ArgumentException>(() => GradientChecker.CheckGradient(network, x, y, 2, CostFunction.Quadratic, new double[3]));
        Assert.Equal("gradient", ex.ParamName);
        var tanhOutput = new Network<double>(NetworkLayout.Uniform([6, 5, 3], Activation.Tanh));
        ex = Assert.Throws<ArgumentException>(() => GradientChecker.Check(tanhOutput, x, y, 2, CostFunction.CrossEntropy));
        Assert.Contains("sigmoid", ex.Message);
    }
}
