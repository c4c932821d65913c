using System.Buffers.Binary;
using System.IO.Compression;

namespace Backprop.Simd.Tests.Data;

/// <summary>Builds IDX files byte by byte, so tests can make every kind of broken file.</summary>
internal static class IdxBuilder
{
    public static byte[] Images(int count, int rows, int columns, int? payloadBytes = null, int magic = 0x803)
    {
        int payload = payloadBytes ?? count * rows * columns;
        var bytes = new byte[16 + payload];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        for (int i = 0; i < payload; i++) bytes[16 + i] = (byte)(i * 7);
        return bytes;
    }

    public static byte[] Labels(params byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x801);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(raw);
        return output.ToArray();
    }
}
