namespace Backprop.Simd.Tests.Data;

/// <summary>Datasets from the user's arrays, CSV and .npy files: targets, classes, splits and standardisation.</summary>
public sealed class UserDataTests() : TemporaryFolder("user-data-")
{
    internal static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "sklearn", name);

    [Fact]
    public void Arrays_with_labels_become_one_hot_targets_and_a_class_view()
    {
        Dataset data = Dataset.FromArrays(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }, [2, 0, 1], ["a", "b", "c"]);
        Assert.Equal((3, 2, 3, 3), (data.Count, data.InputSize, data.TargetSize, data.ClassCount));
        Assert.Equal(LearningTask.Classification, data.Task);
        Assert.Equal([0f, 0f, 1f], data.Target(0).ToArray());
        Assert.Equal(2, data.Label(0));
        Assert.Equal("c", data.Schema.ClassName(2));
        var x = new float[4];
        var y = new float[6];
        data.Gather([2, 0], x, y);
        Assert.Equal([5f, 6f, 1f, 2f], x);
        Assert.Equal([0f, 1f, 0f, 0f, 0f, 1f], y);
    }

    [Fact]
    public void Arrays_with_target_vectors_are_regression_data_of_any_width()
    {
        Dataset data = Dataset.FromArrays(new float[,] { { 1 }, { 2 } }, new float[,] { { 0.5f, -1, 7 }, { 2, 3, 4 } });
        Assert.Equal(LearningTask.Regression, data.Task);
        Assert.Equal((2, 1, 3, 0), (data.Count, data.InputSize, data.TargetSize, data.ClassCount));
        Assert.Equal([2f, 3f, 4f], data.Target(1).ToArray());
        Assert.Throws<InvalidOperationException>(() => data.Label(0));
    }

    [Fact]
    public void Bad_arrays_are_refused_naming_what_is_wrong()
    {
        Assert.Contains("not the same number of whole rows", Assert.Throws<ArgumentException>(() => Dataset.FromArrays(new float[6], 2, new float[2], 1)).Message);
        Assert.Contains("input 1 of sample 0 is NaN", Assert.Throws<ArgumentException>(() => Dataset.FromArrays([0f, float.NaN], 2, new float[1], 1)).Message);
        Assert.Contains("target 0 of sample 1 is Infinity", Assert.Throws<ArgumentException>(() => Dataset.FromArrays(new float[2], 1, [0f, float.PositiveInfinity], 1)).Message);
        Assert.Contains("Label 3 of sample 1 is out of range 0..2", Assert.Throws<ArgumentException>(() => Dataset.FromArrays(new float[2], 1, [0, 3], 3)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.FromArrays(new float[2], 1, [0, 0], 1));
        Assert.Contains("names 1 outputs", Assert.Throws<ArgumentException>(() => Dataset.FromArrays(new float[2], 1, [0, 1], 2, ["only"])).Message);
    }

    [Fact]
    public void A_split_is_seeded_disjoint_and_stratified()
    {
        int[] labels = [.. Enumerable.Repeat(0, 50), .. Enumerable.Repeat(1, 30), .. Enumerable.Repeat(2, 20)];
        float[] inputs = Enumerable.Range(0, 100).Select(i => (float)i).ToArray();
        Dataset data = Dataset.FromArrays(inputs, 1, labels, 3);
        (Dataset kept, Dataset taken) = data.Split(0.2, seed: 4);
        Assert.Equal((80, 20), (kept.Count, taken.Count));
        Assert.Equal([10, 6, 4], Enumerable.Range(0, 3).Select(c => taken.Labels.ToArray().Count(l => l == c)).ToArray());
        float[] a = DatasetTests.AllInputs(kept), b = DatasetTests.AllInputs(taken);
        Assert.Empty(a.Intersect(b));
        Assert.Equal(100, a.Union(b).Count());
        Assert.Equal(b, DatasetTests.AllInputs(data.Split(0.2, seed: 4).Taken));
        Assert.NotEqual(b, DatasetTests.AllInputs(data.Split(0.2, seed: 5).Taken));
    }

    [Fact]
    public void Standardisation_uses_the_training_statistics_for_every_split()
    {
        Dataset train = Dataset.FromArrays([1f, 10f, 3f, 10f, 5f, 10f], 2, [2f, 4f, 6f], 1);
        DataSchema schema = train.FitStandardization();
        Assert.Equal([3f, 10f], schema.Inputs!.Mean.ToArray());
        Assert.Equal((float)Math.Sqrt(8.0 / 3), schema.Inputs.Scale[0]);
        Assert.Equal(1f, schema.Inputs.Scale[1]); // a constant column keeps scale 1
        Assert.Equal([4f], schema.Targets!.Mean.ToArray());
        Dataset scaled = train.Standardize(schema);
        Assert.Equal([(1 - 3) / (float)Math.Sqrt(8.0 / 3), 0f], DatasetTests.AllInputs(scaled)[..2]);
        Dataset test = Dataset.FromArrays([3f, 12f], 2, [8f], 1).Standardize(schema);
        Assert.Equal([0f, 2f], DatasetTests.AllInputs(test));
        Assert.Equal(2f * 4 / (float)Math.Sqrt(8.0 / 3) / 2, test.Target(0)[0], 5);
    }

    [Fact]
    public void Iris_reads_as_three_named_classes_sorted_by_name()
    {
        Dataset iris = TabularData.FromCsv(Fixture("iris-train.csv"), new CsvOptions { Target = "species" });
        Assert.Equal(LearningTask.Classification, iris.Task);
        Assert.Equal(["setosa", "versicolor", "virginica"], iris.Schema.OutputNames);
        Assert.Equal(["sepal_length", "sepal_width", "petal_length", "petal_width"], iris.Schema.InputNames);
        Assert.Equal(120, iris.Count);
    }

    [Fact]
    public void The_bundled_iris_file_reads_after_its_preamble_without_a_header()
    {
        Dataset iris = TabularData.FromCsv(Fixture("iris.csv"), new CsvOptions { SkipRows = 1, HasHeader = false });
        Assert.Equal((150, 4, 3), (iris.Count, iris.InputSize, iris.ClassCount));
        Assert.Equal(["0", "1", "2"], iris.Schema.OutputNames); // integer targets, few distinct: classes named by value
    }

    [Fact]
    public void Boston_prices_read_as_regression_and_the_task_can_be_forced()
    {
        Dataset boston = TabularData.FromCsv(Fixture("boston-train.csv"), new CsvOptions { Target = "MEDV" });
        Assert.Equal(LearningTask.Regression, boston.Task);
        Assert.Equal(["MEDV"], boston.Schema.OutputNames);
        Assert.Equal(13, boston.InputSize);
        var chas = new CsvOptions { Target = "CHAS" }; // the river dummy: 0 or 1
        Assert.Equal(LearningTask.Classification, TabularData.FromCsv(Fixture("boston-train.csv"), chas).Task);
        Assert.Equal(LearningTask.Regression, TabularData.FromCsv(Fixture("boston-train.csv"), chas, LearningTask.Regression).Task);
    }

    [Theory]
    [InlineData(100, LearningTask.Classification)]
    [InlineData(101, LearningTask.Regression)]
    public void Integer_targets_are_classes_up_to_100_distinct_values(int distinct, LearningTask expected)
    {
        string path = Write("t.csv", "x,y\n" + string.Concat(Enumerable.Range(0, 2 * distinct).Select(i => $"{i},{i % distinct}\n")));
        Assert.Equal(expected, TabularData.FromCsv(path).Task);
    }

    [Fact]
    public void Fractional_targets_are_regression_and_cannot_be_forced_into_classes()
    {
        string path = Write("f.csv", "x,y\n1,0.5\n2,1\n3,1.5\n");
        Assert.Equal(LearningTask.Regression, TabularData.FromCsv(path).Task);
        string message = Assert.Throws<InvalidDataException>(() => TabularData.FromCsv(path, task: LearningTask.Classification)).Message;
        Assert.Contains("f.csv: column 2 (y), line 2: 0.5 is not a class label", message);
    }

    [Fact]
    public void Text_targets_cannot_be_regression()
    {
        string message = Assert.Throws<InvalidDataException>(() => TabularData.FromCsv(Fixture("iris-train.csv"), task: LearningTask.Regression)).Message;
        Assert.Contains("column 5 (species): regression needs numeric targets", message);
        Assert.Contains("line 2", message);
    }

    [Fact]
    public void A_class_the_training_data_never_saw_is_named_with_its_line()
    {
        Dataset train = TabularData.FromCsv(Write("train.csv", "x,kind\n1,cat\n2,dog\n3,cat\n"));
        string test = Write("test.csv", "x,kind\n1,dog\n2,cat\n3,bird\n");
        string message = Assert.Throws<InvalidDataException>(() => TabularData.FromCsv(test, like: train.Schema)).Message;
        Assert.Contains("test.csv: line 4, column 2 (kind): class 'bird' never occurs in the training data (its classes: cat, dog)", message);
        Dataset ok = TabularData.FromCsv(Write("ok.csv", "x,kind\n5,dog\n"), like: train.Schema);
        Assert.Equal(1, ok.Label(0)); // the training index of "dog", though the file has only that class
        Assert.Equal(2, ok.ClassCount);
    }

    [Fact]
    public void A_test_file_with_other_columns_is_refused()
    {
        Dataset train = TabularData.FromCsv(Write("a.csv", "x,z,k\n1,2,a\n2,3,b\n"));
        string message = Assert.Throws<InvalidDataException>(() => TabularData.FromCsv(Write("b.csv", "x,w,k\n1,2,a\n"), like: train.Schema)).Message;
        Assert.Contains("b.csv: the input columns differ from the training data's: column 2 is 'w'", message);
    }

    [Fact]
    public void A_single_class_is_not_a_classification()
    {
        string message = Assert.Throws<InvalidDataException>(() => TabularData.FromCsv(Write("one.csv", "x,k\n1,a\n2,a\n"))).Message;
        Assert.Contains("classification needs at least 2 classes", message);
    }

    [Fact]
    public void Npy_inputs_take_float_targets_of_any_width_or_integer_labels()
    {
        string x = Path.Combine(Folder, "x.npy");
        NpyFile.Write<double>(x, [1, 2, 3, 4, 5, 6], 3, 2);
        string y = Path.Combine(Folder, "y.npy");
        NpyFile.Write<float>(y, [1, 2, 3, 4, 5, 6], 3, 2);
        Dataset regression = TabularData.FromNpy(x, y);
        Assert.Equal((LearningTask.Regression, 2, 2), (regression.Task, regression.InputSize, regression.TargetSize));
        Assert.Equal([5f, 6f], regression.Target(2).ToArray());

        string labels = Path.Combine(Folder, "labels.npy");
        WriteInt64(labels, [2, 0, 1]);
        Dataset classes = TabularData.FromNpy(x, labels);
        Assert.Equal((LearningTask.Classification, 3), (classes.Task, classes.ClassCount));
        Assert.Equal(2, classes.Label(0));

        string y1 = Path.Combine(Folder, "y1.npy");
        NpyFile.Write<float>(y1, [0, 1, 1], 3);
        Assert.Equal(LearningTask.Regression, TabularData.FromNpy(x, y1).Task);
        Assert.Equal(LearningTask.Classification, TabularData.FromNpy(x, y1, LearningTask.Classification).Task);
    }

    [Fact]
    public void Npy_shapes_that_do_not_fit_are_refused_naming_the_file()
    {
        string x = Path.Combine(Folder, "x.npy");
        NpyFile.Write<float>(x, new float[6], 3, 2);
        string y = Path.Combine(Folder, "y.npy");
        NpyFile.Write<float>(y, new float[4], 4);
        Assert.Contains("y.npy: targets of shape (4) do not fit 3 inputs", Assert.Throws<InvalidDataException>(() => TabularData.FromNpy(x, y)).Message);
        string flat = Path.Combine(Folder, "flat.npy");
        NpyFile.Write<float>(flat, new float[6], 6);
        Assert.Contains("flat.npy: inputs must be a matrix [n, d]", Assert.Throws<InvalidDataException>(() => TabularData.FromNpy(flat, y)).Message);
        string negative = Path.Combine(Folder, "neg.npy");
        WriteInt64(negative, [0, -1, 1]);
        Assert.Contains("neg.npy: element 1 is -1, not a class label", Assert.Throws<InvalidDataException>(() => TabularData.FromNpy(x, negative)).Message);
        string nan = Path.Combine(Folder, "nan.npy");
        NpyFile.Write<float>(nan, [0, float.NaN, 0, 0, 0, 0], 3, 2);
        Assert.Contains("nan.npy: element [0, 1] is NaN", Assert.Throws<InvalidDataException>(() => TabularData.FromNpy(nan, y)).Message);
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(Folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    // An int64 .npy file as numpy.save writes it.
    internal static void WriteInt64(string path, long[] values)
    {
        string header = $"{{'descr': '<i8', 'fortran_order': False, 'shape': ({values.Length},), }}";
        header = header.PadRight(header.Length + (64 - (10 + header.Length + 1) % 64) % 64) + "\n";
        using var file = File.Create(path);
        file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0]);
        file.Write(System.Text.Encoding.ASCII.GetBytes(header));
        foreach (long v in values) file.Write(BitConverter.GetBytes(v));
    }
}
