using System.Buffers.Binary;

namespace Backprop.Simd.Onnx.Wire;

/// <summary>
/// TensorProto: a named constant (an initializer or a Constant node's value). The data is in
/// <c>raw_data</c> (little-endian bytes) or in the typed repeated field, or, for external data, in
/// another file, which this reader refuses.
/// </summary>
internal sealed class OnnxTensor
{
    private const int DimsField = 1, DataTypeField = 2, SegmentField = 3, FloatDataField = 4, Int64DataField = 7;
    private const int NameField = 8, RawDataField = 9, ExternalDataField = 13, DataLocationField = 14;
    private const int DataLocationExternal = 1;

    public string Name { get; set; } = "";
    public List<long> Dims { get; } = [];
    public int DataType { get; set; }
    public List<float> FloatData { get; } = [];
    public List<long> Int64Data { get; } = [];
    public ArraySegment<byte>? RawData { get; set; }
    public bool IsExternal { get; set; }
    public bool HasSegment { get; private set; }

    public static OnnxTensor Read(ProtoReader reader)
    {
        var tensor = new OnnxTensor();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case DimsField: reader.Int64s(tensor.Dims); break;
                case DataTypeField: tensor.DataType = reader.Int32(); break;
                case SegmentField: tensor.HasSegment = true; reader.Skip(); break;
                case FloatDataField: reader.Floats(tensor.FloatData); break;
                case Int64DataField: reader.Int64s(tensor.Int64Data); break;
                case NameField: tensor.Name = reader.String(); break;
                case RawDataField: tensor.RawData = reader.Payload(); break;
                case ExternalDataField: tensor.IsExternal = true; reader.Skip(); break;
                case DataLocationField: tensor.IsExternal |= reader.Int32() == DataLocationExternal; break;
                default: reader.Skip(); break;
            }
        }

        return tensor;
    }

    /// <summary>A FLOAT tensor whose data goes out as raw little-endian bytes.</summary>
    public static OnnxTensor FromFloats(string name, ReadOnlySpan<long> dims, ReadOnlySpan<float> values)
    {
        var raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        var tensor = new OnnxTensor { Name = name, DataType = OnnxDataType.Float, RawData = raw };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    public void Write(ProtoWriter writer)
    {
        foreach (long dim in Dims) writer.Int64(DimsField, dim);
        writer.Int64(DataTypeField, DataType);
        foreach (float value in FloatData) writer.Float(FloatDataField, value);
        foreach (long value in Int64Data) writer.Int64(Int64DataField, value);
        writer.String(NameField, Name);
        if (RawData is { } raw) writer.Bytes(RawDataField, raw);
        if (IsExternal) writer.Int64(DataLocationField, DataLocationExternal);
    }

    /// <summary>The number of elements the dims promise (1 for a scalar), or -1 if a dim is negative or the product overflows.</summary>
    public long ElementCount()
    {
        long count = 1;
        foreach (long dim in Dims)
        {
            if (dim < 0 || (dim > 0 && count > Array.MaxLength / dim)) return -1;
            count *= dim;
        }

        return count;
    }

    /// <summary>"[30, 784]".</summary>
    public string Shape => $"[{string.Join(", ", Dims)}]";

    /// <summary>The values of a FLOAT tensor; any other type, external data or a count that does not match the dims is refused.</summary>
    public float[] ToFloats(Func<string, InvalidDataException> refuse)
    {
        RequireReadable(refuse, OnnxDataType.Float);
        long count = ElementCount();
        if (RawData is not null) return FromRaw(refuse, count, sizeof(float), (raw, at) => BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(at)));
        RequireCount(refuse, count, "float_data", FloatData.Count);
        return FloatData.ToArray();
    }

    /// <summary>The values of an INT64 tensor (a Reshape's target shape).</summary>
    public long[] ToInt64s(Func<string, InvalidDataException> refuse)
    {
        RequireReadable(refuse, OnnxDataType.Int64);
        long count = ElementCount();
        if (RawData is not null) return FromRaw(refuse, count, sizeof(long), (raw, at) => BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(at)));
        RequireCount(refuse, count, "int64_data", Int64Data.Count);
        return Int64Data.ToArray();
    }

    private void RequireReadable(Func<string, InvalidDataException> refuse, int type)
    {
        if (IsExternal) throw refuse($"tensor '{Name}' keeps its data in an external file; only tensors stored inside the model are supported (save without external data)");
        if (HasSegment) throw refuse($"tensor '{Name}' is a segment of a larger tensor; segmented tensors are not supported");
        if (DataType != type) throw refuse($"tensor '{Name}' has element type {OnnxDataType.Describe(DataType)}; {OnnxDataType.Describe(type)} is expected here");
        if (ElementCount() < 0) throw refuse($"tensor '{Name}' has the impossible shape {Shape}");
    }

    private void RequireCount(Func<string, InvalidDataException> refuse, long expected, string field, int count)
    {
        if (count != expected)
        {
            throw refuse($"tensor '{Name}' has shape {Shape} ({expected} values) but {field} holds {count} values");
        }
    }

    private T[] FromRaw<T>(Func<string, InvalidDataException> refuse, long expected, int valueSize, Func<ArraySegment<byte>, int, T> read)
    {
        ArraySegment<byte> raw = RawData!.Value;
        if (raw.Count % valueSize != 0)
        {
            throw refuse($"tensor '{Name}' has {raw.Count} bytes of raw_data, not a whole number of {valueSize}-byte values");
        }

        RequireCount(refuse, expected, "raw_data", raw.Count / valueSize);
        var values = new T[expected];
        for (int i = 0; i < values.Length; i++) values[i] = read(raw, i * valueSize);
        return values;
    }
}
