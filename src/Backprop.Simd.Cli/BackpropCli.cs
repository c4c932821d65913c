using System.CommandLine;
using System.CommandLine.Parsing;

namespace Backprop.Simd.Cli;

/// <summary>
/// The <c>backprop</c> command line. Exit codes: 0 success, 1 a failure while running (a bad file,
/// divergence, a failed check), 2 a usage error. Errors go to stderr as one line naming what is
/// wrong; a user's mistake never prints a stack trace.
/// </summary>
internal static class BackpropCli
{
    public const int Success = 0, Failure = 1, Usage = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, Console.In);

    /// <summary>Runs the command line with the given streams (stdin is read by <c>predict --input -</c>).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        var root = new RootCommand("backprop: train, evaluate and check small dense neural networks (Backprop.Simd)")
        {
            TrainCommand.Create(stdout, stderr),
            EvaluateCommand.Create(stdout),
            PredictCommand.Create(stdout, stdin),
            GradcheckCommand.Create(stdout),
            ExportCommand.CreateExport(stdout),
            ExportCommand.CreateGradients(stdout),
        };

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (ParseError error in parsed.Errors) stderr.WriteLine($"backprop: {error.Message}");
            stderr.WriteLine("Run 'backprop --help' for usage.");
            return Usage;
        }

        string command = parsed.CommandResult.Command.Name;
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"backprop {command}: {e.Message}");
            return Usage;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or TrainingDivergedException)
        {
            stderr.WriteLine($"backprop {command}: {e.Message.Split(" (Parameter")[0]}");
            return Failure;
        }
    }
}
