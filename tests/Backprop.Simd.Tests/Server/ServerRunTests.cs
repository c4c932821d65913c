using System.Diagnostics;
using Backprop.Simd.Tests.Docs;

namespace Backprop.Simd.Tests.Server;

/// <summary><c>dotnet run --project src/Backprop.Simd.Server -- --model PATH</c> takes PATH relative to where it was typed.</summary>
public sealed class ServerRunTests() : TemporaryFolder("server-run-")
{
    [Fact]
    public async Task Dotnet_run_starts_the_server_in_the_folder_it_was_typed_in()
    {
        string project = Path.Combine(Snippet.Root(), "src", "Backprop.Simd.Server", "Backprop.Simd.Server.csproj");
        var start = new ProcessStartInfo("dotnet", ["msbuild", project, "-getProperty:RunWorkingDirectory"])
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string directory = (await process.StandardOutput.ReadToEndAsync()).Trim();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await errors);
        Assert.Equal(Path.TrimEndingDirectorySeparator(Folder), Path.TrimEndingDirectorySeparator(directory));
    }
}
