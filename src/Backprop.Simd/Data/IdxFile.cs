using System.Buffers.Binary;
using System.IO.Compression;

namespace Backprop.Simd;

/// <summary>
/// Reads IDX files (the MNIST format): big-endian magic 0x00000803 (unsigned-byte images
/// [count, rows, columns]) or 0x00000801 (unsigned-byte labels [count]), raw or gzip-compressed
/// (told apart by the gzip magic 1f 8b, not by the file name). Every error names the file and the
/// byte offset (in the decompressed stream), and nothing is allocated for what a header claims
/// before the claim is checked against the data that is really there.
/// </summary>
internal static class IdxFile
{
    /// <summary>Magic of an unsigned-byte, three-dimensional file (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic of an unsigned-byte, one-dimensional file (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Deflate's largest expansion (258-byte matches in 2-bit codes, zlib's "1032:1"): a gzip
    /// stream of n bytes cannot decompress to more than this many times n.</summary>
    public const long MaxDeflateRatio = 1032;

    /// <summary>Largest image side accepted; MNIST's is 28.</summary>
    public const int MaxSide = 4096;

    /// <summary>Reads an image file: pixels [count, rows * columns] as bytes.</summary>
    /// <param name="path">The file, raw or gzip.</param>
    /// <param name="expectedCount">The image count the header must claim (the label file's count), or null for any.</param>
    /// <param name="pixelsPerImage">The rows x columns the header must claim (the network's input size), or null for any.</param>
    public static IdxImages ReadImages(string path, int? expectedCount = null, int? pixelsPerImage = null)
    {
        using FileStream file = OpenRead(path);
        return ReadImages(file, path, expectedCount, pixelsPerImage);
    }

    /// <summary>
    /// Reads an image file from a stream; <paramref name="name"/> appears in errors. The header's
    /// claim is checked against <paramref name="expectedCount"/>, <paramref name="pixelsPerImage"/>
    /// and the memory available before a byte of the pixels is decompressed, and exactly the claimed
    /// bytes are read into one array (a gzip bomb costs at most its claim, never a copy of it).
    /// </summary>
    /// <exception cref="InvalidDataException">The data is not a well-formed IDX image file, or its header claims other images than expected or more than memory holds.</exception>
    public static IdxImages ReadImages(Stream stream, string name, int? expectedCount = null, int? pixelsPerImage = null)
    {
        using Stream source = Decompressing(stream, out long? knownLength, out long compressedLength);
        Span<byte> header = stackalloc byte[16];
        ReadHeader(source, header[..4], 0, name);
        CheckMagic(header, ImagesMagic, "image", name);
        ReadHeader(source, header[4..], 4, name);
        int count = Dimension(header, 4, "image count", name);
        int rows = Dimension(header, 8, "row count", name);
        int columns = Dimension(header, 12, "column count", name);
        if (rows == 0 || columns == 0 || rows > MaxSide || columns > MaxSide)
        {
            throw new InvalidDataException($"{name}: offset 8: images of {rows} x {columns} pixels are not plausible (each side must be 1 to {MaxSide}).");
        }

        if (pixelsPerImage is int inputs && rows * columns != inputs)
        {
            throw new InvalidDataException($"{name}: offset 8: the header claims images of {rows} x {columns} = {rows * columns} pixels, but the network takes {inputs} inputs.");
        }

        if (expectedCount is int labels && count != labels)
        {
            throw new InvalidDataException($"{name}: offset 4: the header claims {count} images, but the label file holds {labels} labels.");
        }

        long payload = (long)count * rows * columns;
        byte[] pixels = ReadPayload(source, knownLength, compressedLength, 16, payload, $"{count} images of {rows} x {columns}", name);
        return new IdxImages(pixels, count, rows, columns);
    }

    /// <summary>Reads a label file and checks every label is below <paramref name="classCount"/>.</summary>
    public static byte[] ReadLabels(string path, int classCount)
    {
        using FileStream file = OpenRead(path);
        return ReadLabels(file, path, classCount);
    }

    /// <summary>Reads a label file from a stream; <paramref name="name"/> appears in errors.</summary>
    /// <exception cref="InvalidDataException">The data is not a well-formed IDX label file, or a label is out of range.</exception>
    public static byte[] ReadLabels(Stream stream, string name, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, 256);
        using Stream source = Decompressing(stream, out long? knownLength, out long compressedLength);
        Span<byte> header = stackalloc byte[8];
        ReadHeader(source, header[..4], 0, name);
        CheckMagic(header, LabelsMagic, "label", name);
        ReadHeader(source, header[4..], 4, name);
        int count = Dimension(header, 4, "label count", name);
        byte[] labels = ReadPayload(source, knownLength, compressedLength, 8, count, $"{count} labels", name);
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
            {
                throw new InvalidDataException($"{name}: offset {8 + i}: label {labels[i]} of sample {i} is out of range 0..{classCount - 1}.");
            }
        }

        return labels;
    }

    private static FileStream OpenRead(string path)
    {
        try
        {
            if (File.Exists(path)) RegularFile.Require(path, "IDX file");
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"{path}: no such file.", path, e);
        }
    }

    // Peeks at the first two bytes: 1f 8b is gzip, anything else is read as raw IDX.
    private static Stream Decompressing(Stream stream, out long? knownLength, out long compressedLength)
    {
        var buffered = new BufferedStream(stream, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        int read = buffered.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        bool gzip = read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        knownLength = null;
        compressedLength = 0;
        if (stream.CanSeek)
        {
            buffered.Seek(-read, SeekOrigin.Current);
            if (!gzip) knownLength = stream.Length;
            else compressedLength = stream.Length - buffered.Position;
        }
        else
        {
            throw new ArgumentException("IDX streams must be seekable (files and embedded resources are).", nameof(stream));
        }

        return gzip ? new GZipStream(buffered, CompressionMode.Decompress) : buffered;
    }

    // Reads the next part of the header, which starts at `offset` in the file.
    private static void ReadHeader(Stream source, Span<byte> header, int offset, string name)
    {
        int read;
        try
        {
            read = source.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{name}: offset 0: the gzip data is corrupt ({e.Message}).", e);
        }

        if (read < header.Length)
        {
            throw new InvalidDataException($"{name}: offset {offset + read}: the file ends inside the IDX header.");
        }
    }

    private static void CheckMagic(ReadOnlySpan<byte> header, int expected, string kind, string name)
    {
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != expected)
        {
            throw new InvalidDataException($"{name}: offset 0: magic 0x{magic:x8} is not an IDX {kind} file (expected 0x{expected:x8}).");
        }
    }

    private static int Dimension(ReadOnlySpan<byte> header, int offset, string what, string name)
    {
        int value = BinaryPrimitives.ReadInt32BigEndian(header[offset..]);
        if (value < 0)
        {
            throw new InvalidDataException($"{name}: offset {offset}: the {what} {(uint)value} is not plausible.");
        }

        return value;
    }

    // Reads exactly `expected` bytes and checks nothing follows. A raw file's length is known, so the
    // claim is checked against it before allocating; a gzip stream's claim is checked against the most
    // its compressed bytes can hold (deflate expands at most 1032:1) and the memory at hand, then decompressed into one array of exactly the claim, and one byte more is asked for
    // to tell a stream that holds more than it claims.
    private static byte[] ReadPayload(Stream source, long? knownLength, long compressedLength, int headerSize, long expected, string claim, string name)
    {
        if (expected > Array.MaxLength)
        {
            throw new InvalidDataException($"{name}: offset 4: the header claims {claim}, {expected} bytes, more than any array holds.");
        }

        if (knownLength is long length)
        {
            long available = length - headerSize;
            if (available < expected)
            {
                throw new InvalidDataException($"{name}: offset {length}: the header claims {claim} ({expected} bytes after offset {headerSize}), but the file ends after {available}.");
            }

            if (available > expected)
            {
                throw new InvalidDataException($"{name}: offset {headerSize + expected}: {available - expected} byte(s) of trailing garbage after {claim}.");
            }
        }

        else if (expected > compressedLength * MaxDeflateRatio + 1024)
        {
            throw new InvalidDataException($"{name}: offset 4: the header claims {claim} ({expected} bytes after offset {headerSize}), but {compressedLength} bytes of gzip data decompress to at most {compressedLength * MaxDeflateRatio}.");
        }

        long memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (expected > memory / 2)
        {
            throw new InvalidDataException($"{name}: offset 4: the header claims {claim}, {expected} bytes, more than half of the {memory} bytes of memory available.");
        }

        var data = new byte[expected];
        if (knownLength is not null)
        {
            source.ReadExactly(data);
            return data;
        }

        try
        {
            int read = source.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
            if (read < expected)
            {
                throw new InvalidDataException($"{name}: offset {headerSize + read} (decompressed): the header claims {claim} ({expected} bytes after offset {headerSize}), but the data ends after {read}.");
            }

            Span<byte> beyond = stackalloc byte[1];
            if (source.Read(beyond) != 0)
            {
                throw new InvalidDataException($"{name}: offset {headerSize + expected} (decompressed): trailing garbage after {claim}.");
            }

            return data;
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(name, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{name}: the gzip data is corrupt ({e.Message}).", e);
        }
    }
}
