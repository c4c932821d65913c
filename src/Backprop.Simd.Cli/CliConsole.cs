using Spectre.Console;

namespace Backprop.Simd.Cli;

/// <summary>The Spectre console the commands write tables and markup to.</summary>
internal static class CliConsole
{
    /// <summary>Redirected output (a file, a pipe, a test's writer) gets no width: Spectre would wrap at 80 columns mid-phrase.</summary>
    private const int RedirectedWidth = 4096;

    public static IAnsiConsole Create(TextWriter stdout)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        if (!console.Profile.Out.IsTerminal)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
