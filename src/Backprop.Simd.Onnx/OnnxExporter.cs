using System.Reflection;
using Backprop.Simd.IO;
using Backprop.Simd.Kernels;
using Backprop.Simd.Model;
using Backprop.Simd.Onnx.Wire;

namespace Backprop.Simd.Onnx;

/// <summary>
/// Builds the ONNX graph of a network: for layer l (1-based, as in the lecture and the .npy export)
/// <c>layer{l}/Gemm: z = a W^T + b</c> with initializers <c>layer{l}.weight</c> [n_l, n_(l-1)] and
/// <c>layer{l}.bias</c> [n_l], then <c>layer{l}/{Activation}: a = f(z)</c>; identity layers have no
/// activation node. The last node writes the graph output "output".
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
            Graph = BuildGraph(model.Network),
        };
        proto.Opsets.Add(("", OnnxModel.Opset));
        proto.Metadata[OnnxModel.CostMetadataKey] = model.Cost.ToString();
        return proto;
    }

    private static OnnxGraph BuildGraph(Network<float> network)
    {
        NetworkLayout layout = network.Layout;
        var graph = new OnnxGraph { Name = "backprop_simd_dense" };
        string previous = InputName;
        for (int i = 0; i < layout.LayerCount; i++)
        {
            int l = i + 1;
            bool last = i == layout.LayerCount - 1;
            Activation activation = layout.Activations[i];
            string weight = $"layer{l}.weight", bias = $"layer{l}.bias";
            graph.Initializers.Add(OnnxTensor.FromFloats(weight, [layout.OutputsOf(i), layout.InputsOf(i)], network.Weights(i)));
            graph.Initializers.Add(OnnxTensor.FromFloats(bias, [layout.OutputsOf(i)], network.Biases(i)));

            string z = last && activation == Activation.Identity ? OutputName : $"layer{l}/z";
            graph.Nodes.Add(OnnxNode.Create($"layer{l}/Gemm", "Gemm", [previous, weight, bias], z, OnnxAttribute.Int("transB", 1)));
            previous = z;
            if (activation == Activation.Identity) continue;

            string a = last ? OutputName : $"layer{l}/a";
            string op = OperatorOf(activation);
            OnnxAttribute[] attributes = activation == Activation.Softmax ? [OnnxAttribute.Int("axis", -1)] : [];
            graph.Nodes.Add(OnnxNode.Create($"layer{l}/{op}", op, [previous], a, attributes));
            previous = a;
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
