namespace Backprop.Simd.Onnx.Wire;

/// <summary>
/// ValueInfoProto of a tensor-typed graph input or output: its name, element type and shape, where
/// each dimension is a number or a symbolic name such as "batch" (or unknown).
/// </summary>
internal sealed class OnnxValueInfo
{
    private const int NameField = 1, TypeField = 2;
    private const int TensorTypeField = 1;                  // TypeProto.tensor_type
    private const int ElemTypeField = 1, ShapeField = 2;    // TypeProto.Tensor
    private const int DimField = 1;                         // TensorShapeProto.dim
    private const int DimValueField = 1, DimParamField = 2; // TensorShapeProto.Dimension

    public string Name { get; set; } = "";

    /// <summary>The TensorProto.DataType of the elements; 0 when the value is not a tensor or its type is not stated.</summary>
    public int ElemType { get; set; }

    /// <summary>The dims, a null entry for a symbolic or unknown one; null when no shape is stated.</summary>
    public List<long?>? Dims { get; set; }

    public static OnnxValueInfo Read(ProtoReader reader)
    {
        var info = new OnnxValueInfo();
        while (reader.Next())
        {
            if (reader.Field == NameField) info.Name = reader.String();
            else if (reader.Field == TypeField) ReadType(reader.Message($"{reader.Where}.type"), info);
            else reader.Skip();
        }

        return info;
    }

    /// <summary>A FLOAT tensor [batch, width] with a symbolic batch dimension.</summary>
    public static OnnxValueInfo FloatMatrix(string name, long width) =>
        new() { Name = name, ElemType = OnnxDataType.Float, Dims = [null, width] };

    /// <summary>Writes the value; a null dim goes out as the symbolic dimension "batch".</summary>
    public void Write(ProtoWriter writer)
    {
        writer.String(NameField, Name);
        writer.Message(TypeField, type => type.Message(TensorTypeField, tensor =>
        {
            tensor.Int64(ElemTypeField, ElemType);
            if (Dims is null) return;
            tensor.Message(ShapeField, shape =>
            {
                foreach (long? value in Dims)
                {
                    shape.Message(DimField, dim =>
                    {
                        if (value is { } v) dim.Int64(DimValueField, v);
                        else dim.String(DimParamField, "batch");
                    });
                }
            });
        }));
    }

    private static void ReadType(ProtoReader type, OnnxValueInfo info)
    {
        while (type.Next())
        {
            if (type.Field != TensorTypeField)
            {
                type.Skip();
                continue;
            }

            ProtoReader tensor = type.Message($"{type.Where}.tensor_type");
            while (tensor.Next())
            {
                if (tensor.Field == ElemTypeField) info.ElemType = tensor.Int32();
                else if (tensor.Field == ShapeField) info.Dims = ReadShape(tensor.Message($"{tensor.Where}.shape"));
                else tensor.Skip();
            }
        }
    }

    private static List<long?> ReadShape(ProtoReader shape)
    {
        var dims = new List<long?>();
        while (shape.Next())
        {
            if (shape.Field != DimField)
            {
                shape.Skip();
                continue;
            }

            ProtoReader dim = shape.Message($"{shape.Where}.dim[{dims.Count}]");
            long? value = null;
            while (dim.Next())
            {
                if (dim.Field == DimValueField) value = dim.Int64();
                else dim.Skip();
            }

            dims.Add(value);
        }

        return dims;
    }
}
