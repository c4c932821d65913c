namespace Backprop.Simd.Tests.Cli;

/// <summary>What the commands print when their output is redirected (a file, a pipe, this test's writer).</summary>
public sealed class CliOutputTests() : TemporaryFolder("cli-output-")
{
    [Fact]
    public void Redirected_training_prints_each_epoch_once_on_unwrapped_lines_says_why_threads_were_cut_and_where_the_plot_went()
    {
        string plot = PathOf("curves.svg");
        var (code, stdout, stderr) = CliRunner.Run("train", "--epochs", "3", "--threads", "2", "--batch", "10", "--plot", plot, "--out", PathOf("m.bpsimd"));
        Assert.True(code == 0, stderr);
        string[] lines = Plain(stdout).Split('\n');
        Assert.Single(lines, l => l.StartsWith("epoch 2/3: train cost ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Trim() == "Epochs"); // no table repeating the lines
        Assert.Contains(lines, l => l.StartsWith("--threads 2: training runs 1 thread(s), because each worker gets at least 32 samples of a mini-batch and the batch is 10", StringComparison.Ordinal));
        string summary = Assert.Single(lines, l => l.StartsWith("Test accuracy ", StringComparison.Ordinal));
        Assert.Contains("after 3 epochs", summary);
        Assert.EndsWith("Model: " + PathOf("m.bpsimd"), summary.TrimEnd()); // one line, far beyond 80 columns
        Assert.Contains("Plot: " + plot, lines.Select(l => l.TrimEnd()));
        Assert.True(File.Exists(plot));
        Assert.True(Array.IndexOf(lines, summary) < Array.FindIndex(lines, l => l.Contains("confusion matrix", StringComparison.Ordinal)));
    }

    [Fact]
    public void Evaluate_prints_its_headline_before_its_tables()
    {
        string model = PathOf("m.bpsimd");
        Assert.Equal(0, CliRunner.Run("train", "--epochs", "1", "--json", "--out", model).ExitCode);
        var (code, stdout, stderr) = CliRunner.Run("evaluate", "--model", model);
        Assert.True(code == 0, stderr);
        string[] lines = Plain(stdout).Split('\n');
        Assert.StartsWith("Test accuracy ", lines[0]);
        Assert.EndsWith("(test files)", lines[0].TrimEnd()); // not wrapped at 80 columns
        Assert.Contains(lines[1..], l => l.Contains("confusion matrix", StringComparison.Ordinal));
    }

    [Fact]
    public void Gradcheck_prints_errors_and_tolerances_in_one_format()
    {
        var (code, stdout, stderr) = CliRunner.Run("gradcheck", "--layers", "6,4,3", "--tolerance", "2e-6");
        Assert.True(code == 0, stderr);
        Assert.Contains("within relative 2e-06 (absolute 1e-08 below 5e-03)", stdout);
        Assert.Matches(@"max relative error \d(\.\d{1,2})?e-\d\d,", stdout);
        Assert.DoesNotContain("E-0", stdout);
    }

    // Without the colours that Spectre may add when the environment says the terminal has them.
    private static string Plain(string output) => System.Text.RegularExpressions.Regex.Replace(output, "\u001b\\[[0-9;]*m", "");
}
