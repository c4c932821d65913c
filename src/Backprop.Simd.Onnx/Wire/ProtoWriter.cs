using Google.Protobuf;

namespace Backprop.Simd.Onnx.Wire;

/// <summary>
/// Writes one protobuf message. A nested message is written to its own buffer first, because the
/// wire format puts its length before it; models are small, so the copy costs nothing that matters.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new();
    private readonly CodedOutputStream _output;

    public ProtoWriter() => _output = new CodedOutputStream(_buffer, leaveOpen: true);

    public static byte[] Serialize(Action<ProtoWriter> write)
    {
        var writer = new ProtoWriter();
        write(writer);
        return writer.ToArray();
    }

    public byte[] ToArray()
    {
        _output.Flush();
        return _buffer.ToArray();
    }

    /// <summary>A string field; an empty one is left out (it reads back as the default, "") unless <paramref name="keepEmpty"/>.</summary>
    public void String(int field, string? value, bool keepEmpty = false)
    {
        if (value is null || (value.Length == 0 && !keepEmpty)) return;
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteString(value);
    }

    public void Bytes(int field, ReadOnlyMemory<byte> value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteBytes(UnsafeByteOperations.UnsafeWrap(value));
    }

    public void Int64(int field, long value)
    {
        _output.WriteTag(field, WireFormat.WireType.Varint);
        _output.WriteInt64(value);
    }

    public void Float(int field, float value)
    {
        _output.WriteTag(field, WireFormat.WireType.Fixed32);
        _output.WriteFloat(value);
    }

    public void Message(int field, Action<ProtoWriter> write) => Bytes(field, Serialize(write));
}
