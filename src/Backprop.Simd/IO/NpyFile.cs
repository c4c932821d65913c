using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Backprop.Simd.IO;

/// <summary>
/// NumPy <c>.npy</c> files of float32 or float64, little-endian, C order: what <c>numpy.save</c>
/// writes and <c>numpy.load</c> / <c>torch.from_numpy</c> read. Format 1.0 is written; 1.0, 2.0
/// and 3.0 headers are read.
/// </summary>
public static partial class NpyFile
{
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
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < 10 || !file.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"'{path}' is not an .npy file: it does not start with \\x93NUMPY.");
        }

        int major = file[6];
        int headerLength, headerStart;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8));
            headerStart = 10;
        }
        else if (major is 2 or 3 && file.Length >= 12)
        {
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8)));
            headerStart = 12;
        }
        else
        {
            throw new InvalidDataException($"'{path}': .npy format version {major} is not supported (1, 2 and 3 are).");
        }

        if ((long)headerStart + headerLength > file.Length)
        {
            throw new InvalidDataException($"'{path}': the header claims {headerLength} bytes at offset {headerStart}, but the file has {file.Length}.");
        }

        string header = Encoding.Latin1.GetString(file, headerStart, headerLength);
        string descr = Field(DescrPattern(), header, path, "descr");
        if (Field(FortranPattern(), header, path, "fortran_order") != "False")
        {
            throw new InvalidDataException($"'{path}': Fortran-order arrays are not supported; save with C order.");
        }

        int[] shape = Field(ShapePattern(), header, path, "shape")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v
                : throw new InvalidDataException($"'{path}': the shape has a dimension '{d}' that is not a size."))
            .ToArray();
        long count = 1;
        foreach (int d in shape) count = checked(count * d);

        int elementSize = descr switch
        {
            "<f4" => 4,
            "<f8" => 8,
            _ => throw new InvalidDataException($"'{path}': dtype '{descr}' is not supported; use little-endian float32 ('<f4') or float64 ('<f8')."),
        };
        int payload = headerStart + headerLength;
        if (file.Length - payload != count * elementSize)
        {
            throw new InvalidDataException(
                $"'{path}': shape ({string.Join(", ", shape)}) of {descr} needs {count * elementSize} bytes after offset {payload}, but the file has {file.Length - payload}.");
        }

        ReadOnlySpan<byte> raw = file.AsSpan(payload);
        var data = new T[count];
        if (elementSize == 4)
        {
            for (int i = 0; i < data.Length; i++) data[i] = T.CreateTruncating(BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]));
        }
        else
        {
            for (int i = 0; i < data.Length; i++) data[i] = T.CreateTruncating(BinaryPrimitives.ReadDoubleLittleEndian(raw[(i * 8)..]));
        }

        return (data, shape);
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
        return match.Success ? match.Groups[1].Value : throw new InvalidDataException($"'{path}': the header has no '{name}' entry: {header.Trim()}");
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
