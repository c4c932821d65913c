using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Simd.Tests.Learning;

/// <summary>
/// The heart of the project, as properties over random networks (1-4 layers, widths 1-40, every
/// activation and every valid cost pairing), 1,000 cases each:
/// <list type="bullet">
/// <item>backprop matches central differences in double: relative error at most 1e-6 for gradients
/// of at least 1e-2, absolute error at most 1e-8 below that (the defaults of GradientCheckOptions);
/// cases with a ReLU pre-activation within 1e-3 of its kink are discarded, since a finite difference
/// across the kink measures neither side's derivative, and so are cross-entropy cases with an output
/// within 1e-3 of 1, where ln(1 - a) is too noisy for a finite difference;</item>
/// <item>the float path matches the double path: max |g_float - g_double| at most 1e-4 max |g_double| + 1e-6;</item>
/// <item>the per-sample (lecture) form and the matrix form agree to 1e-12 (double) relative to max |g|;</item>
/// <item>the simplified output deltas equal the general chain rule.</item>
/// </list>
/// </summary>
public class GradientProperties
{
    private const int Cases = 1000;

    [Property(MaxTest = Cases, Arbitrary = [typeof(NetworkArbitraries)])]
    public Property Backprop_matches_finite_differences(NetworkCase c)
    {
        Network<double> network = c.Network();
        double[] inputs = c.Inputs(), targets = c.Targets();
        bool awayFromKinks = ReferenceForward.SmallestReluPreActivation(network, inputs, c.Samples) > 1e-3;
        bool wellConditioned = c.Cost != CostFunction.CrossEntropy || !Saturated(network, inputs, c.Samples);
        return new Action(() =>
        {
            var options = new GradientCheckOptions { MaxParameters = 80, Seed = (ulong)c.Seed };
            GradientCheckReport report = GradientChecker.Check(network, inputs, targets, c.Samples, c.Cost, options);
            Assert.True(report.Passed, $"{c}: {report.Failure}");
            Assert.Equal(Math.Min(80, network.Layout.ParameterCount), report.ParametersChecked);
        }).When(awayFromKinks && wellConditioned);
    }

    // Cross-entropy's ln(1 - a) has only the relative accuracy of 1 - a, whose rounding error is up to
    // 1.1e-16 absolute: divided by 2e = 2e-5 that is below atol = 1e-8 only while 1 - a > 5.5e-4.
    private static bool Saturated(Network<double> network, double[] inputs, int samples)
    {
        ReadOnlySpan<double> outputs = new BatchBackprop<double>(network.Layout, samples).Forward(network, inputs, samples);
        foreach (double a in outputs)
        {
            if (1 - a < 1e-3) return true;
        }

        return false;
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(NetworkArbitraries)])]
    public void The_float_path_matches_the_double_path(NetworkCase c)
    {
        Network<double> network = c.Network();
        double[] inputs = c.Inputs(), targets = c.Targets();
        double[] expected = BatchGradient(network, inputs, targets, c.Samples, c.Cost);
        float[] actual = BatchGradient(network.Convert<float>(), TestData(inputs), TestData(targets), c.Samples, c.Cost);
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-4 * scale + 1e-6,
                $"{c}: parameter {network.Layout.Describe(i)} float {actual[i]:G9} vs double {expected[i]:G17}");
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(NetworkArbitraries)])]
    public void Per_sample_and_matrix_forms_agree(NetworkCase c)
    {
        Network<double> network = c.Network();
        double[] inputs = c.Inputs(), targets = c.Targets();
        double[] matrix = BatchGradient(network, inputs, targets, c.Samples, c.Cost);
        double[] perSample = SampleGradient(network, inputs, targets, c.Samples, c.Cost);
        double scale = Math.Max(matrix.Max(Math.Abs), 1e-300);
        for (int i = 0; i < matrix.Length; i++)
        {
            Assert.True(Math.Abs(matrix[i] - perSample[i]) <= 1e-12 * scale, $"{c}: {network.Layout.Describe(i)} {matrix[i]:R} vs {perSample[i]:R}");
        }

        Network<float> single = network.Convert<float>();
        float[] matrixF = BatchGradient(single, TestData(inputs), TestData(targets), c.Samples, c.Cost);
        float[] perSampleF = SampleGradient(single, TestData(inputs), TestData(targets), c.Samples, c.Cost);
        float scaleF = Math.Max(matrixF.Max(Math.Abs), 1e-30f);
        for (int i = 0; i < matrixF.Length; i++)
        {
            Assert.True(Math.Abs(matrixF[i] - perSampleF[i]) <= 1e-5f * scaleF, $"{c} (float): {network.Layout.Describe(i)}");
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(NetworkArbitraries)])]
    public void Simplified_output_deltas_equal_the_general_chain_rule(NetworkCase c)
    {
        Network<double> network = c.Network();
        double[] inputs = c.Inputs(), targets = c.Targets();
        var workspace = new BatchBackprop<double>(network.Layout, c.Samples);
        var simplified = new double[network.Layout.ParameterCount];
        var general = new double[network.Layout.ParameterCount];
        workspace.Backpropagate(network, inputs, targets, c.Samples, c.Cost, simplified, chainRule: false);
        workspace.Backpropagate(network, inputs, targets, c.Samples, c.Cost, general, chainRule: true);
        double scale = Math.Max(general.Max(Math.Abs), 1e-300);
        for (int i = 0; i < general.Length; i++)
        {
            Assert.True(Math.Abs(simplified[i] - general[i]) <= 1e-9 * scale, $"{c}: {network.Layout.Describe(i)} {simplified[i]:R} vs {general[i]:R}");
        }
    }

    internal static T[] BatchGradient<T>(Network<T> network, T[] inputs, T[] targets, int samples, CostFunction cost)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var gradient = new T[network.Layout.ParameterCount];
        new BatchBackprop<T>(network.Layout, samples).Backpropagate(network, inputs, targets, samples, cost, gradient);
        return gradient;
    }

    internal static T[] SampleGradient<T>(Network<T> network, T[] inputs, T[] targets, int samples, CostFunction cost)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var gradient = new T[network.Layout.ParameterCount];
        var workspace = new SampleBackprop<T>(network.Layout);
        int n0 = network.Layout.InputSize, nL = network.Layout.OutputSize;
        for (int x = 0; x < samples; x++)
        {
            workspace.Backpropagate(network, inputs.AsSpan(x * n0, n0), targets.AsSpan(x * nL, nL), cost, gradient);
        }

        return gradient;
    }

    private static float[] TestData(double[] values) => Kernels.TestData.ToFloat(values);
}
