namespace Backprop.Simd.Onnx.Wire;

/// <summary>AttributeProto: a node's named parameter (transB of a Gemm, axis of a Softmax, value of a Constant).</summary>
internal sealed class OnnxAttribute
{
    private const int NameField = 1, FloatField = 2, IntField = 3, TensorField = 5, FloatsField = 7, IntsField = 8, TypeField = 20;

    /// <summary>AttributeProto.AttributeType values this reader interprets.</summary>
    public const int FloatType = 1, IntType = 2, TensorType = 4, FloatsType = 6, IntsType = 7;

    public string Name { get; set; } = "";
    public int Type { get; set; }
    public float F { get; set; }
    public long I { get; set; }
    public OnnxTensor? T { get; set; }
    public List<float> Floats { get; } = [];
    public List<long> Ints { get; } = [];

    public static OnnxAttribute Read(ProtoReader reader)
    {
        var attribute = new OnnxAttribute();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case NameField: attribute.Name = reader.String(); break;
                case FloatField: attribute.F = reader.Float(); break;
                case IntField: attribute.I = reader.Int64(); break;
                case TensorField: attribute.T = OnnxTensor.Read(reader.Message($"{reader.Where}.t")); break;
                case FloatsField: reader.Floats(attribute.Floats); break;
                case IntsField: reader.Int64s(attribute.Ints); break;
                case TypeField: attribute.Type = reader.Int32(); break;
                default: reader.Skip(); break;
            }
        }

        return attribute;
    }

    public static OnnxAttribute Int(string name, long value) => new() { Name = name, Type = IntType, I = value };

    public static OnnxAttribute Float(string name, float value) => new() { Name = name, Type = FloatType, F = value };

    public static OnnxAttribute Tensor(string name, OnnxTensor value) => new() { Name = name, Type = TensorType, T = value };

    public void Write(ProtoWriter writer)
    {
        writer.String(NameField, Name);
        switch (Type)
        {
            case FloatType: writer.Float(FloatField, F); break;
            case IntType: writer.Int64(IntField, I); break;
            case TensorType: writer.Message(TensorField, T!.Write); break;
            case FloatsType: foreach (float f in Floats) writer.Float(FloatsField, f); break;
            case IntsType: foreach (long i in Ints) writer.Int64(IntsField, i); break;
        }

        writer.Int64(TypeField, Type);
    }
}
