namespace Backprop.Simd.Onnx.Wire;

/// <summary>NodeProto: one operator application, <c>outputs = op_type(inputs; attributes)</c>.</summary>
internal sealed class OnnxNode
{
    private const int InputField = 1, OutputField = 2, NameField = 3, OpTypeField = 4, AttributeField = 5, DomainField = 7;

    public string Name { get; set; } = "";
    public string OpType { get; set; } = "";
    public string Domain { get; set; } = "";
    public List<string> Inputs { get; } = [];
    public List<string> Outputs { get; } = [];
    public List<OnnxAttribute> Attributes { get; } = [];

    public static OnnxNode Read(ProtoReader reader)
    {
        var node = new OnnxNode();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case InputField: node.Inputs.Add(reader.String()); break;
                case OutputField: node.Outputs.Add(reader.String()); break;
                case NameField: node.Name = reader.String(); break;
                case OpTypeField: node.OpType = reader.String(); break;
                case AttributeField: node.Attributes.Add(OnnxAttribute.Read(reader.Message($"{reader.Where}.attribute[{node.Attributes.Count}]"))); break;
                case DomainField: node.Domain = reader.String(); break;
                default: reader.Skip(); break;
            }
        }

        return node;
    }

    /// <summary>A node of the default domain with one output.</summary>
    public static OnnxNode Create(string name, string opType, IEnumerable<string> inputs, string output, params OnnxAttribute[] attributes)
    {
        var node = new OnnxNode { Name = name, OpType = opType };
        node.Inputs.AddRange(inputs);
        node.Outputs.Add(output);
        node.Attributes.AddRange(attributes);
        return node;
    }

    public void Write(ProtoWriter writer)
    {
        // An empty input name is how ONNX marks an optional input as absent, so it is written as is.
        foreach (string input in Inputs) writer.String(InputField, input, keepEmpty: true);
        foreach (string output in Outputs) writer.String(OutputField, output, keepEmpty: true);
        writer.String(NameField, Name);
        writer.String(OpTypeField, OpType);
        foreach (OnnxAttribute attribute in Attributes) writer.Message(AttributeField, attribute.Write);
        writer.String(DomainField, Domain);
    }

    /// <summary>The attribute called <paramref name="name"/>, or null.</summary>
    public OnnxAttribute? Attribute(string name) => Attributes.Find(a => a.Name == name);
}
