using Backprop.Simd.Tests.Learning;

namespace Backprop.Simd.Tests.Optimizers;

/// <summary>Every update rule, schedule and the clip: stopping and resuming gives the same bits, and a step allocates nothing.</summary>
public sealed class OptimizerTests() : TemporaryFolder("optimizer-tests-")
{
    public static TheoryData<string> Rules() => ["momentum", "nesterov", "adam", "adamw", "adam-cosine-clip", "sgd-step-warmup"];

    internal static TrainingOptions Options(string rule) => rule switch
    {
        "momentum" => new TrainingOptions { Optimizer = Optimizer.Momentum, Momentum = 0.9, Eta = 0.5, Lambda = 0.5 },
        "nesterov" => new TrainingOptions { Optimizer = Optimizer.Nesterov, Momentum = 0.9, Eta = 0.5 },
        "adam" => new TrainingOptions { Optimizer = Optimizer.Adam, Eta = 1e-3, WeightDecay = 1e-4 },
        "adamw" => new TrainingOptions { Optimizer = Optimizer.AdamW, Eta = 1e-3, WeightDecay = 0.01 },
        "adam-cosine-clip" => new TrainingOptions { Optimizer = Optimizer.Adam, Eta = 3e-3, Schedule = Schedule.Cosine, MinEta = 1e-4, ClipNorm = 0.5 },
        _ => new TrainingOptions { Optimizer = Optimizer.Sgd, Eta = 3, Schedule = Schedule.Step, StepSize = 20, Gamma = 0.5, WarmupSteps = 10 },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Stopping_and_resuming_gives_bit_identical_weights(string rule)
    {
        TrainingOptions options = Options(rule) with { Epochs = 3, BatchSize = 32, Threads = 2, Seed = 4 };
        var layout = new NetworkLayout([784, 30, 10], [Activation.Relu, Activation.Softmax]);
        options = options with { Cost = CostFunction.LogLikelihood };
        (float[] straight, float[] resumed, TrainingCheckpoint state) = ResumeTests.StopAndResume(PathOf("run.checkpoint"), layout, Initialization.He, TrainerTests.Small(400), options);
        Assert.Equal(options, state.Options);
        Assert.Equal(18, state.OptimizerSteps); // 13 steps of epoch 1, 5 of epoch 2
        Assert.Equal(straight, resumed);
        Assert.NotEqual(Network<float>.Create(layout, Initialization.He, 4).Parameters.ToArray(), straight);
    }

    [Fact]
    public void A_batch_of_at_least_the_training_count_is_one_full_batch_step_an_epoch()
    {
        var data = TrainerTests.Small(100);
        var network = Network<float>.Create(NetworkLayout.Uniform([784, 10], Activation.Sigmoid), Initialization.Scaled, 1);
        using var trainer = new Trainer(network, data, new TrainingOptions { Optimizer = Optimizer.Adam, Eta = 1e-3, BatchSize = 1_000_000, Epochs = 3 });
        int batches = 0;
        for (int epoch = 1; epoch <= 3; epoch++) trainer.TrainEpoch(epoch, _ => batches++);
        Assert.Equal(3, batches);
        Assert.Equal(1, trainer.Threads); // sized for the 100 samples there are, not for a million
    }

    [Fact]
    public void Zero_epochs_write_the_initialised_network()
    {
        string path = PathOf("init.bpsimd");
        var (code, stdout, stderr) = Cli.CliRunner.Run("train", "--epochs", "0", "--layers", "784,20,10", "--init", "he", "--seed", "9", "--json", "--out", path);
        Assert.True(code == 0, stderr);
        Assert.Equal(0, Cli.CliRunner.LastJson(stdout).GetProperty("epochs").GetInt32());
        var expected = Network<float>.Create(NetworkLayout.Uniform([784, 20, 10], Activation.Sigmoid), Initialization.He, 9);
        Assert.Equal(expected.Parameters.ToArray(), ModelFile.Load(path).Network.Parameters.ToArray());
    }

    [Fact]
    public void Schedules_follow_their_formulas()
    {
        var rule = Backprop.Simd.Learning.Optimizers.UpdateRule.For(new TrainingOptions { Eta = 0.1, Schedule = Schedule.Step, StepSize = 3, Gamma = 0.5, WarmupSteps = 2 }, 1, 1, 100);
        Assert.Equal([0.05, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025], Enumerable.Range(0, 7).Select(t => rule.LearningRate(t)).ToArray(), new ToleranceComparer(1e-15));
        var cosine = Backprop.Simd.Learning.Optimizers.UpdateRule.For(new TrainingOptions { Eta = 0.1, Schedule = Schedule.Cosine, MinEta = 0.02 }, 1, 1, 10);
        Assert.Equal(0.1, cosine.LearningRate(0), 15);
        Assert.Equal(0.06, cosine.LearningRate(5), 15);
        Assert.Equal(0.02, cosine.LearningRate(10), 15);
        var exponential = Backprop.Simd.Learning.Optimizers.UpdateRule.For(new TrainingOptions { Eta = 0.1, Schedule = Schedule.Exponential, Gamma = 0.9 }, 1, 1, 10);
        Assert.Equal(0.1 * 0.9 * 0.9 * 0.9, exponential.LearningRate(3), 15);
    }

    [Fact]
    public void Options_that_do_not_belong_to_the_rule_are_refused()
    {
        Assert.Equal("WeightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { WeightDecay = 0.1 }.Validate()).ParamName);
        Assert.Equal("Lambda", Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Optimizer = Optimizer.Adam, Lambda = 1 }.Validate()).ParamName);
        Assert.Equal("Momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Optimizer = Optimizer.AdamW, Momentum = 0.9 }.Validate()).ParamName);
        Assert.Equal("Beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Optimizer = Optimizer.Adam, Beta2 = 1 }.Validate()).ParamName);
        Assert.Equal("ClipNorm", Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { ClipNorm = 0 }.Validate()).ParamName);
        Assert.Equal(Optimizer.Momentum, new TrainingOptions { Momentum = 0.5 }.EffectiveOptimizer);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}

/// <summary>Allocation counts run alone (see AllocationCollection).</summary>
[Collection(nameof(AllocationCollection))]
public class OptimizerAllocationTests
{
    [Theory]
    [InlineData("adam-cosine-clip", 1)]
    [InlineData("adamw", 2)]
    [InlineData("nesterov", 2)]
    public void A_step_allocates_nothing(string rule, int threads)
    {
        var network = Network<float>.Create(NetworkLayout.Uniform([784, 30, 10], Activation.Sigmoid), Initialization.Scaled, 1);
        using var trainer = new Trainer(network, TrainerTests.Small(500), OptimizerTests.Options(rule) with { Threads = threads, BatchSize = 64 });
        // The fewest bytes over a few epochs after a warm-up one: a one-off allocation of the runtime's on a
        // worker thread (tiering recompiling a method mid-epoch) cannot fail it; a step that allocates would.
        int epoch = 0;
        Assert.Equal(0, Allocations.Fewest(() => trainer.TrainEpoch(++epoch), () => trainer.AllocatedBytes, warmups: 1, runs: 3));
    }
}
