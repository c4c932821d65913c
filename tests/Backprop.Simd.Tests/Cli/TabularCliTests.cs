using System.Text.Json;
using Backprop.Simd.Tests.Data;

namespace Backprop.Simd.Tests.Cli;

/// <summary>backprop train, evaluate and predict on a user's CSV and .npy files.</summary>
public sealed class TabularCliTests() : TemporaryFolder("tabular-cli-")
{
    private static readonly string IrisTrain = UserDataTests.Fixture("iris-train.csv"), IrisTest = UserDataTests.Fixture("iris-test.csv");
    private static readonly string BostonTrain = UserDataTests.Fixture("boston-train.csv"), BostonTest = UserDataTests.Fixture("boston-test.csv");

    private (JsonElement Final, string Model) TrainIris(params string[] extra)
    {
        string model = PathOf("iris.bpsimd");
        var (code, stdout, stderr) = CliRunner.Run(["train", "--data", IrisTrain, "--test", IrisTest, "--target", "species", "--hidden", "16", "--epochs", "60", "--json", "--out", model, .. extra]);
        Assert.True(code == 0, stderr);
        return (CliRunner.LastJson(stdout), model);
    }

    [Fact]
    public void Iris_trains_with_defaults_picked_for_classes_and_saves_the_schema()
    {
        (JsonElement final, string model) = TrainIris();
        Assert.Equal("classification", final.GetProperty("task").GetString());
        Assert.InRange(final.GetProperty("test_accuracy").GetDouble(), 0.9, 1.0);
        Assert.InRange(final.GetProperty("validation_accuracy").GetDouble(), 0.5, 1.0);
        Assert.Equal([4, 16, 3], final.GetProperty("layers").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("log-likelihood", final.GetProperty("cost").GetString());
        string picked = final.GetProperty("picked").GetString()!;
        Assert.Contains("task: classification (inferred: 3 classes: setosa, versicolor, virginica", picked);
        Assert.Contains("output softmax", picked);
        Assert.Equal((108, 12, 30), (final.GetProperty("train_samples").GetInt32(), final.GetProperty("validation_samples").GetInt32(), final.GetProperty("test_samples").GetInt32()));
        SavedModel saved = ModelFile.Load(model);
        Assert.Equal(["setosa", "versicolor", "virginica"], saved.Schema.OutputNames);
        Assert.NotNull(saved.Schema.Inputs);
        Assert.Equal(final.GetProperty("best_epoch").GetInt32(), final.GetProperty("best_epoch").GetInt32());
    }

    [Fact]
    public void Evaluate_on_the_test_file_repeats_trains_test_figures_with_class_names()
    {
        (JsonElement final, string model) = TrainIris();
        var (code, stdout, stderr) = CliRunner.Run("evaluate", "--model", model, "--data", IrisTest, "--target", "species", "--json");
        Assert.True(code == 0, stderr);
        JsonElement e = CliRunner.LastJson(stdout);
        Assert.Equal(final.GetProperty("test_accuracy").GetDouble(), e.GetProperty("test_accuracy").GetDouble());
        Assert.Equal(final.GetProperty("test_cost").GetDouble(), e.GetProperty("test_cost").GetDouble());
        Assert.Equal(["setosa", "versicolor", "virginica"], e.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(3, e.GetProperty("precision").GetArrayLength());
        Assert.Equal(30, e.GetProperty("confusion").EnumerateArray().Sum(row => row.EnumerateArray().Sum(n => n.GetInt32())));

        (code, stdout, _) = CliRunner.Run("evaluate", "--model", model, "--data", IrisTest, "--target", "species");
        Assert.Equal(0, code);
        Assert.Contains("precision", stdout);
        Assert.Contains("virginica", stdout);
    }

    [Fact]
    public void Predict_gives_a_row_per_input_from_a_file_or_stdin()
    {
        (_, string model) = TrainIris();
        var (code, stdout, stderr) = CliRunner.Run("predict", "--model", model, "--input", IrisTest);
        Assert.True(code == 0, stderr);
        string[] lines = stdout.TrimEnd().Split('\n');
        Assert.Equal("class,p_setosa,p_versicolor,p_virginica", lines[0]);
        Assert.Equal(31, lines.Length);
        Assert.StartsWith("virginica,", lines[1]); // the first test row, 7.3,2.9,6.3,1.8, is a virginica; its species column is left out
        string[] p = lines[1].Split(',')[1..];
        Assert.Equal(1.0, p.Sum(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)), 5);

        // Only the input columns, in another order, on stdin: columns are taken by name.
        string csv = "petal_width,petal_length,sepal_width,sepal_length\n0.2,1.4,3.5,5.1\n2.3,5.9,3.0,6.8\n";
        (code, stdout, stderr) = CliRunner.RunWithInput(csv, "predict", "--model", model, "--input", "-", "--json");
        Assert.True(code == 0, stderr);
        string[] rows = stdout.TrimEnd().Split('\n');
        Assert.Equal(2, rows.Length);
        Assert.Equal("setosa", JsonDocument.Parse(rows[0]).RootElement.GetProperty("class").GetString());
        Assert.Equal("virginica", JsonDocument.Parse(rows[1]).RootElement.GetProperty("class").GetString());
    }

    [Fact]
    public void Boston_prices_train_as_a_standardised_regression()
    {
        string model = PathOf("boston.bpsimd");
        var (code, stdout, stderr) = CliRunner.Run("train", "--data", BostonTrain, "--test", BostonTest, "--target", "MEDV", "--hidden", "32", "--epochs", "80", "--json", "--out", model);
        Assert.True(code == 0, stderr);
        JsonElement final = CliRunner.LastJson(stdout);
        Assert.Equal("regression", final.GetProperty("task").GetString());
        Assert.InRange(final.GetProperty("test_r2").GetDouble(), 0.6, 1.0);
        double rmse = final.GetProperty("test_rmse").GetDouble();
        Assert.InRange(rmse, 1.0, 8.0); // dollars in thousands: de-standardised
        Assert.Equal(rmse * rmse, final.GetProperty("test_mse").GetDouble(), 6);
        Assert.True(final.GetProperty("test_mae").GetDouble() <= rmse);
        Assert.Contains("output identity", final.GetProperty("picked").GetString());
        Assert.NotNull(ModelFile.Load(model).Schema.Targets);

        (code, stdout, _) = CliRunner.Run("evaluate", "--model", model, "--data", BostonTest, "--json");
        Assert.Equal(0, code); // the model remembers its target column, MEDV
        Assert.Equal(final.GetProperty("test_r2").GetDouble(), CliRunner.LastJson(stdout).GetProperty("test_r2").GetDouble(), 12);

        (code, stdout, _) = CliRunner.Run("predict", "--model", model, "--input", BostonTest);
        Assert.Equal(0, code);
        string[] lines = stdout.TrimEnd().Split('\n');
        Assert.Equal("MEDV", lines[0]);
        Assert.InRange(double.Parse(lines[1], System.Globalization.CultureInfo.InvariantCulture), 5, 55);
    }

    [Fact]
    public void Npy_inputs_and_labels_train_and_predict()
    {
        Dataset iris = TabularData.FromCsv(IrisTrain);
        var x = new float[iris.Count * 4];
        iris.CopyInputs(0, iris.Count, x);
        string xPath = PathOf("x.npy"), yPath = PathOf("y.npy");
        NpyFile.Write<float>(xPath, x, iris.Count, 4);
        UserDataTests.WriteInt64(yPath, iris.Labels.ToArray().Select(l => (long)l).ToArray());
        var (code, stdout, stderr) = CliRunner.Run("train", "--data", xPath, "--targets", yPath, "--hidden", "8", "--epochs", "40", "--json", "--out", PathOf("n.bpsimd"));
        Assert.True(code == 0, stderr);
        JsonElement final = CliRunner.LastJson(stdout);
        Assert.InRange(final.GetProperty("test_accuracy").GetDouble(), 0.8, 1.0);
        Assert.Equal(24, final.GetProperty("test_samples").GetInt32()); // --test-fraction 0.2 of 120, stratified

        (code, stdout, _) = CliRunner.Run("predict", "--model", PathOf("n.bpsimd"), "--input", xPath);
        Assert.Equal(0, code);
        Assert.Equal(121, stdout.TrimEnd().Split('\n').Length);
        Assert.Equal("class,p_0,p_1,p_2", stdout.Split('\n')[0]);
    }

    [Fact]
    public void Bad_data_exits_1_naming_file_line_and_column()
    {
        string bad = PathOf("bad.csv");
        File.WriteAllText(bad, "a,b,y\n1,2,x\n3,oops,y\n");
        var (code, _, stderr) = CliRunner.Run("train", "--data", bad, "--epochs", "1");
        Assert.Equal(1, code);
        Assert.Contains("bad.csv: line 3, column 2 (b): 'oops' is not a number", stderr);
        Assert.DoesNotContain("   at ", stderr);

        string test = PathOf("unseen.csv");
        File.WriteAllText(test, "sepal_length,sepal_width,petal_length,petal_width,species\n5,3,1,0.2,setosa\n5,3,1,0.2,daisy\n");
        (code, _, stderr) = CliRunner.Run("train", "--data", IrisTrain, "--test", test, "--epochs", "1");
        Assert.Equal(1, code);
        Assert.Contains("unseen.csv: line 3, column 5 (species): class 'daisy' never occurs in the training data", stderr);

        (code, _, stderr) = CliRunner.Run("train", "--data", PathOf("nothing.csv"), "--epochs", "1");
        Assert.Equal(1, code);
        Assert.Contains("nothing.csv", stderr);
    }

    [Fact]
    public void Options_that_do_not_fit_the_data_are_usage_errors()
    {
        var (code, _, stderr) = CliRunner.Run("train", "--data", IrisTrain, "--layers", "4,10,2", "--epochs", "1");
        Assert.Equal(2, code);
        Assert.Contains("--layers: the network has 2 outputs, but", stderr);
        Assert.Contains("3 classes", stderr);

        (code, _, stderr) = CliRunner.Run("train", "--data", IrisTrain, "--hidden", "16,x", "--epochs", "1");
        Assert.Equal(2, code);
        Assert.Contains("--hidden: 'x'", stderr);

        (code, _, stderr) = CliRunner.Run("train", "--test", IrisTest, "--epochs", "1");
        Assert.Equal(2, code);
        Assert.Contains("--test: an MNIST folder has its own test files", stderr);

        string x = PathOf("x.npy");
        NpyFile.Write<float>(x, new float[4], 2, 2);
        (code, _, stderr) = CliRunner.Run("train", "--data", x, "--epochs", "1");
        Assert.Equal(2, code);
        Assert.Contains("give the targets with --targets Y.npy", stderr);

        (code, _, stderr) = CliRunner.Run("train", "--data", IrisTrain, "--task", "clustering", "--epochs", "1");
        Assert.Equal(2, code);
        Assert.Contains("--task: 'clustering' is not a task", stderr);
    }

    [Fact]
    public void Without_json_the_tool_says_what_it_chose_and_shows_the_metrics()
    {
        var (code, stdout, stderr) = CliRunner.Run("train", "--data", BostonTrain, "--target", "MEDV", "--epochs", "5", "--out", PathOf("b.bpsimd"));
        Assert.True(code == 0, stderr);
        Assert.Contains("task: regression (inferred", stdout);
        Assert.Contains("picked activation relu", stdout);
        Assert.Contains("regression errors", stdout);
        Assert.Contains("RMSE", stdout);
    }
}
