namespace Backprop.Simd.Tests.Learning;

/// <summary>Divergence that stays finite (issue 14, item 5): exploding cost, saturated weights, a stuck epoch.</summary>
public sealed class DivergenceTests
{
    [Fact]
    public void Weights_past_the_limit_stop_training_and_the_check_can_be_turned_off()
    {
        // eta 1e30 saturates every sigmoid without ever reaching infinity (9.35 % on digits, rc 0 before).
        var options = new TrainingOptions { Eta = 1e30 };
        var network = Network<float>.Create(NetworkLayout.Uniform([784, 30, 10], Activation.Sigmoid), Initialization.Scaled, 1);
        using (var trainer = new Trainer(network, TrainerTests.Small(500), options))
        {
            var ex = Assert.Throws<TrainingDivergedException>(() => trainer.TrainEpoch(1));
            Assert.Contains("beyond the limit 1E+06 (TrainingOptions.ParameterLimit)", ex.Message);
            Assert.Equal((1, 50), (ex.Epoch, ex.Batch));
        }

        var unchecked_ = Network<float>.Create(NetworkLayout.Uniform([784, 30, 10], Activation.Sigmoid), Initialization.Scaled, 1);
        using var off = new Trainer(unchecked_, TrainerTests.Small(500), options with { ParameterLimit = double.PositiveInfinity, CostGrowthLimit = double.PositiveInfinity });
        (double cost, _) = off.TrainEpoch(1);
        Assert.True(double.IsFinite(cost));
        Assert.True(TensorMax(unchecked_.Parameters) > 1e6, "the run saturates, but is let through");
    }

    [Fact]
    public void A_cost_that_explodes_stops_at_the_mini_batch_where_it_passes_the_limit()
    {
        // ReLU hidden units and an identity output at eta 2: the cost grows by orders of magnitude per step.
        var layout = new NetworkLayout([784, 30, 10], [Activation.Relu, Activation.Identity]);
        var network = Network<float>.Create(layout, Initialization.Scaled, 1);
        using var trainer = new Trainer(network, TrainerTests.Small(2000), new TrainingOptions { Eta = 2 });
        var ex = Assert.Throws<TrainingDivergedException>(() => trainer.TrainEpoch(1));
        Assert.Equal(1, ex.Epoch);
        Assert.InRange(ex.Batch, 2, 200);
        Assert.Contains("times the first mini-batch's", ex.Message);
    }

    [Fact]
    public void An_epoch_that_moves_no_parameter_at_a_positive_cost_is_saturation()
    {
        // Every hidden ReLU dead (bias -100 against inputs in [0, 1] and small weights): no gradient reaches anything.
        var layout = NetworkLayout.Uniform([784, 30, 10], Activation.Relu);
        var network = Network<float>.Create(layout, Initialization.Scaled, 1);
        layout.Biases<float>(network.Parameters, 0).Fill(-100);
        layout.Biases<float>(network.Parameters, 1).Fill(-100);
        using var trainer = new Trainer(network, TrainerTests.Small(100), new TrainingOptions());
        var ex = Assert.Throws<TrainingDivergedException>(() => trainer.TrainEpoch(1));
        Assert.Contains("no parameter changed in the epoch at a mean cost of 0.5", ex.Message);
        Assert.Equal(10, ex.Batch);
    }

    [Fact]
    public void Unstandardised_regression_targets_in_the_tens_of_millions_train_without_a_false_alarm()
    {
        // y = 3e7 x + 1e7: the weight and bias must reach the targets' size, far past 1e6.
        int n = 200;
        var x = new float[n];
        var y = new float[n];
        for (int i = 0; i < n; i++) (x[i], y[i]) = (i / (float)n, 3e7f * i / n + 1e7f);
        Dataset data = Dataset.FromArrays(x, 1, y, 1);
        var network = new Network<float>(NetworkLayout.Uniform([1, 1], Activation.Identity));
        var options = new TrainingOptions { Epochs = 300, Eta = 0.5, BatchSize = 10 };
        Trainer.Fit(network, data, null, options);
        Assert.Equal(3e7, network.Parameters[0], 3e7 * 0.01);
        Assert.Equal(1e7, network.Parameters[1], 1e7 * 0.01);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void A_limit_that_is_not_positive_is_refused(double limit)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { ParameterLimit = limit }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { CostGrowthLimit = limit }.Validate());
    }

    private static float TensorMax(ReadOnlySpan<float> values) => Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(values));
}
