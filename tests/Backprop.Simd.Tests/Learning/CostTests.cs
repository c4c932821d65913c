namespace Backprop.Simd.Tests.Learning;

public class CostTests
{
    [Theory]
    [InlineData(CostFunction.Quadratic)]
    [InlineData(CostFunction.CrossEntropy)]
    [InlineData(CostFunction.LogLikelihood)]
    public void The_cost_gradient_is_the_derivative_of_the_cost(CostFunction cost)
    {
        double[] a = Kernels.TestData.Uniform(7, 1, 0.05, 0.95);
        double[] y = Kernels.TestData.Uniform(7, 2, 0, 1);
        var g = new double[7];
        Costs.Gradient<double>(cost, a, y, g);
        for (int j = 0; j < 7; j++)
        {
            double[] plus = (double[])a.Clone(), minus = (double[])a.Clone();
            plus[j] += 1e-6;
            minus[j] -= 1e-6;
            double numeric = (Costs.Value<double>(cost, plus, y) - Costs.Value<double>(cost, minus, y)) / 2e-6;
            Assert.Equal(numeric, g[j], 6);
        }
    }

    [Fact]
    public void Quadratic_cost_carries_the_one_half()
    {
        // Nielsen's 1/2 ||a - y||^2: for a - y = (3, 4) the cost is 12.5, the lecture's ||a - y||^2 would be 25.
        Assert.Equal(12.5, Costs.Value<double>(CostFunction.Quadratic, [3, 4], [0, 0]));
    }

    [Fact]
    public void Cross_entropy_treats_zero_log_zero_as_zero()
    {
        Assert.Equal(0.0, Costs.Value<double>(CostFunction.CrossEntropy, [1.0, 0.0], [1.0, 0.0]));
        Assert.Equal(-Math.Log(0.25), Costs.Value<double>(CostFunction.LogLikelihood, [0.25, 0.75], [1.0, 0.0]), 12);
    }

    [Fact]
    public void Costs_that_need_probabilities_refuse_other_outputs()
    {
        Assert.Contains("sigmoid", Assert.Throws<ArgumentException>(() => Costs.RequireCompatible(CostFunction.CrossEntropy, Activation.Relu)).Message);
        Assert.Contains("softmax", Assert.Throws<ArgumentException>(() => Costs.RequireCompatible(CostFunction.LogLikelihood, Activation.Identity)).Message);
        Costs.RequireCompatible(CostFunction.Quadratic, Activation.Relu);
        Assert.True(Costs.HasSimplifiedDelta(CostFunction.CrossEntropy, Activation.Sigmoid));
        Assert.True(Costs.HasSimplifiedDelta(CostFunction.LogLikelihood, Activation.Softmax));
        Assert.False(Costs.HasSimplifiedDelta(CostFunction.Quadratic, Activation.Sigmoid));
    }
}
