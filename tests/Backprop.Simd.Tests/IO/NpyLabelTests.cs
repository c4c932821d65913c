using System.Buffers.Binary;
using System.Text;

namespace Backprop.Simd.Tests.IO;

public sealed class NpyLabelTests() : TemporaryFolder("npy-label-tests-")
{
    /// <summary>An .npy file as numpy.save writes it (format 1.0 or 2.0), with any header text and payload.</summary>
    internal static byte[] Npy(string descr, string shape, byte[] payload, int version = 1, string fortran = "False")
    {
        string header = $"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape}, }}";
        int preamble = version == 1 ? 10 : 12;
        header = header.PadRight(header.Length + (64 - (preamble + header.Length + 1) % 64) % 64) + "\n";
        byte[] bytes = new byte[preamble + header.Length + payload.Length];
        byte[] magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0];
        magic.CopyTo(bytes, 0);
        if (version == 1) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)header.Length);
        Encoding.ASCII.GetBytes(header).CopyTo(bytes, preamble);
        payload.CopyTo(bytes, preamble + header.Length);
        return bytes;
    }

    internal static byte[] Payload<T>(params T[] values)
        where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes<T>(values).ToArray();

    private string Write(string name, byte[] bytes)
    {
        string path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string ErrorOf(Action read) => Assert.Throws<InvalidDataException>(read).Message;

    public static TheoryData<string, byte[], long[]> Integers => new()
    {
        { "|u1", Payload<byte>(0, 7, 255), [0, 7, 255] },
        { "<u1", Payload<byte>(3, 1, 2), [3, 1, 2] },
        { "|i1", Payload<sbyte>(-128, 0, 127), [-128, 0, 127] },
        { "<i1", Payload<sbyte>(-1, 1, 2), [-1, 1, 2] },
        { "<u2", Payload<ushort>(0, 1, 65535), [0, 1, 65535] },
        { "<i2", Payload<short>(-32768, 5, 32767), [-32768, 5, 32767] },
        { "<u4", Payload<uint>(0, 9, uint.MaxValue), [0, 9, uint.MaxValue] },
        { "<i4", Payload(int.MinValue, 2, int.MaxValue), [int.MinValue, 2, int.MaxValue] },
        { "<i8", Payload(long.MinValue, 3L, long.MaxValue), [long.MinValue, 3, long.MaxValue] },
    };

    [Theory]
    [MemberData(nameof(Integers))]
    public void Integer_arrays_of_every_width_read_as_longs(string descr, byte[] payload, long[] expected)
    {
        string path = Write("labels.npy", Npy(descr, "(3,)", payload));
        (long[] data, int[] shape) = NpyFile.ReadIntegers(path);
        Assert.Equal(expected, data);
        Assert.Equal([3], shape);
        NpyHeader header = NpyFile.ReadHeader(path);
        Assert.Equal(descr, header.Descr);
        Assert.True(header.HoldsIntegers);
        Assert.False(header.HoldsFloats);
        Assert.Equal(descr, NpyFile.DataType(path));
    }

    [Fact]
    public void Shapes_and_format_versions_are_kept()
    {
        string matrix = Write("m.npy", Npy("<i8", "(2, 3)", Payload(0L, 1, 2, 3, 4, 5), version: 2));
        (long[] data, int[] shape) = NpyFile.ReadIntegers(matrix);
        Assert.Equal([0L, 1, 2, 3, 4, 5], data);
        Assert.Equal([2, 3], shape);

        string scalar = Write("s.npy", Npy("<i4", "()", Payload(42)));
        Assert.Equal([42L], NpyFile.ReadIntegers(scalar).Data);
        Assert.Empty(NpyFile.ReadIntegers(scalar).Shape);

        string empty = Write("e.npy", Npy("|u1", "(0,)", []));
        Assert.Empty(NpyFile.ReadIntegers(empty).Data);
    }

    [Fact]
    public void The_header_tells_float_targets_from_integer_labels()
    {
        string floats = PathOf("y.npy");
        NpyFile.Write<float>(floats, new float[6], 2, 3);
        NpyHeader header = NpyFile.ReadHeader(floats);
        Assert.Equal("<f4", header.Descr);
        Assert.Equal([2, 3], header.Shape);
        Assert.Equal(6, header.Count);
        Assert.Equal(128, header.DataOffset);
        Assert.False(header.FortranOrder);
        Assert.True(header.HoldsFloats);
        Assert.False(header.HoldsIntegers);

        NpyFile.Write<double>(floats, new double[2], 2);
        Assert.Equal("<f8", NpyFile.DataType(floats));

        // Only the header is read: a payload of the wrong length is for Read and ReadIntegers to find.
        string truncated = Write("t.npy", Npy("<i8", "(100,)", Payload(1L)));
        Assert.Equal([100], NpyFile.ReadHeader(truncated).Shape);
    }

    [Fact]
    public void Float_files_are_refused_as_labels_and_integer_files_as_floats()
    {
        string floats = PathOf("f.npy");
        NpyFile.Write<float>(floats, [1f, 2f], 2);
        string message = ErrorOf(() => NpyFile.ReadIntegers(floats));
        Assert.Contains("f.npy", message);
        Assert.Contains("'<f4' holds floats, but integer labels are needed", message);
        Assert.Contains("holds floats", ErrorOf(() => NpyFile.ReadIntegers(Write("be.npy", Npy(">f8", "(1,)", new byte[8])))));

        string ints = Write("i.npy", Npy("<i8", "(1,)", Payload(1L)));
        message = ErrorOf(() => NpyFile.Read<float>(ints));
        Assert.Contains("'<i8' is not supported", message);
        Assert.Contains("ReadIntegers", message);
    }

    [Theory]
    [InlineData(">i4")]
    [InlineData("|b1")]
    [InlineData("<u8")]
    [InlineData("<U3")]
    public void Other_dtypes_are_refused_as_labels(string descr)
    {
        string path = Write("other.npy", Npy(descr, "(1,)", new byte[8]));
        string message = ErrorOf(() => NpyFile.ReadIntegers(path));
        Assert.Contains($"'{path}': dtype '{descr}' is not supported for integer labels", message);
        Assert.Contains("'<i8'", message);
    }

    [Theory]
    [InlineData(">f4")]
    [InlineData("<f2")]
    [InlineData("<c8")]
    [InlineData("")]
    public void Big_endian_and_unknown_dtypes_are_still_refused_as_floats(string descr)
    {
        string path = Write("bad.npy", Npy(descr, "(1,)", new byte[4]));
        Assert.Contains($"dtype '{descr}' is not supported; use little-endian float32", ErrorOf(() => NpyFile.Read<float>(path)));
        Assert.Contains("bad.npy", ErrorOf(() => NpyFile.Read<double>(path)));
    }

    [Fact]
    public void Payloads_of_the_wrong_length_and_fortran_order_are_errors()
    {
        string shortFile = Write("short.npy", Npy("<i4", "(3,)", Payload(1, 2)));
        Assert.Contains("'" + shortFile + "': shape (3) of <i4 needs 12 bytes after offset 128, but the file has 8.", ErrorOf(() => NpyFile.ReadIntegers(shortFile)));
        string longFile = Write("long.npy", Npy("|u1", "(2,)", [1, 2, 3]));
        Assert.Contains("needs 2 bytes after offset 128, but the file has 3", ErrorOf(() => NpyFile.ReadIntegers(longFile)));
        string fortran = Write("fortran.npy", Npy("<i8", "(1, 1)", Payload(1L), fortran: "True"));
        Assert.Contains("Fortran-order arrays are not supported", ErrorOf(() => NpyFile.ReadIntegers(fortran)));
        Assert.True(NpyFile.ReadHeader(fortran).FortranOrder);
    }

    [Theory]
    [InlineData("(2147483647, 2147483647, 2147483647)", "holds more than")]
    [InlineData("(65536, 65536)", "holds more than")]
    [InlineData("(2147483647,)", "holds more than 2147483591 elements")]
    [InlineData("(2147483000,)", "needs 17179864000 bytes after offset 128, but the file has 16")]
    [InlineData("(-1,)", "dimension '-1' that is not a size")]
    [InlineData("(99999999999,)", "dimension '99999999999' that is not a size")]
    [InlineData("(3, x)", "dimension 'x' that is not a size")]
    public void Absurd_shapes_are_invalid_data_and_nothing_is_allocated_for_them(string shape, string expected)
    {
        string path = Write("absurd.npy", Npy("<i8", shape, new byte[16]));
        long before = GC.GetAllocatedBytesForCurrentThread();
        string message = ErrorOf(() => NpyFile.ReadIntegers(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the claim must not be allocated");
        Assert.Contains("absurd.npy", message);
        Assert.Contains(expected, message);
        string floats = Write("absurd-f8.npy", Npy("<f8", shape, new byte[16]));
        before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains(expected, ErrorOf(() => NpyFile.Read<float>(floats)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the claim must not be allocated");
    }

    [Fact]
    public void Damaged_preambles_are_invalid_data()
    {
        byte[] good = Npy("<i8", "(1,)", Payload(1L), version: 2);
        Assert.Contains("is not an .npy file", ErrorOf(() => NpyFile.ReadIntegers(Write("a.npy", [0x93, (byte)'N']))));
        Assert.Contains("inside the .npy preamble", ErrorOf(() => NpyFile.ReadIntegers(Write("b.npy", good[..8]))));
        Assert.Contains("inside the .npy preamble", ErrorOf(() => NpyFile.ReadHeader(Write("b2.npy", good[..6]))));

        byte[] version = (byte[])good.Clone();
        version[6] = 4;
        Assert.Contains("format version 4 is not supported", ErrorOf(() => NpyFile.ReadIntegers(Write("c.npy", version))));

        // A 4 GiB header length (read with `checked` before, an OverflowException).
        byte[] huge = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(huge.AsSpan(8), uint.MaxValue);
        string path = Write("d.npy", huge);
        Assert.Contains("the header claims 4294967295 bytes", ErrorOf(() => NpyFile.Read<float>(path)));
        Assert.Contains("the header claims 4294967295 bytes", ErrorOf(() => NpyFile.ReadHeader(path)));
        BinaryPrimitives.WriteUInt32LittleEndian(huge.AsSpan(8), 1000);
        Assert.Contains("the header claims 1000 bytes at offset 12, but the file has 136", ErrorOf(() => NpyFile.ReadIntegers(Write("e.npy", huge))));

        byte[] noDescr = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(good).Replace("'descr'", "'dtype'"));
        Assert.Contains("the header has no 'descr' entry", ErrorOf(() => NpyFile.ReadIntegers(Write("f.npy", noDescr))));
    }
}
