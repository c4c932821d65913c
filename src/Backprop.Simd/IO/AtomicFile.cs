namespace Backprop.Simd;

/// <summary>
/// Writes a file so that it is either the complete new content or untouched: the bytes go to a
/// temporary file beside the target, are flushed to disk, and only then renamed over it. A symbolic
/// link is written through: its final target is replaced and the link kept. Anything there that is
/// not a regular file (a device, a FIFO, a socket, a directory) is refused, not renamed over.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; on any failure the previous file stays as it was.</summary>
    /// <exception cref="IOException">The file could not be written, or is not a regular file; the message names it.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = OutputFile.Resolve(path);
        if (OutputFile.NonRegularKind(full) is string kind) throw new IOException($"Could not write '{path}': it is {kind}, not a regular file.");
        string directory = Path.GetDirectoryName(full) ?? ".";
        string temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new IOException($"Could not write '{path}': {e.Message}", e);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
