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

        // Where the kind is not known for sure, a file of no length is refused before it is opened: no reader takes
        // an empty file, and a device, FIFO or socket reports 0, so the open that would block on a FIFO, or the
        // endless read of /dev/zero, never happens.
        if (!TellsEveryKind(path) && new FileInfo(path).Length == 0)
        {
            throw new InvalidDataException($"{path}: empty, or not a regular file (a device, FIFO or socket, which this system cannot tell from an empty file); a {what} must be a regular file with content.");
        }
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

    // What the path is when it is not a regular file ("character device", ...); null for a regular file.
    // Linux: statx, exact. Elsewhere the portable fallback below, which knows less.
    internal static string? KindOf(string path) => Statx(path) is (ushort mode, _, _) ? KindOfMode(mode) : PortableKindOf(path);

    /// <summary>True where <see cref="KindOf"/> tells every kind of file (Linux, through statx).</summary>
    internal static bool TellsEveryKind(string path) => Statx(path) is not null;

    /// <summary>
    /// The device and inode of the file <paramref name="path"/> names (links followed), or null where statx is
    /// not there or the file does not exist: two names with one identity are hard links of one file.
    /// </summary>
    internal static (ulong Device, ulong Inode)? IdentityOf(string path) => Statx(path) is (_, ulong device, ulong inode) ? (device, inode) : null;

    private static string? KindOfMode(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => null,
        0x4000 => "directory",
        0x2000 => "character device",
        0x6000 => "block device",
        0x1000 => "FIFO",
        0xC000 => "socket",
        _ => "special file",
    };

    // Without statx: .NET has no managed call that tells a device, a FIFO or a socket from a regular file on
    // Unix (File.GetAttributes says Normal for /dev/zero and for a FIFO alike, and FileSystemInfo.UnixFileMode
    // holds only the permission bits), and the layout of libc's struct stat differs between systems. What the
    // managed API does tell is used: a directory everywhere, and a device on Windows (FileAttributes.Device).
    // Readers add a guard of their own there (see Require): devices, FIFOs and sockets report a length of 0.
    internal static string? PortableKindOf(string path)
    {
        FileAttributes attributes;
        try
        {
            attributes = File.GetAttributes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // gone, or not ours to look at: the open that follows says why
        }

        if (attributes.HasFlag(FileAttributes.Directory)) return "directory";
        return attributes.HasFlag(FileAttributes.Device) ? "device" : null;
    }

    // Linux's statx has one layout on every architecture: stx_mode is the u16 at byte 28, stx_ino the u64 at 32,
    // stx_dev_major and stx_dev_minor the u32s at 136 and 140. Null: no such file, or a system without statx.
    private static (ushort Mode, ulong Device, ulong Inode)? Statx(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        Span<byte> status = stackalloc byte[256];
        try
        {
            if (Statx(AtCurrentDirectory, path, 0, StatxType | StatxInode, ref MemoryMarshal.GetReference(status)) != 0) return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        ulong device = ((ulong)BitConverter.ToUInt32(status[136..]) << 32) | BitConverter.ToUInt32(status[140..]);
        return (BitConverter.ToUInt16(status[28..]), device, BitConverter.ToUInt64(status[32..]));
    }

    private const int AtCurrentDirectory = -100; // AT_FDCWD
    private const uint StatxType = 1;            // STATX_TYPE
    private const uint StatxInode = 0x100;       // STATX_INO

    [LibraryImport("libc.so.6", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, ref byte status);
}
