namespace Backprop.Simd.Tests.Learning;

/// <summary>Trainer.Fit: model selection on validation data, early stopping, resuming, and the metrics it reports.</summary>
public class FitTests
{
    // y = 2 x0 - 3 x1 + 0.5 (plus a second target x0 x1), x uniform in [-1, 1].
    internal static Dataset Linear(int count, ulong seed)
    {
        var random = new SeededRandom(seed);
        var x = new float[count * 2];
        var y = new float[count * 2];
        for (int i = 0; i < count; i++)
        {
            float a = (float)(2 * random.NextDouble() - 1), b = (float)(2 * random.NextDouble() - 1);
            (x[2 * i], x[2 * i + 1]) = (a, b);
            (y[2 * i], y[2 * i + 1]) = (2 * a - 3 * b + 0.5f, a * b);
        }

        return Dataset.FromArrays(x, 2, y, 2, ["a", "b"], ["linear", "product"]);
    }

    // Two classes split by a circle, with 10% of the labels flipped: a validation curve that rises and falls.
    internal static Dataset Rings(int count, ulong seed)
    {
        var random = new SeededRandom(seed);
        var x = new float[count * 2];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            float a = (float)(2 * random.NextDouble() - 1), b = (float)(2 * random.NextDouble() - 1);
            (x[2 * i], x[2 * i + 1]) = (a, b);
            labels[i] = (a * a + b * b < 0.5 ? 1 : 0) ^ (random.NextDouble() < 0.1 ? 1 : 0);
        }

        return Dataset.FromArrays(x, 2, labels, 2, ["outside", "inside"]);
    }

    private static readonly TrainingOptions Classes = new()
    {
        Epochs = 40, BatchSize = 16, Eta = 0.05, Momentum = 0.9, Cost = CostFunction.LogLikelihood, Seed = 3,
    };

    private static Network<float> ClassNetwork() =>
        Network<float>.Create(new NetworkLayout([2, 16, 2], [Activation.Relu, Activation.Softmax]), Initialization.He, 3);

    [Fact]
    public void Fit_keeps_the_best_validation_epoch_and_reports_it()
    {
        (Dataset train, Dataset validation) = Rings(400, 1).Split(0.25, 2);
        Network<float> network = ClassNetwork();
        var snapshots = new Dictionary<int, float[]>();
        var progress = new Recorder(r => snapshots[r.Epoch] = network.Parameters.ToArray());
        using var trainer = new Trainer(network, train, Classes);
        FitResult fit = trainer.Fit(validation, progress);

        Assert.Equal(40, fit.Epochs.Count);
        EpochReport best = fit.Epochs.Single(r => r.Epoch == fit.BestEpoch);
        Assert.True(best.IsBest);
        Assert.All(fit.Epochs, r => Assert.NotNull(r.Validation));
        double bestAccuracy = fit.Epochs.Max(r => r.Validation!.Accuracy);
        Assert.Equal(bestAccuracy, best.Validation!.Accuracy);
        Assert.Equal(fit.Epochs.Where(r => r.Validation!.Accuracy == bestAccuracy).Min(r => r.Validation!.MeanCost), best.Validation.MeanCost);
        Assert.Equal(snapshots[fit.BestEpoch], network.Parameters.ToArray());       // restored, bit for bit
        Assert.Equal(best.Validation.Accuracy, fit.BestValidation!.Accuracy);
        Assert.Equal(best.Validation.MeanCost, fit.BestValidation.MeanCost);
        Assert.Equal(progress.Reports.Select(r => r.Epoch), fit.Epochs.Select(r => r.Epoch));
    }

    [Fact]
    public void Without_validation_fit_keeps_the_last_epoch()
    {
        Network<float> network = ClassNetwork();
        FitResult fit = Trainer.Fit(network, Rings(200, 1), null, Classes with { Epochs = 5 });
        Assert.Equal(5, fit.BestEpoch);
        Assert.All(fit.Epochs, r => Assert.True(r.IsBest));
        Assert.Null(fit.BestValidation);
    }

    [Fact]
    public void Early_stopping_ends_after_the_patience_without_improvement()
    {
        (Dataset train, Dataset validation) = Rings(400, 1).Split(0.25, 2);
        FitResult fit = Trainer.Fit(ClassNetwork(), train, validation, Classes with { Epochs = 500, EarlyStoppingPatience = 3 });
        Assert.True(fit.StoppedEarly);
        Assert.True(fit.Epochs.Count < 500);
        Assert.Equal(fit.BestEpoch + 3, fit.Epochs[^1].Epoch);
        Assert.All(fit.Epochs.Where(r => r.Epoch > fit.BestEpoch), r => Assert.False(r.IsBest));
        Assert.Throws<ArgumentException>(() => Trainer.Fit(ClassNetwork(), train, null, Classes with { EarlyStoppingPatience = 3 }));
    }

    [Fact]
    public void A_stopped_fit_resumes_to_the_same_bits_and_the_same_selection()
    {
        (Dataset train, Dataset validation) = Rings(300, 4).Split(0.2, 5);
        TrainingOptions options = Classes with { Epochs = 6, EarlyStoppingPatience = 4 };
        Network<float> straight = ClassNetwork();
        FitResult expected = Trainer.Fit(straight, train, validation, options);

        Network<float> network = ClassNetwork();
        using var stop = new CancellationTokenSource();
        FitResult first;
        using (var trainer = new Trainer(network, train, options))
        {
            first = trainer.Fit(validation, new Recorder(r => { if (r.Epoch == 3) stop.Cancel(); }), stop.Token);
        }

        Assert.True(first.Stopped);
        TrainingCheckpoint checkpoint = first.Checkpoint!;
        Assert.Equal(4, checkpoint.Epoch);
        using var resumed = Trainer.Resume(network, train, checkpoint);
        FitResult rest = resumed.Fit(validation);
        Assert.Equal(expected.BestEpoch, rest.BestEpoch);
        Assert.Equal(straight.Parameters.ToArray(), network.Parameters.ToArray());
    }

    [Fact]
    public void Regression_learns_a_linear_target_and_reports_errors_in_its_units()
    {
        Dataset raw = Linear(600, 7);
        (Dataset rest, Dataset test) = raw.Split(0.2, 1);
        (Dataset train, Dataset validation) = rest.Split(0.1, 2);
        DataSchema schema = train.FitStandardization();
        (train, validation, test) = (train.Standardize(schema), validation.Standardize(schema), test.Standardize(schema));
        var network = Network<float>.Create(new NetworkLayout([2, 32, 2], [Activation.Tanh, Activation.Identity]), Initialization.Xavier, 1);
        var options = new TrainingOptions { Epochs = 150, BatchSize = 16, Eta = 0.02, Momentum = 0.9, Seed = 1 };
        Trainer.Fit(network, train, validation, options);
        Evaluation result = Evaluator.Evaluate(network, test, options.Cost);
        RegressionMetrics metrics = result.Regression!;
        Assert.InRange(metrics.ColumnR2[0], 0.995, 1.0);
        Assert.InRange(metrics.ColumnR2[1], 0.8, 1.0);

        // The same figures from the Predictor on raw inputs, by hand, in the targets' units.
        var predictor = new Predictor(network, schema);
        var x = new float[2];
        double squared = 0, absolute = 0, total = 0, mean = 0;
        Dataset rawTest = raw.Split(0.2, 1).Taken;
        for (int i = 0; i < rawTest.Count; i++) mean += rawTest.Target(i)[0] / rawTest.Count;
        for (int i = 0; i < rawTest.Count; i++)
        {
            rawTest.CopyInput(i, x);
            var a = new float[2];
            predictor.Predict(x, a);
            double d = rawTest.Target(i)[0] - a[0];
            (squared, absolute) = (squared + d * d, absolute + Math.Abs(d));
            total += Math.Pow(rawTest.Target(i)[0] - mean, 2);
        }

        Assert.Equal(squared / rawTest.Count, metrics.ColumnMse[0], 1e-4);
        Assert.Equal(absolute / rawTest.Count, metrics.ColumnMae[0], 1e-4);
        Assert.Equal(1 - squared / total, metrics.ColumnR2[0], 1e-4);
        Assert.Equal((metrics.ColumnR2[0] + metrics.ColumnR2[1]) / 2, metrics.R2, 12);
        Assert.Equal(Math.Sqrt(metrics.Mse), metrics.Rmse, 12);
    }

    [Fact]
    public void Precision_and_recall_come_from_the_confusion_matrix()
    {
        var e = new Evaluation(10, 7, 0.3, [[4, 1, 0], [2, 3, 0], [0, 0, 0]]);
        Assert.Equal([4 / 6.0, 3 / 4.0, double.NaN], e.Precision());
        Assert.Equal([4 / 5.0, 3 / 5.0, double.NaN], e.Recall());
        Assert.Equal(0.7, e.Accuracy);
    }

    [Fact]
    public void The_predictor_applies_the_saved_standardisation_with_the_training_bits()
    {
        Dataset raw = Linear(50, 9);
        DataSchema schema = raw.FitStandardization();
        Dataset scaled = raw.Standardize(schema);
        var network = Network<float>.Create(new NetworkLayout([2, 5, 2], [Activation.Tanh, Activation.Identity]), Initialization.Xavier, 2);
        var model = new SavedModel(network, CostFunction.Quadratic) { Schema = schema };
        var predictor = new Predictor(ModelFile.Deserialize(ModelFile.Serialize(model), "m"));
        var plain = new Predictor(network);
        var x = new float[2];
        var xs = new float[2];
        for (int i = 0; i < raw.Count; i++)
        {
            raw.CopyInput(i, x);
            scaled.CopyInput(i, xs);
            float[] a = new float[2], b = new float[2];
            predictor.Predict(x, a);
            plain.Predict(xs, b);
            schema.Targets!.Invert(b, b);
            Assert.Equal(b, a);
        }
    }

    private sealed class Recorder(Action<EpochReport>? also = null) : IProgress<EpochReport>
    {
        public List<EpochReport> Reports { get; } = [];

        public void Report(EpochReport value)
        {
            Reports.Add(value);
            also?.Invoke(value);
        }
    }
}
