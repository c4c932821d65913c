using System.Buffers.Binary;
using Google.Protobuf;

namespace Backprop.Simd.Onnx.Wire;

/// <summary>
/// Reads one protobuf message field by field, with the message's place in the file (such as
/// <c>graph.node[3].attribute[0]</c>) in every error. Unknown fields are skipped, as protobuf
/// requires; a known field with the wrong wire type, or bytes that are not protobuf, are an
/// <see cref="InvalidDataException"/>. Nested messages and byte fields are read in place, as
/// slices of the one buffer, so a model is not copied once per level of nesting.
/// </summary>
internal sealed class ProtoReader
{
    private readonly byte[] _buffer;
    private readonly int _offset;
    private readonly long _start;
    private readonly CodedInputStream _input;
    private WireFormat.WireType _wireType;

    public ProtoReader(ArraySegment<byte> message, string where)
    {
        _buffer = message.Array!;
        _offset = message.Offset;
        _input = new CodedInputStream(_buffer, message.Offset, message.Count);
        _start = _input.Position;
        Where = where;
    }

    /// <summary>The message's place in the file, for error messages.</summary>
    public string Where { get; }

    /// <summary>The number of the field just read.</summary>
    public int Field { get; private set; }

    /// <summary>Moves to the next field; false at the end of the message.</summary>
    public bool Next()
    {
        uint tag = Guard(() => _input.ReadTag());
        if (tag == 0) return false;
        Field = WireFormat.GetTagFieldNumber(tag);
        _wireType = WireFormat.GetTagWireType(tag);
        return true;
    }

    public ProtoReader Message(string where) => new(Payload(), where);

    public string String()
    {
        Expect(WireFormat.WireType.LengthDelimited);
        return Guard(() => _input.ReadString());
    }

    /// <summary>The bytes of a length-delimited field, as a slice of the buffer (no copy).</summary>
    public ArraySegment<byte> Payload()
    {
        Expect(WireFormat.WireType.LengthDelimited);
        int at = _offset + (int)(_input.Position - _start);
        Skip(); // checks that the whole field is inside the message
        int end = _offset + (int)(_input.Position - _start);
        int length = 0, shift = 0;
        while ((_buffer[at] & 0x80) != 0)
        {
            length |= (_buffer[at++] & 0x7F) << shift;
            shift += 7;
        }

        length |= _buffer[at++] << shift;
        if (at + length != end) throw Invalid($"field {Field} has a length that does not match its bytes");
        return new ArraySegment<byte>(_buffer, at, length);
    }

    public long Int64()
    {
        Expect(WireFormat.WireType.Varint);
        return Guard(() => _input.ReadInt64());
    }

    public int Int32()
    {
        Expect(WireFormat.WireType.Varint);
        return Guard(() => _input.ReadInt32());
    }

    public float Float()
    {
        Expect(WireFormat.WireType.Fixed32);
        return Guard(() => _input.ReadFloat());
    }

    /// <summary>A repeated int64 field, packed (one length-delimited run) or not (one value per tag).</summary>
    public void Int64s(List<long> values)
    {
        if (_wireType != WireFormat.WireType.LengthDelimited)
        {
            values.Add(Int64());
            return;
        }

        ArraySegment<byte> bytes = Payload();
        var packed = new CodedInputStream(bytes.Array!, bytes.Offset, bytes.Count);
        Guard(() =>
        {
            while (!packed.IsAtEnd) values.Add(packed.ReadInt64());
            return 0;
        });
    }

    /// <summary>A repeated float field, packed (4 bytes each, little-endian) or not.</summary>
    public void Floats(List<float> values)
    {
        if (_wireType != WireFormat.WireType.LengthDelimited)
        {
            values.Add(Float());
            return;
        }

        ReadOnlySpan<byte> packed = Payload();
        if (packed.Length % sizeof(float) != 0)
        {
            throw Invalid($"field {Field} holds {packed.Length} bytes of packed floats, not a multiple of 4");
        }

        for (int i = 0; i < packed.Length; i += sizeof(float)) values.Add(BinaryPrimitives.ReadSingleLittleEndian(packed[i..]));
    }

    public void Skip() => Guard(() =>
    {
        _input.SkipLastField();
        return 0;
    });

    public InvalidDataException Invalid(string reason) => new($"{Where}: {reason}.");

    private void Expect(WireFormat.WireType expected)
    {
        if (_wireType != expected) throw Invalid($"field {Field} has wire type {_wireType}; the ONNX schema says {expected}");
    }

    private T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{Where}: not valid protobuf ({e.Message})", e);
        }
    }
}
