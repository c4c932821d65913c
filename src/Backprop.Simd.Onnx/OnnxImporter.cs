using Backprop.Simd.Kernels;
using Backprop.Simd.Onnx.Wire;

namespace Backprop.Simd.Onnx;

/// <summary>
/// Reads an ONNX graph as a dense network by walking it as one chain from the graph input to the
/// graph output. Every node must take the value the previous step produced (the "current" value)
/// and may otherwise read only constants:
/// <list type="bullet">
/// <item><c>Gemm(x, B, C)</c> with transA=0 and <c>MatMul(x, W)</c> open a layer, z = x W^T + b;</item>
/// <item><c>Add(z, c)</c> with a constant adds to the open layer's bias, before its activation;</item>
/// <item><c>Sigmoid</c>, <c>Tanh</c>, <c>Relu</c>, <c>Softmax</c> (over the last axis) close it;</item>
/// <item><c>Flatten</c>, <c>Reshape</c> to [batch, features] and <c>Identity</c> pass values on; <c>Constant</c> defines one.</item>
/// </list>
/// A layer opened and not closed by an activation is an identity layer. Around the layers, constants
/// that standardise are read into the <see cref="DataSchema"/>:
/// <list type="bullet">
/// <item>before the first layer, <c>Sub(x, mean)</c> then <c>Div(x, scale)</c> or <c>Mul(x, 1/scale)</c>
/// (each optional, in that order) are the input standardisation;</item>
/// <item>after the last layer, <c>Mul(a, scale)</c> then an optional <c>Add(a, mean)</c> map the outputs back
/// to the targets' units: the target standardisation of a regression model.</item>
/// </list>
/// The metadata our exporter writes gives the task and the names. Anything else is refused with the
/// node and the reason, so a model is either computed exactly as ONNX defines it or not at all.
/// </summary>
internal sealed class OnnxImporter(string source)
{
    private const string Supported = "Gemm, MatMul, Add, Sigmoid, Tanh, Relu, Softmax, Flatten, Reshape, Identity and Constant, with Sub, Div and Mul by constants to standardise";

    private readonly Dictionary<string, OnnxTensor> _constants = [];
    private readonly List<DenseLayer> _layers = [];
    private OnnxNode? _node;
    private int _nodeIndex;
    private long _opset;

    private string _current = "";  // the value the chain has reached
    private int _rank;              // its rank; 0 when the graph does not say
    private int? _features;         // its values per sample (the product of the non-batch dims), when known

    // The standardisations read around the layers: per-column values (or one to broadcast) and the node that gave them.
    private Affine? _inputMean, _inputScale, _outputScale, _outputMean;
    private bool _postprocessing;   // a Mul after the last layer has been read: only its Add (and Identity) may follow

    /// <summary>The constant of a Sub, Div, Mul or Add around the layers, as the mean or the scale it stands for.</summary>
    private sealed record Affine(float[] Values, string Node);

    /// <summary>One dense layer as read so far: z = W x + b, then the activation once a node gives it.</summary>
    private sealed class DenseLayer(int inputs, int outputs, float[] weights, float[] biases)
    {
        public int Inputs { get; } = inputs;
        public int Outputs { get; } = outputs;
        public float[] Weights { get; } = weights;   // [Outputs, Inputs] row-major
        public float[] Biases { get; } = biases;
        public Activation? Activation { get; set; }
    }

    public SavedModel Import(OnnxModelProto model)
    {
        OnnxGraph graph = model.Graph ?? throw Refuse("the model has no graph");
        _opset = DefaultOpset(model);
        foreach (OnnxTensor initializer in graph.Initializers) _constants[initializer.Name] = initializer;
        ReadGraphInput(graph);
        RequireAcyclic(graph);

        for (_nodeIndex = 0; _nodeIndex < graph.Nodes.Count; _nodeIndex++)
        {
            _node = graph.Nodes[_nodeIndex];
            Apply(_node);
        }

        _node = null;
        CheckGraphOutput(graph);
        if (_layers.Count == 0) throw Refuse("the graph has no Gemm or MatMul, so it is not a dense network");
        DenseLayer last = _layers[^1];
        last.Activation ??= Activation.Identity;
        Network<float> network = BuildNetwork();
        return new SavedModel(network, CostOf(model, last.Activation.Value)) { Schema = BuildSchema(model, network.Layout) };
    }

    private long DefaultOpset(OnnxModelProto model)
    {
        foreach ((string domain, long version) in model.Opsets)
        {
            if (domain is "" or "ai.onnx")
            {
                if (version is < OnnxModel.MinImportOpset or > OnnxModel.MaxImportOpset)
                {
                    throw Refuse($"the model uses opset {version} of the default domain; opsets {OnnxModel.MinImportOpset} to {OnnxModel.MaxImportOpset} are supported");
                }

                return version;
            }
        }

        throw Refuse("the model imports no version of the default ONNX operator set (domain '' or 'ai.onnx')");
    }

    private void ReadGraphInput(OnnxGraph graph)
    {
        // Older exporters also list the initializers as graph inputs; the data input is what is left.
        OnnxValueInfo[] inputs = graph.Inputs.Where(i => !_constants.ContainsKey(i.Name)).ToArray();
        if (inputs.Length != 1)
        {
            throw Refuse($"the graph has {inputs.Length} inputs besides its initializers ({string.Join(", ", inputs.Select(i => $"'{i.Name}'"))}); a dense network has one");
        }

        OnnxValueInfo input = inputs[0];
        if (input.ElemType != OnnxDataType.Float)
        {
            throw Refuse($"graph input '{input.Name}' has element type {OnnxDataType.Describe(input.ElemType)}; only {OnnxDataType.Describe(OnnxDataType.Float)} is supported");
        }

        _current = input.Name;
        if (input.Dims is null) return;
        if (input.Dims.Count < 2)
        {
            throw Refuse($"graph input '{input.Name}' has rank {input.Dims.Count}; a batch dimension followed by the features is expected, such as [batch, 784]");
        }

        _rank = input.Dims.Count;
        long features = 1;
        foreach (long? dim in input.Dims.Skip(1))
        {
            if (dim is not > 0 || features * dim.Value > int.MaxValue)
            {
                return;
            }

            features *= dim.Value;
        }

        _features = (int)features;
    }

    private void CheckGraphOutput(OnnxGraph graph)
    {
        if (graph.Outputs.Count != 1)
        {
            throw Refuse($"the graph has {graph.Outputs.Count} outputs; a dense network has one");
        }

        OnnxValueInfo output = graph.Outputs[0];
        if (output.Name != _current)
        {
            throw Refuse($"graph output '{output.Name}' is not the end of the chain of layers, which ends at '{_current}'");
        }

        if (output.ElemType is not (0 or OnnxDataType.Float))
        {
            throw Refuse($"graph output '{output.Name}' has element type {OnnxDataType.Describe(output.ElemType)}; only {OnnxDataType.Describe(OnnxDataType.Float)} is supported");
        }
    }

    // Each value is defined once, before it is used: by the graph input, an initializer or one earlier node.
    // A node that takes its own output, or a value a later node makes, is a loop the walk below would not see.
    private void RequireAcyclic(OnnxGraph graph)
    {
        var defined = new HashSet<string>(graph.Inputs.Select(i => i.Name).Concat(graph.Initializers.Select(i => i.Name)));
        var madeBy = new Dictionary<string, int>();
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            foreach (string output in graph.Nodes[i].Outputs.Where(o => o.Length > 0)) madeBy.TryAdd(output, i);
        }

        for (_nodeIndex = 0; _nodeIndex < graph.Nodes.Count; _nodeIndex++)
        {
            _node = graph.Nodes[_nodeIndex];
            foreach (string input in _node.Inputs.Where(i => i.Length > 0))
            {
                if (_node.Outputs.Contains(input)) throw Refuse($"it takes its own output '{input}': a self-loop");
                if (!defined.Contains(input) && madeBy.TryGetValue(input, out int later) && later > _nodeIndex)
                {
                    throw Refuse($"it takes '{input}', which node #{later} makes after it: the graph has a cycle or is not in topological order");
                }
            }

            foreach (string output in _node.Outputs.Where(o => o.Length > 0))
            {
                if (!defined.Add(output)) throw Refuse($"its output '{output}' is already defined (a graph input, an initializer or an earlier node); each value is defined once");
            }
        }

        _node = null;
    }

    private void Apply(OnnxNode node)
    {
        if (node.Domain is not ("" or "ai.onnx"))
        {
            throw Refuse($"operators of domain '{node.Domain}' are not supported; a dense network uses {Supported} of the default domain");
        }

        if (node.OpType == "Constant")
        {
            DefineConstant(node);
            return;
        }

        if (node.Outputs.Count(o => o.Length > 0) != 1)
        {
            throw Refuse($"the node has {node.Outputs.Count} outputs; only single-output nodes chain");
        }

        if (!node.Inputs.Contains(_current))
        {
            throw Refuse($"the node does not take '{_current}', the output of the step before it; only a single chain of layers from the graph input to its output is supported");
        }

        if (_postprocessing && node.OpType is not ("Add" or "Identity"))
        {
            throw Refuse($"it follows {_outputScale!.Node}, which is read as the de-standardisation of the outputs after the last layer; only an Add of the mean (and Identity) may follow it");
        }

        switch (node.OpType)
        {
            case "Gemm": Gemm(node); break;
            case "MatMul": MatMul(node); break;
            case "Add" when _postprocessing: OutputMean(node); break;
            case "Add": Add(node); break;
            case "Sub": InputMean(node); break;
            case "Div": InputScale(node, reciprocal: false); break;
            case "Mul" when _layers.Count == 0: InputScale(node, reciprocal: true); break;
            case "Mul": OutputScale(node); break;
            case "Sigmoid": Activate(Activation.Sigmoid); break;
            case "Tanh": Activate(Activation.Tanh); break;
            case "Relu": Activate(Activation.Relu); break;
            case "Softmax": Softmax(node); break;
            case "Flatten": Flatten(node); break;
            case "Reshape": Reshape(node); break;
            case "Identity": RequireInputs(node, 1); break;
            default: throw Refuse($"operator {node.OpType} is not supported; a dense network uses {Supported}");
        }

        _current = node.Outputs.First(o => o.Length > 0);
    }

    // Gemm: Y = alpha A' B' + beta C with A' = A (transA must be 0) and B' = B^T when transB=1.
    // With transB=1, B is [n_out, n_in]: our W as it is.
    private void Gemm(OnnxNode node)
    {
        if (node.Inputs.Count is not (2 or 3)) throw Refuse($"Gemm takes 2 or 3 inputs; this one has {node.Inputs.Count}");
        RequireFirst(node);
        if (IntAttribute(node, "transA", 0) != 0) throw Refuse("transA=1 would mix the samples of a batch; only transA=0 is a dense layer");
        float alpha = FloatAttribute(node, "alpha", 1f), beta = FloatAttribute(node, "beta", 1f);
        if (!float.IsFinite(alpha)) throw Refuse($"alpha is {alpha}; it must be finite");
        if (!float.IsFinite(beta)) throw Refuse($"beta is {beta}; it must be finite");
        bool transposed = IntAttribute(node, "transB", 0) != 0;

        OnnxTensor b = ConstantInput(node, 1, "B");
        RequireMatrix(b, "B");
        int outputs = (int)(transposed ? b.Dims[0] : b.Dims[1]), inputs = (int)(transposed ? b.Dims[1] : b.Dims[0]);
        float[] weights = AsWeights(FiniteValues(b, "B"), inputs, outputs, transposed, alpha, b.Name);
        var biases = new float[outputs];
        if (node.Inputs.Count == 3 && node.Inputs[2].Length > 0) AddBias(biases, ConstantInput(node, 2, "C"), beta);
        OpenLayer(inputs, outputs, weights, biases, $"B '{b.Name}' {b.Shape} (transB={(transposed ? 1 : 0)})");
    }

    // MatMul: Y = A B with B [n_in, n_out], so W = B^T; the bias, if any, comes from an Add after it.
    private void MatMul(OnnxNode node)
    {
        RequireInputs(node, 2);
        RequireFirst(node);
        OnnxTensor b = ConstantInput(node, 1, "B");
        RequireMatrix(b, "B");
        int inputs = (int)b.Dims[0], outputs = (int)b.Dims[1];
        OpenLayer(inputs, outputs, AsWeights(FiniteValues(b, "B"), inputs, outputs, transposed: false, alpha: 1f, b.Name), new float[outputs], $"B '{b.Name}' {b.Shape}");
    }

    private void Add(OnnxNode node)
    {
        RequireInputs(node, 2);
        DenseLayer? layer = _layers.Count > 0 ? _layers[^1] : null;
        if (layer is null || layer.Activation is not null)
        {
            throw Refuse("an Add is read as the bias of a layer, so it must follow a Gemm or MatMul, before the activation");
        }

        int other = node.Inputs[0] == _current ? 1 : 0;
        if (node.Inputs[other] == _current) throw Refuse($"Add of '{_current}' to itself is not a bias");
        AddBias(layer.Biases, ConstantInput(node, other, "the bias"), 1f);
    }

    // x - mean before the first layer: Sub(x, c), with the input first (Sub(c, x) is c - x).
    private void InputMean(OnnxNode node)
    {
        RequireInputs(node, 2);
        if (_layers.Count > 0) throw Refuse("a Sub is read as the input standardisation x - mean, so it must come before the first Gemm or MatMul");
        if (_inputMean is not null) throw Refuse($"the inputs are already centred by {_inputMean.Node}; a standardisation subtracts one mean");
        if (_inputScale is not null) throw Refuse($"a Sub after {_inputScale.Node} is not (x - mean) / scale; subtract the mean first, then divide");
        RequireFirst(node);
        _inputMean = new Affine(StandardisationValues(ConstantInput(node, 1, "the mean"), "mean", _features, isScale: false), Describe());
    }

    // / scale before the first layer: Div(x, scale), or Mul(x, c) with c = 1 / scale (either order).
    private void InputScale(OnnxNode node, bool reciprocal)
    {
        RequireInputs(node, 2);
        if (_layers.Count > 0) throw Refuse($"a {node.OpType} is read as the input standardisation's scale, so it must come before the first Gemm or MatMul");
        if (_inputScale is not null) throw Refuse($"the inputs are already scaled by {_inputScale.Node}; a standardisation divides by one scale");
        int other;
        if (reciprocal)
        {
            other = OtherInput(node);
        }
        else
        {
            RequireFirst(node);
            other = 1;
        }

        float[] values = StandardisationValues(ConstantInput(node, other, reciprocal ? "the factor" : "the scale"), reciprocal ? "factor" : "scale", _features, isScale: true);
        if (reciprocal)
        {
            for (int j = 0; j < values.Length; j++)
            {
                // x * c = x / (1 / c); 1 / c rounded once from double, and it must still be a usable scale.
                float scale = (float)(1.0 / values[j]);
                if (!(scale > 0) || !float.IsFinite(scale))
                {
                    throw Refuse($"the factor {values[j]:R} at {j} is 1 / {scale}; a standardisation's scale must be positive and finite");
                }

                values[j] = scale;
            }
        }

        _inputScale = new Affine(values, Describe());
    }

    // * scale after the last layer: Mul(a, c) or Mul(c, a); it closes the last layer.
    private void OutputScale(OnnxNode node)
    {
        RequireInputs(node, 2);
        DenseLayer layer = _layers[^1];
        int other = OtherInput(node);
        float[] values = StandardisationValues(ConstantInput(node, other, "the scale"), "scale", layer.Outputs, isScale: true);
        layer.Activation ??= Activation.Identity;
        _outputScale = new Affine(values, Describe());
        _postprocessing = true;
    }

    // + mean after the output's Mul: Add(a, c) or Add(c, a).
    private void OutputMean(OnnxNode node)
    {
        RequireInputs(node, 2);
        if (_outputMean is not null) throw Refuse($"the outputs already have the mean of {_outputMean.Node} added; a de-standardisation adds one");
        int other = OtherInput(node);
        _outputMean = new Affine(StandardisationValues(ConstantInput(node, other, "the mean"), "mean", _layers[^1].Outputs, isScale: false), Describe());
    }

    // A standardisation constant: [n], [1, n] or one value, finite, and positive for a scale; n must be width when that is known.
    private float[] StandardisationValues(OnnxTensor c, string role, int? width, bool isScale)
    {
        float[] values = c.ToFloats(Refuse);
        bool shaped = c.Dims.Count <= 2 && c.Dims.Take(Math.Max(c.Dims.Count - 1, 0)).All(d => d == 1);
        if (!shaped || values.Length == 0 || (width is { } n && values.Length != 1 && values.Length != n))
        {
            string expected = width is { } w ? $"[{w}], [1, {w}]" : "[n], [1, n]";
            throw Refuse($"the {role} '{c.Name}' has shape {c.Shape}; it must be {expected} or a single value");
        }

        if (_layers.Count == 0 && _rank > 2 && values.Length != 1)
        {
            throw Refuse($"a per-feature {role} on an input of rank {_rank} would broadcast along its last axis only; Flatten the input first");
        }

        for (int j = 0; j < values.Length; j++)
        {
            float v = values[j];
            if (!float.IsFinite(v)) throw Refuse($"the {role} '{c.Name}' has value {v} at {j}; it must be finite");
            if (isScale && !(v > 0)) throw Refuse($"the {role} '{c.Name}' has value {v:R} at {j}; a standardisation's scale must be positive (and not zero)");
        }

        return values;
    }

    // The index of the constant input of a commutative node with the current value as its other input.
    private int OtherInput(OnnxNode node)
    {
        int other = node.Inputs[0] == _current ? 1 : 0;
        if (node.Inputs[other] == _current) throw Refuse($"{node.OpType} of '{_current}' by itself is not a standardisation");
        return other;
    }

    private void Activate(Activation activation)
    {
        DenseLayer? layer = _layers.Count > 0 ? _layers[^1] : null;
        if (layer is null) throw Refuse("an activation before any Gemm or MatMul would act on the raw input, which a dense network does not do");
        if (layer.Activation is not null) throw Refuse($"layer {_layers.Count} already has the activation {layer.Activation}; a layer has one");
        layer.Activation = activation;
    }

    // Softmax normalises each sample's row: the axis must be the last (1 or -1 of [batch, n]).
    // Before opset 13 the default axis was 1, from opset 13 on it is -1: the same for a matrix.
    private void Softmax(OnnxNode node)
    {
        long axis = IntAttribute(node, "axis", _opset >= 13 ? -1 : 1);
        if (axis is not (1 or -1)) throw Refuse($"Softmax over axis {axis} does not normalise each sample's outputs; axis 1 or -1 of [batch, n] does");
        Activate(Activation.Softmax);
    }

    private void Flatten(OnnxNode node)
    {
        RequireInputs(node, 1);
        long axis = IntAttribute(node, "axis", 1);
        if (axis < 0 && _rank > 0) axis += _rank;
        if (axis != 1) throw Refuse($"Flatten with axis {axis} does not give [batch, features]; axis 1 does");
        _rank = 2;
    }

    // Reshape to [0 or -1 or 1, n or -1]: the batch dimension stays (or is inferred) and each sample's values stay its own.
    private void Reshape(OnnxNode node)
    {
        RequireInputs(node, 2);
        RequireFirst(node);
        OnnxTensor shapeTensor = ConstantInput(node, 1, "shape");
        long[] shape = shapeTensor.ToInt64s(Refuse);
        string text = $"[{string.Join(", ", shape)}]";
        if (shape.Length != 2) throw Refuse($"Reshape to {text} does not give [batch, features]");
        bool allowZero = IntAttribute(node, "allowzero", 0) != 0;
        long batch = shape[0], width = shape[1];
        if (batch is not (-1 or 0 or 1) || (batch == 0 && allowZero))
        {
            throw Refuse($"Reshape to {text} changes the batch dimension; only 0 (keep), -1 (infer) or 1 as the first size is supported");
        }

        if (width == 0 && _rank != 2 || width < -1 || (width == -1 && batch == -1))
        {
            throw Refuse($"Reshape to {text} does not give [batch, features]");
        }

        if (width > 0)
        {
            if (_features is { } features && features != width)
            {
                throw Refuse($"Reshape to {text} would regroup the values of different samples: each sample has {features} values");
            }

            _features = (int)Math.Min(width, int.MaxValue);
        }

        _rank = 2;
    }

    private void DefineConstant(OnnxNode node)
    {
        if (node.Outputs.Count != 1 || node.Attributes.Count != 1)
        {
            throw Refuse("a Constant has one output and one value attribute");
        }

        OnnxAttribute value = node.Attributes[0];
        var tensor = new OnnxTensor { Name = node.Outputs[0] };
        switch (value.Name)
        {
            case "value" when value.T is not null:
                tensor = value.T;
                tensor.Name = node.Outputs[0];
                break;
            case "value_float":
                tensor.DataType = OnnxDataType.Float;
                tensor.FloatData.Add(value.F);
                break;
            case "value_floats":
                tensor.DataType = OnnxDataType.Float;
                tensor.Dims.Add(value.Floats.Count);
                tensor.FloatData.AddRange(value.Floats);
                break;
            case "value_int":
                tensor.DataType = OnnxDataType.Int64;
                tensor.Int64Data.Add(value.I);
                break;
            case "value_ints":
                tensor.DataType = OnnxDataType.Int64;
                tensor.Dims.Add(value.Ints.Count);
                tensor.Int64Data.AddRange(value.Ints);
                break;
            default:
                throw Refuse($"a Constant given by '{value.Name}' is not supported; use value, value_float(s) or value_int(s)");
        }

        _constants[node.Outputs[0]] = tensor;
    }

    private void OpenLayer(int inputs, int outputs, float[] weights, float[] biases, string what)
    {
        if (_rank > 2) throw Refuse($"the input to this layer has rank {_rank}; a dense layer takes [batch, features] (add Flatten before it)");
        if (_features is { } features && features != inputs)
        {
            throw Refuse($"{what} takes {inputs} inputs per sample, but the step before gives {features}");
        }

        if (_layers.Count == 0)
        {
            // The input standardisation was read before the input width was known.
            foreach (Affine? affine in (ReadOnlySpan<Affine?>)[_inputMean, _inputScale])
            {
                if (affine is not null && affine.Values.Length is not 1 && affine.Values.Length != inputs)
                {
                    throw Refuse($"{what} takes {inputs} inputs per sample, but the standardisation of {affine.Node} has {affine.Values.Length} values");
                }
            }
        }

        if (_layers.Count > 0)
        {
            DenseLayer previous = _layers[^1];
            previous.Activation ??= Activation.Identity;
            if (previous.Activation == Activation.Softmax)
            {
                throw Refuse("a layer after a Softmax: Softmax is supported on the output layer only");
            }
        }

        _layers.Add(new DenseLayer(inputs, outputs, weights, biases));
        _rank = 2;
        _features = outputs;
    }

    // W [outputs, inputs] row-major from B, scaled by alpha: B as it is when transposed (transB=1), else B^T.
    private float[] AsWeights(float[] b, int inputs, int outputs, bool transposed, float alpha, string name)
    {
        var weights = new float[b.Length];
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
            {
                float w = transposed ? b[o * inputs + i] : b[i * outputs + o];
                float scaled = alpha == 1f ? w : alpha * w;
                if (!float.IsFinite(scaled)) throw Refuse($"alpha {alpha:R} times B '{name}' at {(transposed ? o * inputs + i : i * outputs + o)} ({w:R}) is {scaled}: the weights overflow float32");
                weights[o * inputs + i] = scaled;
            }
        }

        return weights;
    }

    // b += beta c, where c is one value per output ([n], [1, n]) or a single value broadcast to all.
    private void AddBias(float[] biases, OnnxTensor c, float beta)
    {
        float[] values = FiniteValues(c, "C");
        bool perOutput = values.Length == biases.Length && c.Dims.Count > 0 && c.Dims[^1] == biases.Length && c.Dims.Take(c.Dims.Count - 1).All(d => d == 1);
        if (!perOutput && values.Length != 1)
        {
            throw Refuse($"the bias '{c.Name}' has shape {c.Shape}; it must be [{biases.Length}], [1, {biases.Length}] or a single value");
        }

        for (int o = 0; o < biases.Length; o++)
        {
            float v = perOutput ? values[o] : values[0];
            biases[o] += beta == 1f ? v : beta * v;
            if (!float.IsFinite(biases[o])) throw Refuse($"beta {beta:R} times the bias '{c.Name}' at {o} ({v:R}) is {biases[o]}: the biases overflow float32");
        }
    }

    private Network<float> BuildNetwork()
    {
        int[] sizes = [_layers[0].Inputs, .. _layers.Select(l => l.Outputs)];
        Activation[] activations = _layers.Select(l => l.Activation ?? Activation.Identity).ToArray();
        var layout = new NetworkLayout(sizes, activations);
        var network = new Network<float>(layout);
        for (int i = 0; i < _layers.Count; i++)
        {
            _layers[i].Weights.CopyTo(network.Weights(i));
            _layers[i].Biases.CopyTo(network.Biases(i));
        }

        return network;
    }

    // The standardisations read around the layers, and the task and names from our exporter's metadata.
    private DataSchema BuildSchema(OnnxModelProto model, NetworkLayout layout)
    {
        Standardization? inputs = _inputMean is null && _inputScale is null ? null : Combine(_inputMean, _inputScale, layout.InputSize);
        Standardization? targets = _outputScale is null ? null : Combine(_outputMean, _outputScale, layout.OutputSize);
        LearningTask? recorded = OnnxMetadata.Task(model.Metadata, Refuse);
        if (targets is not null && recorded == LearningTask.Classification)
        {
            throw Refuse($"metadata {OnnxModel.TaskMetadataKey} says classification, but {_outputScale!.Node} maps the outputs back to regression targets");
        }

        var schema = new DataSchema
        {
            Task = targets is not null ? LearningTask.Regression : recorded ?? LearningTask.Classification,
            InputNames = OnnxMetadata.Names(model.Metadata, OnnxModel.InputNamesMetadataKey, layout.InputSize, "inputs", Refuse),
            OutputNames = OnnxMetadata.Names(model.Metadata, OnnxModel.OutputNamesMetadataKey, layout.OutputSize, "outputs", Refuse),
            Inputs = inputs,
            Targets = targets,
        };
        try
        {
            schema.RequireFits(layout.InputSize, layout.OutputSize);
        }
        catch (ArgumentException e)
        {
            throw Refuse(e.Message.TrimEnd('.'));
        }

        return schema;
    }

    // mean and scale of width columns, broadcasting single values; 0 and 1 where the graph has none.
    private Standardization Combine(Affine? mean, Affine? scale, int width)
    {
        var means = new float[width];
        var scales = new float[width];
        for (int j = 0; j < width; j++)
        {
            means[j] = mean is null ? 0f : mean.Values[mean.Values.Length == 1 ? 0 : j];
            scales[j] = scale is null ? 1f : scale.Values[scale.Values.Length == 1 ? 0 : j];
        }

        try
        {
            return new Standardization(means, scales);
        }
        catch (ArgumentException e)
        {
            throw Refuse($"the standardisation of {(scale ?? mean)!.Node} is not usable: {e.Message.TrimEnd('.')}");
        }
    }

    // The cost the model was trained with when our exporter recorded it; otherwise the natural one for the output.
    // A recorded cost must be one the output can take, by the rule the model file's loader applies (Costs.RequireCompatible).
    private CostFunction CostOf(OnnxModelProto model, Activation output)
    {
        if (!model.Metadata.TryGetValue(OnnxModel.CostMetadataKey, out string? name))
        {
            return output == Activation.Softmax ? CostFunction.LogLikelihood : CostFunction.Quadratic;
        }

        if (!Enum.TryParse(name, out CostFunction cost) || !Enum.IsDefined(cost) || int.TryParse(name, out _))
        {
            throw Refuse($"metadata {OnnxModel.CostMetadataKey} is '{name}'; it must be one of {string.Join(", ", Enum.GetNames<CostFunction>())}");
        }

        try
        {
            Costs.RequireCompatible(cost, output);
        }
        catch (ArgumentException e)
        {
            throw Refuse($"metadata {OnnxModel.CostMetadataKey}: {e.Message.Split(" (Parameter")[0].TrimEnd('.')}");
        }

        return cost;
    }

    // The tensor's values, refused with its name and the index if one is NaN or infinite (the model file's loader refuses those too).
    private float[] FiniteValues(OnnxTensor tensor, string role)
    {
        float[] values = tensor.ToFloats(Refuse);
        int bad = NonFinite.IndexOf(values);
        if (bad >= 0) throw Refuse($"{role} '{tensor.Name}' has {values[bad]} at {bad}; weights and biases must be finite");
        return values;
    }

    private OnnxTensor ConstantInput(OnnxNode node, int index, string role)
    {
        string name = node.Inputs[index];
        if (name == _current || !_constants.TryGetValue(name, out OnnxTensor? tensor))
        {
            throw Refuse($"{role} ('{name}') must be a constant (an initializer or a Constant node), not a value computed by the graph");
        }

        return tensor;
    }

    private void RequireMatrix(OnnxTensor tensor, string role)
    {
        if (tensor.Dims.Count != 2 || tensor.Dims[0] is < 1 or > int.MaxValue || tensor.Dims[1] is < 1 or > int.MaxValue)
        {
            throw Refuse($"{role} '{tensor.Name}' has shape {tensor.Shape}; a dense layer's weights are a 2-D matrix");
        }
    }

    private void RequireFirst(OnnxNode node)
    {
        if (node.Inputs[0] != _current) throw Refuse($"'{_current}' must be the first input; as another input it is not a dense layer's x");
    }

    private void RequireInputs(OnnxNode node, int count)
    {
        if (node.Inputs.Count != count) throw Refuse($"{node.OpType} takes {count} input(s) here; this node has {node.Inputs.Count}");
    }

    private static long IntAttribute(OnnxNode node, string name, long fallback) => node.Attribute(name)?.I ?? fallback;

    private static float FloatAttribute(OnnxNode node, string name, float fallback) => node.Attribute(name)?.F ?? fallback;

    // "model.onnx: node '/fc1/Gemm' (Gemm): reason." or, for an unnamed node, "node #3 (Gemm)".
    private InvalidDataException Refuse(string reason) =>
        _node is null ? new InvalidDataException($"{source}: {reason}.") : new InvalidDataException($"{source}: {Describe()}: {reason}.");

    // "node '/fc1/Gemm' (Gemm)" for the node being read.
    private string Describe() => $"node {(_node!.Name.Length > 0 ? $"'{_node.Name}'" : $"#{_nodeIndex}")} ({_node.OpType})";
}
