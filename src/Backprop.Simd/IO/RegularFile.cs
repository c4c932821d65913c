using System.Runtime.InteropServices;

namespace Backprop.Simd;

/// <summary>
/// Opens only regular files for reading: a model, checkpoint or data path that is (or links to) a
/// directory, a device such as /dev/zero, a FIFO or a socket is refused before a byte is read, so
/// an endless or blocking source cannot stand in for a file. Reads stop at the length the file
/// system reports, checked first against the reader's limit.
/// </summary>
public static partial class RegularFile
{
    /// <summary>Throws unless <paramref name="path"/> is (or links to) an existing regular file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file should be, for messages ("model file").</param>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The path is a directory, device, FIFO or socket.</exception>
    public static void Require(string path, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) throw new InvalidDataException($"{path}: a directory, not a {what}.");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such {what}.", path);
        if (KindOf(path) is string kind) throw new InvalidDataException($"{path}: a {kind}, not a regular file; a {what} must be one.");
    }

    /// <summary>The whole of a regular file of at most <paramref name="maxBytes"/> bytes.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The path is not a regular file, or the file is longer than <paramref name="maxBytes"/>.</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes, string what)
    {
        Require(path, what);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        long length = stream.Length;
        if (length > Math.Min(maxBytes, Array.MaxLength))
        {
            throw new InvalidDataException($"{path}: {length} bytes, more than a {what} can be ({Math.Min(maxBytes, Array.MaxLength)}).");
        }

        var bytes = new byte[length];
        stream.ReadExactly(bytes); // the reported length and no further, even if the file grows meanwhile
        return bytes;
    }

    // Linux's statx has one layout on every architecture (stx_mode is the u16 at byte 28). Null: a
    // regular file, or a system without statx, where the length cap is the only guard.
    internal static string? KindOf(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        Span<byte> status = stackalloc byte[256];
        try
        {
            if (Statx(AtCurrentDirectory, path, 0, StatxType, ref MemoryMarshal.GetReference(status)) != 0) return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        return (BitConverter.ToUInt16(status[28..]) & 0xF000) switch
        {
            0x8000 => null,
            0x4000 => "directory",
            0x2000 => "character device",
            0x6000 => "block device",
            0x1000 => "FIFO",
            0xC000 => "socket",
            _ => "special file",
        };
    }

    private const int AtCurrentDirectory = -100; // AT_FDCWD
    private const uint StatxType = 1;            // STATX_TYPE

    [LibraryImport("libc.so.6", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, ref byte status);
}
