using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Backprop.Simd;

/// <summary>
/// NumPy <c>.npy</c> files of float32 or float64, little-endian, C order: what <c>numpy.save</c>
/// writes and <c>numpy.load</c> / <c>torch.from_numpy</c> read; integer arrays (labels) are read too.
/// Format 1.0 is written; 1.0, 2.0 and 3.0 headers are read. Every error reading a file is an
/// <see cref="InvalidDataException"/> naming it, and nothing is allocated for the shape a header
/// claims before the payload's length is checked against it.
/// </summary>
internal static partial class NpyFile
{
    // Longest header read; NumPy itself refuses headers over 10,000 bytes unless told otherwise.
    private const int MaxHeaderLength = 1 << 20;

    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes <paramref name="data"/> with the given shape (its product must be the length), atomically.</summary>
    public static void Write<T>(string path, ReadOnlySpan<T> data, params int[] shape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(shape);
        long elements = 1;
        foreach (int d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            elements *= d;
        }

        if (elements != data.Length)
        {
            throw new ArgumentException($"The shape ({string.Join(", ", shape)}) holds {elements} elements, but the data has {data.Length}.", nameof(shape));
        }

        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        string header = $"{{'descr': '{Descriptor<T>()}', 'fortran_order': False, 'shape': {shapeText}, }}";
        // Magic (6) + version (2) + length (2) + header + '\n' is padded with spaces to a multiple of 64.
        int unpadded = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - unpadded % 64) % 64) + "\n";
        byte[] bytes = MemoryMarshal.AsBytes(data).ToArray();
        if (!BitConverter.IsLittleEndian) ReverseEndianness<T>(bytes);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Magic);
            stream.Write([1, 0]);
            Span<byte> length = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
            stream.Write(length);
            stream.Write(Encoding.ASCII.GetBytes(header));
            stream.Write(bytes);
        });
    }

    /// <summary>Reads a float32 or float64 C-order array as <typeparamref name="T"/> (converting if needed).</summary>
    /// <exception cref="InvalidDataException">Not an .npy file, an unsupported type or order, or a truncated payload; the message names the file.</exception>
    public static (T[] Data, int[] Shape) Read<T>(string path)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Parse<T>(RegularFile.ReadAllBytes(path, Array.MaxLength, ".npy file"), path);

    /// <summary>
    /// Reads a C-order array of integers, for example class labels: int8, int16, int32, int64, uint8, uint16 or uint32,
    /// little-endian ('|i1', '&lt;i2', '&lt;i4', '&lt;i8', '|u1', '&lt;u2', '&lt;u4'; '&lt;u1' and '&lt;i1' too), widened to long.
    /// </summary>
    /// <exception cref="InvalidDataException">Not an .npy file, a float or other non-integer dtype, Fortran order, or a
    /// payload of the wrong length; the message names the file.</exception>
    public static (long[] Data, int[] Shape) ReadIntegers(string path) => ParseIntegers(RegularFile.ReadAllBytes(path, Array.MaxLength, ".npy file"), path);

    /// <summary>Reads only the header of an .npy file (its dtype descriptor and shape), not the data.</summary>
    /// <exception cref="InvalidDataException">Not an .npy file or a malformed header; the message names the file.</exception>
    public static NpyHeader ReadHeader(string path)
    {
        RegularFile.Require(path, ".npy file");
        using FileStream stream = File.OpenRead(path);
        long length = stream.Length;
        byte[] preamble = new byte[Math.Min(length, 12)];
        stream.ReadExactly(preamble);
        (int start, long headerLength) = Preamble(preamble, length, path);
        byte[] header = new byte[start + headerLength];
        stream.Position = 0;
        stream.ReadExactly(header);
        return ParseHeader(header, length, path);
    }

    /// <summary>The dtype descriptor of an .npy file, for example "&lt;f4" or "&lt;i8".</summary>
    /// <exception cref="InvalidDataException">Not an .npy file or a malformed header.</exception>
    public static string DataType(string path) => ReadHeader(path).Descr;

    /// <summary><see cref="Read{T}(string)"/> of a whole file in memory; <paramref name="name"/> appears in errors.</summary>
    internal static (T[] Data, int[] Shape) Parse<T>(ReadOnlySpan<byte> file, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        NpyHeader header = ParseHeader(file, file.Length, name);
        CheckOrder(header, name);
        int elementSize = FloatSize(header.Descr);
        if (elementSize == 0)
        {
            string hint = IntegerSize(header.Descr, out _) > 0 ? " (integer arrays, such as labels, are read with ReadIntegers)" : "";
            throw new InvalidDataException($"'{name}': dtype '{header.Descr}' is not supported; use little-endian float32 ('<f4') or float64 ('<f8'){hint}.");
        }

        ReadOnlySpan<byte> raw = Payload(file, header, elementSize, name);
        var data = new T[header.Count];
        if (elementSize == 4)
        {
            for (int i = 0; i < data.Length; i++) data[i] = T.CreateTruncating(BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]));
        }
        else
        {
            for (int i = 0; i < data.Length; i++) data[i] = T.CreateTruncating(BinaryPrimitives.ReadDoubleLittleEndian(raw[(i * 8)..]));
        }

        return (data, header.Shape);
    }

    /// <summary><see cref="ReadIntegers(string)"/> of a whole file in memory; <paramref name="name"/> appears in errors.</summary>
    internal static (long[] Data, int[] Shape) ParseIntegers(ReadOnlySpan<byte> file, string name)
    {
        NpyHeader header = ParseHeader(file, file.Length, name);
        CheckOrder(header, name);
        int elementSize = IntegerSize(header.Descr, out bool signed);
        if (elementSize == 0)
        {
            throw new InvalidDataException(FloatSize(header.Descr) > 0 || header.Descr.Contains('f')
                ? $"'{name}': dtype '{header.Descr}' holds floats, but integer labels are needed (int8, int16, int32, int64, uint8, uint16 or uint32); save them with e.g. y.astype(np.int64)."
                : $"'{name}': dtype '{header.Descr}' is not supported for integer labels; use little-endian int8, int16, int32, int64, uint8, uint16 or uint32 ('|i1', '<i2', '<i4', '<i8', '|u1', '<u2', '<u4').");
        }

        ReadOnlySpan<byte> raw = Payload(file, header, elementSize, name);
        var data = new long[header.Count];
        for (int i = 0; i < data.Length; i++)
        {
            ReadOnlySpan<byte> at = raw[(i * elementSize)..];
            data[i] = (elementSize, signed) switch
            {
                (1, false) => at[0],
                (1, true) => (sbyte)at[0],
                (2, false) => BinaryPrimitives.ReadUInt16LittleEndian(at),
                (2, true) => BinaryPrimitives.ReadInt16LittleEndian(at),
                (4, false) => BinaryPrimitives.ReadUInt32LittleEndian(at),
                (4, true) => BinaryPrimitives.ReadInt32LittleEndian(at),
                _ => BinaryPrimitives.ReadInt64LittleEndian(at),
            };
        }

        return (data, header.Shape);
    }

    /// <summary>Parses the header at the start of <paramref name="file"/> (the whole file, or at least its header, of
    /// <paramref name="fileLength"/> bytes).</summary>
    internal static NpyHeader ParseHeader(ReadOnlySpan<byte> file, long fileLength, string name)
    {
        (int start, long length) = Preamble(file, fileLength, name);
        string header = Encoding.Latin1.GetString(file.Slice(start, (int)length));
        string descr = Field(DescrPattern(), header, name, "descr");
        bool fortran = Field(FortranPattern(), header, name, "fortran_order") == "True";
        string[] dimensions = Field(ShapePattern(), header, name, "shape")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new int[dimensions.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            if (!int.TryParse(dimensions[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]))
            {
                throw new InvalidDataException($"'{name}': the shape has a dimension '{dimensions[i]}' that is not a size.");
            }
        }

        long count = shape.Contains(0) ? 0 : 1;
        foreach (int d in shape)
        {
            if (count > Array.MaxLength / Math.Max(d, 1))
            {
                throw new InvalidDataException($"'{name}': shape ({string.Join(", ", shape)}) holds more than {Array.MaxLength} elements, more than an array holds.");
            }

            count *= d;
        }

        return new NpyHeader(descr, fortran, shape, count, start + length);
    }

    // The magic, version and header length: where the header starts and how long it is, checked against the file.
    private static (int Start, long Length) Preamble(ReadOnlySpan<byte> file, long fileLength, string name)
    {
        if (file.Length < 6 || !file[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"'{name}' is not an .npy file: it does not start with \\x93NUMPY.");
        }

        int major = file.Length > 6 ? file[6] : 0;
        if (major is not (1 or 2 or 3) && file.Length > 6)
        {
            throw new InvalidDataException($"'{name}': .npy format version {major} is not supported (1, 2 and 3 are).");
        }

        int start = major == 1 ? 10 : 12;
        if (file.Length < start)
        {
            throw new InvalidDataException($"'{name}': the file ends at offset {fileLength}, inside the .npy preamble of {start} bytes.");
        }

        long length = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(file[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(file[8..]);
        if (length > MaxHeaderLength)
        {
            throw new InvalidDataException($"'{name}': offset 8: the header claims {length} bytes, more than the {MaxHeaderLength} read (NumPy writes under 100).");
        }

        if (start + length > fileLength)
        {
            throw new InvalidDataException($"'{name}': the header claims {length} bytes at offset {start}, but the file has {fileLength}.");
        }

        return (start, length);
    }

    private static void CheckOrder(NpyHeader header, string name)
    {
        if (header.FortranOrder)
        {
            throw new InvalidDataException($"'{name}': Fortran-order arrays are not supported; save with C order.");
        }
    }

    // The data after the header, checked to be exactly the shape's elements before anything is allocated for them.
    private static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> file, NpyHeader header, int elementSize, string name)
    {
        long needed = header.Count * elementSize;
        long available = file.Length - header.DataOffset;
        if (available != needed)
        {
            throw new InvalidDataException(
                $"'{name}': shape ({string.Join(", ", header.Shape)}) of {header.Descr} needs {needed} bytes after offset {header.DataOffset}, but the file has {available}.");
        }

        return file[(int)header.DataOffset..];
    }

    /// <summary>Bytes per element of a float dtype <see cref="Read{T}"/> reads, else 0.</summary>
    internal static int FloatSize(string descr) => descr switch
    {
        "<f4" => 4,
        "<f8" => 8,
        _ => 0,
    };

    /// <summary>Bytes per element of an integer dtype <see cref="ReadIntegers"/> reads, else 0.</summary>
    internal static int IntegerSize(string descr, out bool signed)
    {
        signed = descr is "|i1" or "<i1" or "<i2" or "<i4" or "<i8";
        return descr switch
        {
            "|u1" or "<u1" or "|i1" or "<i1" => 1,
            "<u2" or "<i2" => 2,
            "<u4" or "<i4" => 4,
            "<i8" => 8,
            _ => 0,
        };
    }

    private static string Descriptor<T>() =>
        typeof(T) == typeof(float) ? "<f4"
        : typeof(T) == typeof(double) ? "<f8"
        : throw new NotSupportedException($".npy files hold float or double here, not {typeof(T).Name}.");

    private static void ReverseEndianness<T>(byte[] bytes)
    {
        int size = typeof(T) == typeof(float) ? 4 : 8;
        for (int i = 0; i < bytes.Length; i += size) bytes.AsSpan(i, size).Reverse();
    }

    private static string Field(Regex pattern, string header, string path, string name)
    {
        Match match = pattern.Match(header);
        return match.Success ? match.Groups[1].Value : throw new InvalidDataException($"'{path}': the header has no '{name}' entry: {Shown(header.Trim())}");
    }

    private static string Shown(string text) => text.Length <= 200 ? text : text[..200] + "...";

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
