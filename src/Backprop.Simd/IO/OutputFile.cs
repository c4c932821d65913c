namespace Backprop.Simd;

/// <summary>
/// Where an output really goes, and whether it may go there: the path with its symbolic links
/// resolved (a save writes through a link to its target and keeps the link), and a refusal of
/// anything at that path that is not a regular file (a device such as /dev/null, a FIFO, a socket,
/// a directory): renaming a new file over one of those would replace it.
/// </summary>
internal static class OutputFile
{
    /// <summary>The full path that <paramref name="path"/> names once every symbolic link is followed
    /// (the final target, even when it does not exist yet); the full path itself when it is not a link.</summary>
    public static string Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int hops = 0;
        return Walk(Path.GetFullPath(path), path, ref hops);
    }

    // Every component may be a link (a linked folder too), so two names of one file resolve to one string.
    private static string Walk(string full, string given, ref int hops)
    {
        string? parent = Path.GetDirectoryName(full);
        if (parent is null) return full;
        string resolved = Path.Combine(Walk(parent, given, ref hops), Path.GetFileName(full));
        if (new FileInfo(resolved).LinkTarget is not string target) return resolved;
        if (++hops > 40) throw new IOException($"'{given}': too many levels of symbolic links.");
        return Walk(Path.GetFullPath(target, Path.GetDirectoryName(resolved)!), given, ref hops);
    }

    /// <summary>What <paramref name="path"/> (links followed) is when it exists and is not a regular file
    /// ("a directory", "a character device", ...); null for a regular file or nothing at all.</summary>
    public static string? NonRegularKind(string path)
    {
        string full = Resolve(path);
        if (Directory.Exists(full)) return "a directory";
        if (!File.Exists(full)) return null;
        return RegularFile.KindOf(full) is string kind ? "a " + kind : null; // exact on Linux; directories and Windows devices elsewhere
    }

    /// <summary>
    /// Checks, before any work, that a save to <paramref name="path"/> can succeed as far as can be known:
    /// nothing but a regular file is there, its directory exists and a file can be created in it.
    /// </summary>
    /// <exception cref="IOException">It cannot; the message names the path and why.</exception>
    public static void RequireWritable(string path)
    {
        string full = Resolve(path);
        string shown = full == Path.GetFullPath(path) ? $"'{path}'" : $"'{path}' (a link to '{full}')";
        if (NonRegularKind(full) is string kind) throw new IOException($"{shown} is {kind}, not a regular file: refusing to replace it.");
        string directory = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(directory)) throw new IOException($"{shown}: the folder '{directory}' does not exist.");
        string probe = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.probe");
        try
        {
            new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose).Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{shown}: cannot create a file in '{directory}' ({e.Message}).", e);
        }
    }

    /// <summary>
    /// True if the two paths name the same file once links are followed, or are hard links of one file
    /// (one device and inode, where statx tells them: Linux).
    /// </summary>
    public static bool SameFile(string a, string b) => SamePath(a, b) || HardLinks(a, b);

    /// <summary>True if the paths, links followed, are two names of one file (one device and inode), as hard links are.</summary>
    public static bool HardLinks(string a, string b) =>
        !SamePath(a, b) && RegularFile.IdentityOf(a) is { } first && RegularFile.IdentityOf(b) is { } second && first == second;

    private static bool SamePath(string a, string b) =>
        string.Equals(Resolve(a), Resolve(b), OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
