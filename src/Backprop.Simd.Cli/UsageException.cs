namespace Backprop.Simd.Cli;

/// <summary>A mistake in the command line (exit code 2), as opposed to a failure while running (exit code 1).</summary>
internal sealed class UsageException(string message) : Exception(message);
