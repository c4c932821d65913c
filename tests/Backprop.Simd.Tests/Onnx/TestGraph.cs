using Backprop.Simd.Onnx.Wire;

namespace Backprop.Simd.Tests.Onnx;

/// <summary>Builds small ONNX graphs by hand, for the patterns and the defects that exporters seldom write.</summary>
internal sealed class TestGraph
{
    private readonly OnnxModelProto _model = new() { IrVersion = 7, Graph = new OnnxGraph { Name = "test" } };
    private OnnxGraph Graph => _model.Graph!;

    /// <summary>A graph with float input "x" of the given dims (null for a symbolic batch).</summary>
    public TestGraph(long?[] inputDims, long opset = 13, int inputType = OnnxDataType.Float)
    {
        if (opset > 0) _model.Opsets.Add(("", opset));
        Graph.Inputs.Add(new OnnxValueInfo { Name = "x", ElemType = inputType, Dims = [.. inputDims] });
    }

    public TestGraph Floats(string name, long[] dims, int seed, float scale = 0.3f)
    {
        long count = dims.Aggregate(1L, (a, b) => a * b);
        var random = new Random(seed);
        float[] values = Enumerable.Range(0, (int)count).Select(_ => scale * (2 * random.NextSingle() - 1)).ToArray();
        Graph.Initializers.Add(OnnxTensor.FromFloats(name, dims, values));
        return this;
    }

    public TestGraph Tensor(OnnxTensor tensor)
    {
        Graph.Initializers.Add(tensor);
        return this;
    }

    public TestGraph Int64s(string name, params long[] values)
    {
        var tensor = new OnnxTensor { Name = name, DataType = OnnxDataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        return Tensor(tensor);
    }

    /// <summary>Adds node "n{index}" of <paramref name="op"/>.</summary>
    public TestGraph Node(string op, string[] inputs, string output, params OnnxAttribute[] attributes)
    {
        Graph.Nodes.Add(OnnxNode.Create($"n{Graph.Nodes.Count}", op, inputs, output, attributes));
        return this;
    }

    public TestGraph Node(OnnxNode node)
    {
        Graph.Nodes.Add(node);
        return this;
    }

    public TestGraph Output(string name, int type = OnnxDataType.Float)
    {
        Graph.Outputs.Add(new OnnxValueInfo { Name = name, ElemType = type, Dims = null });
        return this;
    }

    /// <summary>Sets a metadata_props entry.</summary>
    public TestGraph Metadata(string key, string value)
    {
        _model.Metadata[key] = value;
        return this;
    }

    /// <summary>Lists every initializer as a graph input too, as exporters before IR version 4 did.</summary>
    public TestGraph InitializersAsInputs()
    {
        foreach (OnnxTensor t in Graph.Initializers) Graph.Inputs.Add(new OnnxValueInfo { Name = t.Name, ElemType = t.DataType, Dims = [.. t.Dims.Select(d => (long?)d)] });
        return this;
    }

    public byte[] Bytes() => _model.Serialize();
}
