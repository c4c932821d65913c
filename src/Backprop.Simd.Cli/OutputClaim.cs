
namespace Backprop.Simd.Cli;

/// <summary>
/// The files a training run will write, checked and claimed before its first epoch: no two outputs
/// (or an output and an input) are one file, each can be written and is a regular file, an existing
/// <c>--out</c> is a model file unless <c>--force</c>, and <c>&lt;out&gt;.lock</c> is held with an OS
/// lock (flock on Unix) for the whole run, so a second run on the same output fails at once. The OS
/// releases that lock when the process ends however it ends, so a killed run never blocks the next.
/// </summary>
internal sealed class OutputClaim : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _lockPath;

    private OutputClaim(FileStream held, string lockPath) => (_lock, _lockPath) = (held, lockPath);

    /// <summary>The lock file beside the model file (beside its target when <paramref name="model"/> is a link).</summary>
    public static string LockPath(string model) => OutputFile.Resolve(model) + ".lock";

    /// <summary>The checkpoint a stopped run writes for <paramref name="model"/>.</summary>
    public static string CheckpointPath(string model) => model + ".checkpoint";

    /// <summary>Checks the outputs, then takes the lock; throws <see cref="UsageException"/> or <see cref="IOException"/> naming the path.</summary>
    public static OutputClaim Take(string model, string? plot, IEnumerable<(string Option, string? Path)> inputs, bool force)
    {
        var outputs = new List<(string Option, string Path)> { ("--out", model), ("the checkpoint", CheckpointPath(model)), ("the lock file", LockPath(model)) };
        if (plot is not null) outputs.Add(("--plot", plot));
        for (int i = 0; i < outputs.Count; i++)
        {
            (string option, string path) = outputs[i];
            for (int j = 0; j < i; j++)
            {
                (string other, string otherPath) = outputs[j];
                if (OutputFile.SameFile(path, otherPath))
                {
                    string same = OutputFile.HardLinks(path, otherPath) ? "hard links of one file" : $"the same file ({OutputFile.Resolve(path)})";
                    throw new UsageException($"{option} '{path}' and {other} '{otherPath}' are {same}: one would overwrite the other.");
                }
            }

            foreach ((string input, string? inputPath) in inputs)
            {
                // A resumed checkpoint is the one a new stop overwrites: that is the point of it.
                if (inputPath is null || input == "--resume" && i == 1) continue;
                if (!OutputFile.SameFile(path, inputPath)) continue;

                // A hard link (one inode, two names) is refused like a symbolic link: one file is both the input and the output.
                throw new UsageException(OutputFile.HardLinks(path, inputPath)
                    ? $"{option} '{path}' is a hard link of the input {input} '{inputPath}' (one file under two names): writing it would replace the data; pick another {option}."
                    : $"{option} '{path}' is the input {input} '{inputPath}': writing it would destroy the data.");
            }
        }

        RequireWritable("--out", model);
        if (plot is not null) RequireWritable("--plot", plot);
        if (!force && ForeignContent(model) is string found)
        {
            throw new UsageException($"--out: '{model}' exists and is not a Backprop.Simd model file ({found}); refusing to overwrite it (--force overwrites it).");
        }

        string lockPath = LockPath(model);
        FileStream held;
        try
        {
            // FileShare.None is an exclusive flock(2) on Unix and a share-mode lock on Windows: advisory, and gone with the process.
            held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (File.Exists(lockPath))
        {
            throw new IOException($"'{model}' is being written by another training run (it holds the lock {lockPath}); wait for it to finish or pick another --out.", e);
        }

        return new OutputClaim(held, lockPath);
    }

    private static void RequireWritable(string option, string path)
    {
        try
        {
            OutputFile.RequireWritable(path);
        }
        catch (IOException e)
        {
            throw new IOException($"{option}: {e.Message}", e);
        }
    }

    // What an existing, non-empty file at the path starts with when it is not a model file's magic; null for a model or nothing.
    private static string? ForeignContent(string path)
    {
        string full = OutputFile.Resolve(path);
        if (!File.Exists(full)) return null;
        Span<byte> head = stackalloc byte[8];
        int read;
        using (var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (read == 0) return null; // an empty file holds nothing to lose
        return read == 8 && head.SequenceEqual(ModelFile.Magic) ? null : $"it does not start with \"BPSIMDNN\"";
    }

    /// <summary>Deletes the lock file, then releases the lock.</summary>
    public void Dispose()
    {
        // Deleted while still held: a run that opens the path after this creates a fresh lock file and locks that.
        try
        {
            File.Delete(_lockPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        _lock.Dispose();
    }
}
