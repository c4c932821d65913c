using Backprop.Simd.Tests.Data;

namespace Backprop.Simd.Tests.Docs;

/// <summary>
/// The C# examples of docs/training.md, run: each test holds a snippet between "// snippet NAME"
/// and "// end snippet", and the page must show exactly that code (so it compiles and runs here,
/// and cannot drift).
/// </summary>
public sealed class TrainingDocTests() : TemporaryFolder("training-doc-")
{
    [Fact]
    public void Classification_on_your_own_arrays()
    {
        (float[,] x, int[] labels) = Iris();
        string path = PathOf("flowers.bpsimd");
        // snippet classification
        Dataset all = Dataset.FromArrays(x, labels, ["setosa", "versicolor", "virginica"]);
        (Dataset rest, Dataset test) = all.Split(0.2, seed: 1);            // stratified: every class in proportion
        (Dataset train, Dataset validation) = rest.Split(0.1, seed: 2);
        DataSchema schema = train.FitStandardization();                     // mean and deviation of the training split
        (train, validation, test) = (train.Standardize(schema), validation.Standardize(schema), test.Standardize(schema));

        var layout = new NetworkLayout([x.GetLength(1), 32, 3], [Activation.Relu, Activation.Softmax]);
        var network = Network<float>.Create(layout, Initialization.He, seed: 1);
        var options = new TrainingOptions { Epochs = 100, BatchSize = 16, Eta = 0.02, Momentum = 0.9, Cost = CostFunction.LogLikelihood };
        FitResult fit = Trainer.Fit(network, train, validation, options);   // keeps the best validation epoch
        Evaluation result = Evaluator.Evaluate(network, test, options.Cost);
        Console.WriteLine($"test accuracy {result.Accuracy:P1}, kept epoch {fit.BestEpoch}");

        ModelFile.Save(path, new SavedModel(network, options.Cost) { Schema = schema });
        var predictor = Predictor.Load(path);                               // standardises raw inputs itself
        string name = predictor.Schema.ClassName(predictor.Classify([5.1f, 3.5f, 1.4f, 0.2f]));
        // end snippet
        Assert.InRange(result.Accuracy, 0.9, 1.0);
        Assert.Equal("setosa", name);
        Assert.Contains(fit.BestEpoch, fit.Epochs.Where(r => r.IsBest).Select(r => r.Epoch));
        Snippet.RequireInDocs("classification", nameof(Classification_on_your_own_arrays));
    }

    [Fact]
    public void Regression_on_your_own_arrays()
    {
        (float[,] x, float[,] y) = Boston();
        // snippet regression
        Dataset all = Dataset.FromArrays(x, y);                             // x [n, d], y [n, k]: any number of targets
        (Dataset rest, Dataset test) = all.Split(0.2, seed: 1);
        (Dataset train, Dataset validation) = rest.Split(0.1, seed: 2);
        DataSchema schema = train.FitStandardization();                     // inputs and targets
        (train, validation, test) = (train.Standardize(schema), validation.Standardize(schema), test.Standardize(schema));

        var layout = new NetworkLayout([x.GetLength(1), 64, y.GetLength(1)], [Activation.Relu, Activation.Identity]);
        var network = Network<float>.Create(layout, Initialization.He, seed: 1);
        var options = new TrainingOptions { Epochs = 300, BatchSize = 32, Eta = 0.01, Momentum = 0.9, EarlyStoppingPatience = 30 };
        Trainer.Fit(network, train, validation, options);
        RegressionMetrics errors = Evaluator.Evaluate(network, test, options.Cost).Regression!;   // in y's units
        Console.WriteLine($"test R² {errors.R2:F3}, RMSE {errors.Rmse:F2}");

        var predictor = new Predictor(network, schema);                     // raw x in, y's units out
        var price = new float[1];
        predictor.Predict([0.00632f, 18, 2.31f, 0, 0.538f, 6.575f, 65.2f, 4.09f, 1, 296, 15.3f, 396.9f, 4.98f], price);
        // end snippet
        Assert.InRange(errors.R2, 0.7, 1.0);
        Assert.InRange(price[0], 15, 40); // the first house of the original data sold for 24.0
        Snippet.RequireInDocs("regression", nameof(Regression_on_your_own_arrays));
    }

    private static (float[,] X, int[] Labels) Iris()
    {
        Dataset iris = TabularData.FromCsv(UserDataTests.Fixture("iris.csv"), new CsvOptions { SkipRows = 1, HasHeader = false });
        return (Matrix(iris), iris.Labels.ToArray());
    }

    private static (float[,] X, float[,] Y) Boston()
    {
        Dataset boston = TabularData.FromCsv(UserDataTests.Fixture("boston_house_prices.csv"), new CsvOptions { SkipRows = 1, Target = "MEDV" });
        var y = new float[boston.Count, 1];
        for (int i = 0; i < boston.Count; i++) y[i, 0] = boston.Target(i)[0];
        return (Matrix(boston), y);
    }

    private static float[,] Matrix(Dataset data)
    {
        var flat = DatasetTests.AllInputs(data);
        var x = new float[data.Count, data.InputSize];
        for (int i = 0; i < data.Count; i++)
        {
            for (int j = 0; j < data.InputSize; j++) x[i, j] = flat[i * data.InputSize + j];
        }

        return x;
    }
}
