using System.Buffers.Binary;
using Backprop.Simd.Tests.Data;
using Backprop.Simd.Tests.Server;

namespace Backprop.Simd.Tests.Cli;

/// <summary>Issue 14, items 5, 9 and 10 as the command line meets them: divergence that stays finite,
/// sizes that overflowed or crashed late, files that are not files, and a gzip bomb.</summary>
public sealed class LimitsCliTests() : TemporaryFolder("cli-limits-")
{
    private string GoodModel(string name)
    {
        string model = PathOf(name);
        var (code, _, err) = CliRunner.Run("train", "--epochs", "1", "--json", "--out", model);
        Assert.True(code == 0, err);
        return model;
    }

    private static void OneLineError(string stderr)
    {
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.DoesNotContain("   at ", stderr);
    }

    // NaN (identity at eta 1e6, the case that always stopped), saturated weights (eta 1e30: 9.35 % and
    // weights of 1.5e29 with exit 0 before), and an exploding cost (ReLU into identity at eta 2).
    [Theory]
    [InlineData("--activation identity --init nielsen --eta 1e6", "Training diverged in epoch 1, mini-batch", "")]
    [InlineData("--eta 1e30", "Training diverged in epoch 1, mini-batch 800: parameter", "beyond the limit 1E+06")]
    [InlineData("--activation relu --output-activation identity --eta 2", "Training diverged in epoch 1, mini-batch", "times the first mini-batch's")]
    public void Divergence_stops_training_and_keeps_the_previous_model(string options, string where, string why)
    {
        string model = GoodModel("kept.bpsimd");
        byte[] good = File.ReadAllBytes(model);
        var (code, _, stderr) = CliRunner.Run(["train", "--epochs", "2", .. options.Split(' '), "--json", "--out", model]);
        Assert.Equal(1, code);
        Assert.Contains(where, stderr);
        Assert.Contains(why, stderr);
        Assert.Contains("No model was written", stderr);
        OneLineError(stderr);
        Assert.Equal(good, File.ReadAllBytes(model));
    }

    [Fact]
    public void No_divergence_check_lets_a_saturating_run_finish_as_it_did_before_the_checks()
    {
        string model = PathOf("saturated.bpsimd");
        var (code, _, stderr) = CliRunner.Run("train", "--epochs", "1", "--eta", "1e30", "--no-divergence-check", "--json", "--out", model);
        Assert.True(code == 0, stderr);
        float largest = Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude<float>(ModelFile.Load(model).Network.Parameters));
        Assert.True(largest > 1e6f, $"the largest parameter is {largest}: the run did not saturate, so the flag shows nothing");
    }

    [Fact]
    public void Relu_at_eta_2_with_every_unit_dead_stops_as_saturated()
    {
        var (code, _, stderr) = CliRunner.Run("train", "--epochs", "3", "--activation", "relu", "--eta", "2", "--json", "--out", PathOf("dead.bpsimd"));
        Assert.Equal(1, code);
        Assert.Contains("Training diverged in epoch 2, mini-batch 800: no parameter changed in the epoch", stderr);
        OneLineError(stderr);
    }

    [Theory]
    [InlineData("2800000", "1")]
    [InlineData("2147483647", "2")]
    public void A_batch_beyond_the_data_is_one_full_batch_step_without_overflow(string batch, string threads)
    {
        string huge = PathOf($"huge-{batch}.bpsimd"), full = PathOf($"full-{batch}.bpsimd");
        var (code, _, stderr) = CliRunner.Run("train", "--epochs", "2", "--batch", batch, "--threads", threads, "--json", "--out", huge);
        Assert.True(code == 0, stderr);
        (code, _, stderr) = CliRunner.Run("train", "--epochs", "2", "--batch", "8000", "--threads", threads, "--json", "--out", full);
        Assert.True(code == 0, stderr);
        Assert.Equal(File.ReadAllBytes(full), File.ReadAllBytes(huge));
        Assert.NotEqual(Network<float>.Create(NetworkLayout.Uniform([784, 30, 10], Activation.Sigmoid), Initialization.Scaled, 1).Parameters.ToArray(),
            ModelFile.Load(huge).Network.Parameters.ToArray());
    }

    [Fact]
    public void Gradcheck_with_more_samples_than_memory_or_data_is_a_usage_error()
    {
        var (code, _, stderr) = CliRunner.Run("gradcheck", "--samples", "3000000");
        Assert.Equal(2, code);
        Assert.Contains("--samples: 3000000 samples of 784 values are more than memory holds", stderr);
        OneLineError(stderr);
        (code, _, stderr) = CliRunner.Run("gradcheck", "--samples", "9000");
        Assert.Equal(2, code);
        Assert.Contains("--samples: 9000 samples asked for, but the data has only 8000", stderr);
    }

    [Theory]
    [InlineData("1,4000000,140,10", "layer size 1 is 4000000 (1 to 1048576)")]
    [InlineData("784,1100000,10", "layer size 1 is 1100000 (1 to 1048576)")]
    [InlineData("784,1000000,10", "795000010 parameters are more than the 532676607 a file holds")]
    public void A_layout_the_model_file_cannot_hold_is_refused_before_training(string layers, string problem)
    {
        string model = PathOf("wide.bpsimd");
        var (code, stdout, stderr) = CliRunner.Run("train", "--epochs", "1", "--layers", layers, "--out", model);
        Assert.Equal(2, code);
        Assert.Contains("--layers: A model file cannot hold", stderr);
        Assert.Contains(problem, stderr);
        OneLineError(stderr);
        Assert.DoesNotContain("epoch 1", stdout);
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void Sixty_five_layers_are_refused_before_training_with_the_loader_s_own_words()
    {
        string layers = "784," + string.Join(",", Enumerable.Repeat("4", 64)) + ",10";
        var (code, _, stderr) = CliRunner.Run("train", "--epochs", "1", "--layers", layers, "--out", PathOf("deep.bpsimd"));
        Assert.Equal(2, code);
        Assert.Contains("66 layer sizes is not plausible (2 to 64", stderr);

        // The loader says the same of a file that claims 66 sizes: one check for both sides.
        var header = new byte[16];
        ModelFile.Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), ModelFile.Version);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), 66);
        var refused = Assert.Throws<InvalidDataException>(() => ModelFile.Deserialize(header, "deep.bpsimd"));
        Assert.Equal("deep.bpsimd: offset 12: 66 layer sizes is not plausible (2 to 64, that is at most 63 layers).", refused.Message);
    }

    [Fact]
    public void A_layout_that_cannot_train_in_memory_is_refused_before_training()
    {
        // 397 million parameters, a gradient per worker for 256 workers: about 400 GB.
        var (code, _, stderr) = CliRunner.Run("train", "--epochs", "1", "--layers", "784,500000,10", "--threads", "256", "--batch", "8192", "--out", PathOf("big.bpsimd"));
        Assert.Equal(2, code);
        Assert.Contains("--layers: Training [784, 500000, 10]", stderr);
        Assert.Contains("GB available", stderr);
        OneLineError(stderr);
    }

    [Fact]
    public void Models_and_checkpoints_that_are_not_regular_files_are_refused_before_reading()
    {
        string model = PathOf("zero.bpsimd"), checkpoint = PathOf("zero.bpsimd.checkpoint");
        File.CreateSymbolicLink(model, "/dev/zero");
        File.CreateSymbolicLink(checkpoint, "/dev/zero");
        var (code, _, stderr) = CliRunner.Run("evaluate", "--model", model);
        Assert.Equal(1, code);
        Assert.Contains($"{model}: a character device, not a regular file; a model file must be one.", stderr);
        OneLineError(stderr);
        (code, _, stderr) = CliRunner.Run("train", "--resume", checkpoint);
        Assert.Equal(1, code);
        Assert.Contains($"{checkpoint}: a character device, not a regular file; a checkpoint file must be one.", stderr);
        (code, _, stderr) = CliRunner.Run("evaluate", "--model", Folder);
        Assert.Equal(1, code);
        Assert.Contains($"{Folder}: a directory, not a model file.", stderr);
    }

    [Fact]
    public async Task The_server_refuses_a_missing_model_or_a_device_in_one_line()
    {
        string zero = PathOf("served.bpsimd");
        File.CreateSymbolicLink(zero, "/dev/zero");
        var device = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.Start(zero));
        Assert.Contains("the server exited with code 1: ", device.Message);
        Assert.Contains($"backprop-server: {zero}: a character device, not a regular file", device.Message);
        string missing = PathOf("missing.bpsimd");
        var absent = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.Start(missing));
        Assert.Contains($"backprop-server: {missing}: no such model file.", absent.Message);
    }

    [Fact]
    public void A_gzip_bomb_as_train_images_is_refused_from_its_header()
    {
        // 40 images of 1000 x 800 zeros (32 MB) in about 300 KB, for a network of 784 inputs.
        string folder = Directory.CreateDirectory(PathOf("bomb")).FullName;
        byte[] header = IdxBuilder.Images(40, 1000, 800, payloadBytes: 0);
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte.gz"), IdxBuilder.Gzip([.. header, .. new byte[40 * 1000 * 800]]));
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte"), IdxBuilder.Labels(new byte[40]));
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte"), IdxBuilder.Images(2, 28, 28));
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte"), IdxBuilder.Labels(0, 1));
        var (code, _, stderr) = CliRunner.Run("train", "--epochs", "1", "--data", folder, "--out", PathOf("bomb.bpsimd"));
        Assert.Equal(1, code);
        Assert.Contains("train-images-idx3-ubyte.gz: offset 8: the header claims images of 1000 x 800 = 800000 pixels, but the network takes 784 inputs.", stderr);
        OneLineError(stderr);

        // More images claimed than there are labels: refused from the header too, naming both files.
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte.gz"), IdxBuilder.Gzip([.. IdxBuilder.Images(40_000, 28, 28, payloadBytes: 0), .. new byte[40_000 * 784]]));
        (code, _, stderr) = CliRunner.Run("train", "--epochs", "1", "--data", folder, "--out", PathOf("bomb.bpsimd"));
        Assert.Equal(1, code);
        Assert.Contains("offset 4: the header claims 40000 images, but the label file holds 40 labels", stderr);
        Assert.Contains("train-labels-idx1-ubyte", stderr);
    }
}
