using System.Diagnostics;
using System.Reflection;

namespace Backprop.Simd.Tests.Server;

/// <summary>
/// The prediction server (src/Backprop.Simd.Server) as a real process on a free loopback port: it is
/// started with --urls http://127.0.0.1:0 and prints the address it took. Bounded everywhere: the
/// start waits at most a minute, each request 30 s, and Dispose kills the process tree.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringWriter _errors;

    private ServerProcess(Process process, Uri url, StringWriter errors)
    {
        (_process, _errors) = (process, errors);
        Url = url;
        Client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    /// <summary>Where the server listens.</summary>
    public Uri Url { get; }

    /// <summary>What the server has written to stderr so far.</summary>
    public string ErrorOutput
    {
        get
        {
            lock (_errors) return _errors.ToString();
        }
    }

    /// <summary>Waits (at most <paramref name="timeout"/>) until stderr holds a line that contains <paramref name="text"/>; the console logger writes from a queue of its own, after the response.</summary>
    public async Task<string?> WaitForErrorLine(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string? line = ErrorOutput.Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null || DateTime.UtcNow > deadline) return line;
            await Task.Delay(50);
        }
    }

    /// <param name="model">The model file.</param>
    /// <param name="workingDirectory">Where the server starts (the test's own by default).</param>
    /// <param name="arguments">More command-line options.</param>
    /// <param name="environment">More environment variables.</param>
    public static async Task<ServerProcess> Start(string model, string? workingDirectory = null, string[]? arguments = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        string server = typeof(ServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ServerAssembly").Value!;
        Assert.True(File.Exists(server), $"{server} is not built");
        var start = new ProcessStartInfo(DotnetHost())
        {
            ArgumentList = { server, "--model", model, "--urls", "http://127.0.0.1:0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments ?? []) start.ArgumentList.Add(argument);
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("the server did not start");
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new StringWriter();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("listening on ", StringComparison.Ordinal) == true) listening.TrySetResult(e.Data["listening on ".Length..].Split(' ')[0]);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (errors) errors.WriteLine(e.Data);
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            process.WaitForExit(); // returns once the redirected streams have reached their end too
            lock (errors) listening.TrySetException(new InvalidOperationException($"the server exited with code {process.ExitCode}: {errors}"));
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            string url = await listening.Task.WaitAsync(StartTimeout);
            return new ServerProcess(process, new Uri(url), errors);
        }
        catch
        {
            Stop(process);
            throw;
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        Stop(_process);
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // It had already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    // The dotnet that runs these tests (dotnet test sets DOTNET_HOST_PATH), else the one on PATH.
    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        return Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
    }
}
