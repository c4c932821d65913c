using System.Reflection;
using Backprop.Simd.Onnx.Wire;

namespace Backprop.Simd.Onnx;

/// <summary>
/// Builds the ONNX graph of a network: for layer l (1-based, as in the lecture and the .npy export)
/// <c>layer{l}/Gemm: z = a W^T + b</c> with initializers <c>layer{l}.weight</c> [n_l, n_(l-1)] and
/// <c>layer{l}.bias</c> [n_l], then <c>layer{l}/{Activation}: a = f(z)</c>; identity layers have no
/// activation node. A schema's input standardisation goes in front as <c>preprocess/Sub</c> and
/// <c>preprocess/Div</c>, its target standardisation is undone after the last layer by
/// <c>postprocess/Mul</c> and <c>postprocess/Add</c>, so that any ONNX client takes and gives raw
/// values. The last node writes the graph output "output"; the task and the names go in the metadata.
/// </summary>
internal static class OnnxExporter
{
    public const string InputName = "input", OutputName = "output";

    public static OnnxModelProto Build(SavedModel model)
    {
        var proto = new OnnxModelProto
        {
            IrVersion = OnnxModel.IrVersion,
            ProducerName = "Backprop.Simd",
            ProducerVersion = typeof(OnnxModel).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            DocString = $"Dense network {model.Network.Layout}, trained with the {model.Cost} cost.",
            Graph = BuildGraph(model.Network, model.Schema),
        };
        proto.Opsets.Add(("", OnnxModel.Opset));
        proto.Metadata[OnnxModel.CostMetadataKey] = model.Cost.ToString();
        OnnxMetadata.Write(proto.Metadata, model.Schema);
        return proto;
    }

    private static OnnxGraph BuildGraph(Network<float> network, DataSchema schema)
    {
        NetworkLayout layout = network.Layout;
        schema.RequireFits(layout.InputSize, layout.OutputSize);
        var graph = new OnnxGraph { Name = "backprop_simd_dense" };
        string previous = InputName;
        if (schema.Inputs is { } inputs)
        {
            // x' = (x - mean) / scale: the Predictor's own two steps, so ONNX Runtime rounds as it does.
            graph.Initializers.Add(OnnxTensor.FromFloats("preprocess/mean", [inputs.Width], inputs.Mean));
            graph.Initializers.Add(OnnxTensor.FromFloats("preprocess/scale", [inputs.Width], inputs.Scale));
            graph.Nodes.Add(OnnxNode.Create("preprocess/Sub", "Sub", [previous, "preprocess/mean"], "preprocess/centred"));
            graph.Nodes.Add(OnnxNode.Create("preprocess/Div", "Div", ["preprocess/centred", "preprocess/scale"], "preprocess/x"));
            previous = "preprocess/x";
        }

        Standardization? targets = schema.Targets;
        for (int i = 0; i < layout.LayerCount; i++)
        {
            int l = i + 1;
            bool last = i == layout.LayerCount - 1, writesOutput = last && targets is null;
            Activation activation = layout.ActivationFunctions[i];
            string weight = $"layer{l}.weight", bias = $"layer{l}.bias";
            graph.Initializers.Add(OnnxTensor.FromFloats(weight, [layout.OutputsOf(i), layout.InputsOf(i)], network.Weights(i)));
            graph.Initializers.Add(OnnxTensor.FromFloats(bias, [layout.OutputsOf(i)], network.Biases(i)));

            string z = writesOutput && activation == Activation.Identity ? OutputName : $"layer{l}/z";
            graph.Nodes.Add(OnnxNode.Create($"layer{l}/Gemm", "Gemm", [previous, weight, bias], z, OnnxAttribute.Int("transB", 1)));
            previous = z;
            if (activation == Activation.Identity) continue;

            string a = writesOutput ? OutputName : $"layer{l}/a";
            string op = OperatorOf(activation);
            OnnxAttribute[] attributes = activation == Activation.Softmax ? [OnnxAttribute.Int("axis", -1)] : [];
            graph.Nodes.Add(OnnxNode.Create($"layer{l}/{op}", op, [previous], a, attributes));
            previous = a;
        }

        if (targets is not null)
        {
            // y = a * scale + mean: the targets back in their own units.
            graph.Initializers.Add(OnnxTensor.FromFloats("postprocess/scale", [targets.Width], targets.Scale));
            graph.Initializers.Add(OnnxTensor.FromFloats("postprocess/mean", [targets.Width], targets.Mean));
            graph.Nodes.Add(OnnxNode.Create("postprocess/Mul", "Mul", [previous, "postprocess/scale"], "postprocess/scaled"));
            graph.Nodes.Add(OnnxNode.Create("postprocess/Add", "Add", ["postprocess/scaled", "postprocess/mean"], OutputName));
        }

        graph.Inputs.Add(OnnxValueInfo.FloatMatrix(InputName, layout.InputSize));
        graph.Outputs.Add(OnnxValueInfo.FloatMatrix(OutputName, layout.OutputSize));
        return graph;
    }

    /// <summary>The ONNX operator of an activation ("Sigmoid", "Tanh", "Relu", "Softmax").</summary>
    public static string OperatorOf(Activation activation) => activation switch
    {
        Activation.Sigmoid => "Sigmoid",
        Activation.Tanh => "Tanh",
        Activation.Relu => "Relu",
        Activation.Softmax => "Softmax",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Identity layers have no activation node."),
    };
}
