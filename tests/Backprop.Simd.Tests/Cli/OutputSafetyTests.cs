using System.Runtime.InteropServices;
using System.Text.Json;
using Backprop.Simd.Cli;

namespace Backprop.Simd.Tests.Cli;

/// <summary>
/// Issue 14, items 1 to 4 and the checkpoint metadata of item 8, through the command line: outputs that are one file,
/// targets that are not regular files or not models, symbolic links, stale checkpoints and two runs on one output.
/// </summary>
public sealed class OutputSafetyTests() : TemporaryFolder("output-safety-")
{
    private static readonly string[] Quick = ["train", "--epochs", "1", "--json"];

    private static (int ExitCode, string Out, string Err) Train(params string[] more) => CliRunner.Run([.. Quick, .. more]);

    [Fact]
    public void An_out_and_a_plot_that_are_one_file_are_refused_before_training()
    {
        string same = PathOf("same.png");
        var (code, stdout, stderr) = Train("--out", same, "--plot", same);
        Assert.Equal(2, code);
        Assert.Contains("are the same file", stderr);
        Assert.Equal("", stdout); // no epoch ran
        Assert.False(File.Exists(same));
    }

    [Fact]
    public void A_plot_that_is_a_link_to_the_model_is_the_same_file()
    {
        string model = PathOf("model.bpsimd"), plot = PathOf("curves.png");
        Assert.Equal(0, Train("--out", model).ExitCode);
        byte[] before = File.ReadAllBytes(model);
        File.CreateSymbolicLink(plot, model);
        var (code, _, stderr) = Train("--out", model, "--plot", plot);
        Assert.Equal(2, code);
        Assert.Contains($"--plot '{plot}' and --out '{model}' are the same file", stderr);
        Assert.Equal(before, File.ReadAllBytes(model));
    }

    [Fact]
    public void An_out_that_is_the_input_data_is_refused()
    {
        string csv = PathOf("data.csv");
        File.Copy(Data.UserDataTests.Fixture("boston-train.csv"), csv);
        byte[] before = File.ReadAllBytes(csv);
        var (code, _, stderr) = CliRunner.Run("train", "--data", csv, "--target", "MEDV", "--epochs", "1", "--out", csv, "--force");
        Assert.Equal(2, code);
        Assert.Contains("is the input --data", stderr);
        Assert.Equal(before, File.ReadAllBytes(csv));
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int HardLink([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string created);

    private static void Link(string existing, string created) => Assert.True(HardLink(existing, created) == 0, $"link(2) failed: {Marshal.GetLastPInvokeError()}");

    [Fact]
    public void An_out_that_is_a_hard_link_of_the_input_data_is_refused()
    {
        string csv = PathOf("data.csv"), linked = PathOf("linked.bpsimd");
        File.Copy(Data.UserDataTests.Fixture("boston-train.csv"), csv);
        byte[] before = File.ReadAllBytes(csv);
        Link(csv, linked);
        Assert.True(OutputFile.HardLinks(csv, linked));
        Assert.False(OutputFile.HardLinks(csv, Data.UserDataTests.Fixture("boston-train.csv"))); // a copy is another file

        var (code, stdout, stderr) = CliRunner.Run("train", "--data", csv, "--target", "MEDV", "--epochs", "1", "--out", linked, "--force");

        Assert.Equal(2, code);
        Assert.Contains($"--out '{linked}' is a hard link of the input --data '{csv}' (one file under two names)", stderr);
        Assert.Equal("", stdout);
        Assert.Equal(before, File.ReadAllBytes(csv));
        Assert.Equal(before, File.ReadAllBytes(linked));
    }

    [Fact]
    public void A_plot_that_is_a_hard_link_of_the_model_is_refused()
    {
        string model = PathOf("model.bpsimd"), plot = PathOf("curves.png");
        Assert.Equal(0, Train("--out", model).ExitCode);
        byte[] before = File.ReadAllBytes(model);
        Link(model, plot);
        var (code, _, stderr) = Train("--out", model, "--plot", plot);
        Assert.Equal(2, code);
        Assert.Contains($"--plot '{plot}' and --out '{model}' are hard links of one file", stderr);
        Assert.Equal(before, File.ReadAllBytes(model));
    }

    [Fact]
    public void The_portable_kind_check_knows_directories_and_regular_files()
    {
        // What other systems than Linux rely on (RegularFile.PortableKindOf); statx answers here.
        string file = PathOf("plain.txt");
        File.WriteAllText(file, "x");
        Assert.Null(RegularFile.PortableKindOf(file));
        Assert.Equal("directory", RegularFile.PortableKindOf(Folder));
        Assert.Equal("directory", RegularFile.KindOf(Folder));
        Assert.Equal("character device", RegularFile.KindOf("/dev/null"));
        Assert.Null(RegularFile.PortableKindOf(PathOf("nothing-here")));
    }

    [Fact]
    public void An_export_over_its_own_model_is_refused()
    {
        string model = PathOf("model.bpsimd"), link = PathOf("model.onnx");
        Assert.Equal(0, Train("--out", model).ExitCode);
        byte[] before = File.ReadAllBytes(model);
        File.CreateSymbolicLink(link, model);
        var (code, _, stderr) = CliRunner.Run("export", "--model", model, "--format", "onnx", "--out", link);
        Assert.Equal(2, code);
        Assert.Contains("the export would destroy the model", stderr);
        Assert.Equal(before, File.ReadAllBytes(model));
    }

    [Theory]
    [InlineData("directory")]
    [InlineData("fifo")]
    public void An_out_that_is_not_a_regular_file_is_refused_before_the_first_epoch(string kind)
    {
        string target = PathOf("target");
        if (kind == "directory")
        {
            Directory.CreateDirectory(target);
        }
        else
        {
            using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [target])!;
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var (code, stdout, stderr) = Train("--out", target);
        Assert.Equal(1, code);
        Assert.Contains(kind == "directory" ? "is a directory, not a regular file" : "is a FIFO, not a regular file", stderr);
        Assert.Equal("", stdout);
        Assert.Equal(kind == "directory", Directory.Exists(target));
    }

    [Fact]
    public void A_device_is_never_replaced()
    {
        // /dev/null is the case; as root a rename over it would turn it into a regular file.
        Assert.Equal("a character device", OutputFile.NonRegularKind("/dev/null"));
        var (code, _, stderr) = Train("--out", "/dev/null");
        Assert.Equal(1, code);
        Assert.Contains("'/dev/null' is a character device, not a regular file", stderr);
        Assert.Throws<IOException>(() => AtomicFile.Write("/dev/null", s => s.WriteByte(1)));
    }

    [Fact]
    public void An_out_in_a_missing_folder_fails_before_training()
    {
        var (code, stdout, stderr) = Train("--out", PathOf("missing/model.bpsimd"));
        Assert.Equal(1, code);
        Assert.Contains("does not exist", stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void An_out_that_is_not_a_model_file_is_kept_unless_forced()
    {
        string notes = PathOf("notes.txt");
        File.WriteAllText(notes, "my notes");
        var (code, stdout, stderr) = Train("--out", notes);
        Assert.Equal(2, code);
        Assert.Contains("is not a Backprop.Simd model file", stderr);
        Assert.Contains("--force", stderr);
        Assert.Equal("", stdout);
        Assert.Equal("my notes", File.ReadAllText(notes));

        Assert.Equal(0, Train("--out", notes, "--force").ExitCode);
        Assert.Equal(3, ModelFile.Load(notes).Network.Layout.Sizes.Length);
    }

    [Fact]
    public void An_existing_model_file_is_overwritten_without_force()
    {
        string model = PathOf("model.bpsimd");
        Assert.Equal(0, Train("--out", model).ExitCode);
        Assert.Equal(0, Train("--out", model, "--seed", "7").ExitCode);
    }

    [Fact]
    public void A_save_through_a_link_replaces_its_target_and_keeps_the_link()
    {
        string target = PathOf("target.bpsimd"), link = PathOf("link.bpsimd");
        Assert.Equal(0, Train("--out", target).ExitCode);
        byte[] first = File.ReadAllBytes(target);
        File.CreateSymbolicLink(link, target);
        Assert.Equal(0, Train("--out", link, "--seed", "9").ExitCode);
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.NotEqual(first, File.ReadAllBytes(target));
        Assert.Equal(File.ReadAllBytes(target), File.ReadAllBytes(link));
    }

    [Fact]
    public void A_second_run_on_a_held_output_fails_fast_naming_the_path()
    {
        string model = PathOf("model.bpsimd");
        using (new FileStream(OutputClaim.LockPath(model), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var (code, stdout, stderr) = Train("--out", model);
            Assert.Equal(1, code);
            Assert.Contains($"'{model}' is being written by another training run", stderr);
            Assert.Equal("", stdout);
            Assert.False(File.Exists(model));
        }

        // The holder is gone (as a killed process's lock is): the next run goes ahead and cleans the lock file up.
        Assert.Equal(0, Train("--out", model).ExitCode);
        Assert.True(File.Exists(model));
        Assert.False(File.Exists(OutputClaim.LockPath(model)));
    }

    [Fact]
    public void A_link_and_its_target_share_one_lock()
    {
        string target = PathOf("target.bpsimd"), link = PathOf("link.bpsimd");
        File.CreateSymbolicLink(link, target);
        Assert.Equal(OutputClaim.LockPath(target), OutputClaim.LockPath(link));
    }

    /// <summary>A checkpoint as Ctrl+C leaves one for <c>train --epochs 2 --out model</c>, stopped in epoch 1, with its metadata.</summary>
    internal static void StoppedRun(string model, string checkpoint, string? metadata = null)
    {
        var data = DigitsData();
        var options = new TrainingOptions { Epochs = 2, BatchSize = 10, Eta = 3, Seed = 1 };
        var network = Network<float>.Create(NetworkLayout.Uniform([784, 30, 10], Activation.Sigmoid), Initialization.Scaled, 1);
        using var trainer = new Trainer(network, data.Train, options);
        using var stop = new CancellationTokenSource();
        int batches = 0;
        trainer.TrainEpoch(1, _ => { if (++batches == 3) stop.Cancel(); }, stop.Token);
        var saved = new CheckpointMetadata(new DataOptions.Settings(null, null, null, null, null, null, null, 0, false),
            new TrainingData.Splitting(null, null, null, false, 1), model, null, ModelDigest.Of(model));
        CheckpointFile.Save(checkpoint, new SavedModel(network, options.Cost), trainer.Checkpoint(), metadata ?? JsonSerializer.Serialize(saved));
    }

    private static Backprop.Simd.DataSplit DigitsData() => EmbeddedDigits.Load();

    [Fact]
    public void A_completed_resume_retires_its_checkpoint()
    {
        string model = PathOf("part.bpsimd"), checkpoint = model + ".checkpoint";
        StoppedRun(model, checkpoint);
        var (code, _, stderr) = CliRunner.Run("train", "--resume", checkpoint, "--json");
        Assert.True(code == 0, stderr);
        Assert.True(File.Exists(model));
        Assert.False(File.Exists(checkpoint));
        Assert.Contains("retired its checkpoint", stderr);

        // The sequence: a later run to the same file, then the old resume command, which now has nothing to put back.
        Assert.Equal(0, Train("--out", model, "--seed", "3").ExitCode);
        byte[] newer = File.ReadAllBytes(model);
        var (again, _, error) = CliRunner.Run("train", "--resume", checkpoint);
        Assert.NotEqual(0, again);
        Assert.Contains("no such checkpoint", error);
        Assert.Equal(newer, File.ReadAllBytes(model));
    }

    [Fact]
    public void A_completed_run_retires_an_earlier_stopped_runs_checkpoint()
    {
        string model = PathOf("part.bpsimd"), checkpoint = model + ".checkpoint";
        StoppedRun(model, checkpoint);
        Assert.Equal(0, Train("--out", model).ExitCode);
        Assert.False(File.Exists(checkpoint));
    }

    [Fact]
    public void A_checkpoint_older_than_its_model_is_refused_even_when_the_times_say_otherwise()
    {
        string model = PathOf("part.bpsimd"), kept = PathOf("kept.checkpoint");
        StoppedRun(model, kept); // no model file yet
        Assert.Equal(0, Train("--out", model, "--seed", "5").ExitCode); // newer work
        byte[] newer = File.ReadAllBytes(model);
        // A copy with old times must not pass for older work: the checkpoint is checked by content.
        File.SetLastWriteTimeUtc(model, DateTime.UtcNow.AddDays(-30));
        var (code, _, stderr) = CliRunner.Run("train", "--resume", kept);
        Assert.Equal(2, code);
        Assert.Contains($"--resume: {kept} is older than the model it would overwrite", stderr);
        Assert.Contains("--force", stderr);
        Assert.Equal(newer, File.ReadAllBytes(model));
        Assert.True(File.Exists(kept));

        var (forced, _, forcedErr) = CliRunner.Run("train", "--resume", kept, "--force", "--json");
        Assert.True(forced == 0, forcedErr);
        Assert.NotEqual(newer, File.ReadAllBytes(model));
    }

    [Fact]
    public void A_checkpoint_whose_model_is_unchanged_resumes()
    {
        string model = PathOf("part.bpsimd"), checkpoint = model + ".checkpoint";
        Assert.Equal(0, Train("--out", model).ExitCode);
        StoppedRun(model, checkpoint); // the model file as it was when the checkpoint was saved
        var (code, _, stderr) = CliRunner.Run("train", "--resume", checkpoint, "--json");
        Assert.True(code == 0, stderr);
    }

    [Theory]
    [InlineData("not json{")]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("[1, 2]")]
    [InlineData("{\"Data\": 5}")]
    public void Checkpoint_metadata_that_is_not_the_written_json_is_a_one_line_error(string metadata)
    {
        string model = PathOf("part.bpsimd"), checkpoint = PathOf("bad.checkpoint");
        StoppedRun(model, checkpoint, metadata);
        var (code, stdout, stderr) = CliRunner.Run("train", "--resume", checkpoint);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.StartsWith($"backprop train: {checkpoint}: the checkpoint's metadata", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }
}
