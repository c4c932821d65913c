namespace Backprop.Simd.Tests.IO;

public sealed class NpyTests() : TemporaryFolder("npy-tests-")
{
    [Fact]
    public void Float_and_double_arrays_round_trip_with_their_shapes()
    {
        float[] f = Kernels.TestData.ToFloat(Kernels.TestData.Uniform(12, 1));
        string path = Path.Combine(Folder, "f.npy");
        NpyFile.Write<float>(path, f, 3, 4);
        (float[] back, int[] shape) = NpyFile.Read<float>(path);
        Assert.Equal(f, back);
        Assert.Equal([3, 4], shape);

        double[] d = Kernels.TestData.Uniform(5, 2);
        NpyFile.Write<double>(path, d, 5);
        (double[] backD, int[] shapeD) = NpyFile.Read<double>(path);
        Assert.Equal(d, backD);
        Assert.Equal([5], shapeD);
    }

    [Fact]
    public void The_header_is_the_one_numpy_writes()
    {
        string path = Path.Combine(Folder, "h.npy");
        NpyFile.Write<float>(path, new float[6], 2, 3);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, bytes[..8]);
        int headerLength = bytes[8] | bytes[9] << 8;
        Assert.Equal(0, (10 + headerLength) % 64);
        string header = System.Text.Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header);
        Assert.EndsWith("\n", header);
        Assert.Equal(10 + headerLength + 24, bytes.Length);
    }

    [Fact]
    public void A_file_written_by_numpy_reads_back()
    {
        // Fixtures/numpy-arange.npy was written by Fixtures/make-fixtures.py: np.arange(6, dtype='<f8').reshape(2, 3) / 4.
        string fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "numpy-arange.npy");
        (double[] data, int[] shape) = NpyFile.Read<double>(fixture);
        Assert.Equal([2, 3], shape);
        Assert.Equal([0, 0.25, 0.5, 0.75, 1.0, 1.25], data);
        (float[] asFloat, _) = NpyFile.Read<float>(fixture);
        Assert.Equal([0f, 0.25f, 0.5f, 0.75f, 1.0f, 1.25f], asFloat);
    }

    [Fact]
    public void Bad_files_name_the_file_and_the_problem()
    {
        string path = Path.Combine(Folder, "bad.npy");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Contains("bad.npy", Assert.Throws<InvalidDataException>(() => NpyFile.Read<float>(path)).Message);

        NpyFile.Write<float>(path, new float[6], 2, 3);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);
        Assert.Contains("needs 24 bytes", Assert.Throws<InvalidDataException>(() => NpyFile.Read<float>(path)).Message);

        File.WriteAllBytes(path, bytes);
        string text = System.Text.Encoding.Latin1.GetString(bytes).Replace("<f4", "<i4");
        File.WriteAllBytes(path, System.Text.Encoding.Latin1.GetBytes(text));
        Assert.Contains("'<i4' is not supported", Assert.Throws<InvalidDataException>(() => NpyFile.Read<float>(path)).Message);
    }

    [Fact]
    public void A_network_exports_one_file_per_weight_and_bias_and_imports_back()
    {
        var layout = NetworkLayout.Uniform([5, 4, 3], Activation.Sigmoid);
        var network = Network<float>.Create(layout, Initialization.Scaled, 8);
        IReadOnlyList<string> written = NetworkNpy.Write<float>(layout, network.Parameters, Folder);
        Assert.Equal(["W1.npy", "b1.npy", "W2.npy", "b2.npy"], written.Select(Path.GetFileName));
        Assert.Equal([4, 5], NpyFile.Read<float>(written[0]).Shape);

        var back = new Network<float>(layout);
        NetworkNpy.Read<float>(layout, Folder, back.Parameters);
        Assert.Equal(network.Parameters.ToArray(), back.Parameters.ToArray());

        NetworkNpy.Write<double>(layout, network.Convert<double>().Parameters, Folder, prefix: "d");
        Assert.True(File.Exists(Path.Combine(Folder, "dW2.npy")));

        var wider = NetworkLayout.Uniform([5, 6, 3], Activation.Sigmoid);
        var ex = Assert.Throws<InvalidDataException>(() => NetworkNpy.Read<float>(wider, Folder, new float[wider.ParameterCount]));
        Assert.Contains("W1.npy", ex.Message);
        Assert.Contains("(6, 5)", ex.Message);
    }
}
