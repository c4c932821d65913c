namespace Backprop.Simd.Onnx.Wire;

/// <summary>GraphProto: nodes in topological order, the constant initializers, and the graph's inputs and outputs.</summary>
internal sealed class OnnxGraph
{
    private const int NodeField = 1, NameField = 2, InitializerField = 5, InputField = 11, OutputField = 12;

    public string Name { get; set; } = "";
    public List<OnnxNode> Nodes { get; } = [];
    public List<OnnxTensor> Initializers { get; } = [];
    public List<OnnxValueInfo> Inputs { get; } = [];
    public List<OnnxValueInfo> Outputs { get; } = [];

    public static OnnxGraph Read(ProtoReader reader)
    {
        var graph = new OnnxGraph();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case NodeField: graph.Nodes.Add(OnnxNode.Read(reader.Message($"graph.node[{graph.Nodes.Count}]"))); break;
                case NameField: graph.Name = reader.String(); break;
                case InitializerField: graph.Initializers.Add(OnnxTensor.Read(reader.Message($"graph.initializer[{graph.Initializers.Count}]"))); break;
                case InputField: graph.Inputs.Add(OnnxValueInfo.Read(reader.Message($"graph.input[{graph.Inputs.Count}]"))); break;
                case OutputField: graph.Outputs.Add(OnnxValueInfo.Read(reader.Message($"graph.output[{graph.Outputs.Count}]"))); break;
                default: reader.Skip(); break;
            }
        }

        return graph;
    }

    public void Write(ProtoWriter writer)
    {
        foreach (OnnxNode node in Nodes) writer.Message(NodeField, node.Write);
        writer.String(NameField, Name);
        foreach (OnnxTensor initializer in Initializers) writer.Message(InitializerField, initializer.Write);
        foreach (OnnxValueInfo input in Inputs) writer.Message(InputField, input.Write);
        foreach (OnnxValueInfo output in Outputs) writer.Message(OutputField, output.Write);
    }
}
