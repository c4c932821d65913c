using System.Diagnostics;

namespace Backprop.Simd.Tests.Docs;

/// <summary>Runs a script with Debian's /usr/bin/python3 (numpy and torch from python3-numpy and python3-torch, installed by .ci/run).</summary>
internal static class Python
{
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>Writes <paramref name="script"/> into <paramref name="folder"/>, runs it there and fails the test, with its stderr, unless it exits 0.</summary>
    public static string Run(string folder, string script)
    {
        string path = Path.Combine(folder, "script.py");
        File.WriteAllText(path, script);
        var start = new ProcessStartInfo(Interpreter, [path])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{Interpreter} did not start.");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{Interpreter} {path} exited with {process.ExitCode}:\n{stderr.Result}");
        return stdout;
    }
}
