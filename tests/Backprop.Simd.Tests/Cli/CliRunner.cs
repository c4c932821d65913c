using Backprop.Simd.Cli;

namespace Backprop.Simd.Tests.Cli;

/// <summary>Runs the backprop command line in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Out, string Err) Run(params string[] args) => RunWithInput("", args);

    /// <summary>Runs with <paramref name="stdin"/> as standard input.</summary>
    public static (int ExitCode, string Out, string Err) RunWithInput(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = BackpropCli.Run(args, stdout, stderr, new StringReader(stdin));
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The last line of stdout, parsed as JSON.</summary>
    public static System.Text.Json.JsonElement LastJson(string stdout) =>
        System.Text.Json.JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]).RootElement;
}
