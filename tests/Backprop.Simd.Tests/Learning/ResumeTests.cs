using System.Diagnostics;
using System.Runtime.InteropServices;
using Backprop.Simd.Tests.Cli;

namespace Backprop.Simd.Tests.Learning;

/// <summary>A run stopped between mini-batches and resumed from its checkpoint file ends with the same bits as one never stopped.</summary>
public sealed class ResumeTests() : TemporaryFolder("resume-tests-")
{
    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.9)]
    public void Stopping_and_resuming_gives_bit_identical_weights(int threads, double momentum)
    {
        var options = new TrainingOptions { Epochs = 3, BatchSize = 64, Eta = 2, Momentum = momentum, Lambda = 0.5, Threads = threads, Seed = 4 };
        var layout = NetworkLayout.Uniform([784, 30, 10], Activation.Sigmoid);
        var data = TrainerTests.Small(1000);

        (float[] straight, float[] resumed, TrainingCheckpoint state) = StopAndResume(PathOf("run.checkpoint"), layout, Initialization.Scaled, data, options);
        Assert.Equal((2, 5), (state.Epoch, state.NextBatch));
        Assert.Equal(straight, resumed);
    }

    /// <summary>
    /// Three epochs straight, and the same run stopped after five mini-batches of epoch 2, saved with
    /// CheckpointFile (metadata "{}", checked), loaded and resumed: both final parameter vectors and the checkpoint.
    /// </summary>
    internal static (float[] Straight, float[] Resumed, TrainingCheckpoint State) StopAndResume(
        string path, NetworkLayout layout, Initialization initialization, Backprop.Simd.Dataset data, TrainingOptions options)
    {
        var straight = Network<float>.Create(layout, initialization, 4);
        using (var trainer = new Trainer(straight, data, options))
        {
            for (int epoch = 1; epoch <= 3; epoch++) trainer.TrainEpoch(epoch);
        }

        var interrupted = Network<float>.Create(layout, initialization, 4);
        using (var trainer = new Trainer(interrupted, data, options))
        {
            trainer.TrainEpoch(1);
            using var stop = new CancellationTokenSource();
            int batches = 0;
            trainer.TrainEpoch(2, _ => { if (++batches == 5) stop.Cancel(); }, stop.Token);
            Assert.True(trainer.IsStopped);
            CheckpointFile.Save(path, new SavedModel(interrupted, options.Cost), trainer.Checkpoint(), "{}");
        }

        (SavedModel model, TrainingCheckpoint state, string metadata) = CheckpointFile.Load(path);
        Assert.Equal("{}", metadata);
        using (var resumed = Trainer.Resume(model.Network, data, state))
        {
            resumed.TrainEpoch(2);
            resumed.TrainEpoch(3);
        }

        return (straight.Parameters.ToArray(), model.Network.Parameters.ToArray(), state);
    }

    [Fact]
    public void A_damaged_checkpoint_is_refused_with_the_file_and_offset()
    {
        string path = PathOf("bad.checkpoint");
        File.WriteAllBytes(path, "BPSIMDCK but not really a checkpoint"u8.ToArray());
        string message = Assert.Throws<InvalidDataException>(() => CheckpointFile.Load(path)).Message;
        Assert.StartsWith(path + ": offset", message);
    }

    [Fact]
    public void Ctrl_c_saves_a_checkpoint_that_resume_finishes_like_an_uninterrupted_run()
    {
        string straight = PathOf("straight.bpsimd"), stopped = PathOf("stopped.bpsimd");
        Assert.Equal(0, CliRunner.Run("train", "--epochs", "30", "--json", "--out", straight).ExitCode);

        string tool = Path.Combine(AppContext.BaseDirectory, "backprop.dll");
        using Process child = Process.Start(new ProcessStartInfo("dotnet", ["exec", tool, "train", "--epochs", "30", "--json", "--out", stopped])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        string? first = child.StandardOutput.ReadLine(); // epoch 1 is done: interrupt epoch 2
        Assert.StartsWith("{\"epoch\":1", first);
        Interrupt(child);
        string rest = child.StandardOutput.ReadToEnd(), errors = child.StandardError.ReadToEnd();
        child.WaitForExit();
        Assert.True(child.ExitCode == 130, $"exit {child.ExitCode}: {rest} {errors}");
        Assert.Contains("checkpoint saved", errors);

        var (code, stdout, stderr) = CliRunner.Run("train", "--resume", stopped + ".checkpoint", "--json");
        Assert.True(code == 0, stderr);
        Assert.Equal(File.ReadAllBytes(straight), File.ReadAllBytes(stopped));
        Assert.Equal(30, CliRunner.LastJson(stdout).GetProperty("epochs").GetInt32()); // all epochs, not only those after the resume
    }

    [Fact]
    public void A_stopped_csv_run_resumes_with_the_same_splits_scaling_and_selection()
    {
        string train = Data.UserDataTests.Fixture("boston-train.csv");
        string[] options = ["train", "--data", train, "--target", "MEDV", "--hidden", "256", "--batch", "2", "--epochs", "400", "--early-stopping", "0", "--eta", "0.001", "--momentum", "0", "--json"];
        string straight = PathOf("straight.bpsimd"), stopped = PathOf("stopped.bpsimd");
        var (code, straightOut, straightErr) = CliRunner.Run([.. options, "--out", straight]);
        Assert.True(code == 0, straightErr);

        string tool = Path.Combine(AppContext.BaseDirectory, "backprop.dll");
        using Process child = Process.Start(new ProcessStartInfo("dotnet", ["exec", tool, .. options, "--out", stopped])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        string? first = child.StandardOutput.ReadLine(); // epoch 1 is done: interrupt a later one
        Assert.StartsWith("{\"epoch\":1", first);
        Interrupt(child);
        string rest = child.StandardOutput.ReadToEnd(), errors = child.StandardError.ReadToEnd();
        child.WaitForExit();
        Assert.True(child.ExitCode == 130, $"exit {child.ExitCode}: {rest} {errors}");

        var (resumed, resumedOut, resumedErr) = CliRunner.Run("train", "--resume", stopped + ".checkpoint", "--json");
        Assert.True(resumed == 0, resumedErr);
        Assert.Equal(File.ReadAllBytes(straight), File.ReadAllBytes(stopped));
        var a = CliRunner.LastJson(straightOut);
        var b = CliRunner.LastJson(resumedOut);
        Assert.Equal(a.GetProperty("best_epoch").GetInt32(), b.GetProperty("best_epoch").GetInt32());
        Assert.Equal(a.GetProperty("test_r2").GetDouble(), b.GetProperty("test_r2").GetDouble());
        Assert.Equal(a.GetProperty("validation_r2").GetDouble(), b.GetProperty("validation_r2").GetDouble());
    }

    /// <summary>
    /// Ctrl+C for a child: SIGINT through libc at once. Starting /bin/kill took longer than the rest
    /// of a 30-epoch run on a loaded machine, which then finished with exit 0 before the signal came.
    /// </summary>
    private static void Interrupt(Process child) => Assert.Equal(0, SendSignal(child.Id, 2));

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
