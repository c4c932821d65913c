using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Backprop.Simd;

/// <summary>
/// The model file, version 2, all integers little-endian (docs/model-format.md):
/// <code>
/// offset  size      field
/// 0       8         magic "BPSIMDNN"
/// 8       4         version (2; version 1 files, without the schema fields, still load)
/// 12      4         S, the number of layer sizes (2 .. 64)
/// 16      4 S       sizes n0 .. nL (each 1 .. 1,048,576)
/// ..      S - 1     activations, one byte per layer (0 identity, 1 sigmoid, 2 tanh, 3 relu, 4 softmax)
/// ..      1         cost (0 quadratic, 1 cross-entropy, 2 log-likelihood)
/// ..      1         task (0 classification, 1 regression)                      } version 2:
/// ..      1         flags: bit 0 inputs standardised, bit 1 targets standardised } the DataSchema
/// ..      8 n0      if bit 0: input means [n0], then scales [n0] (float32)
/// ..      8 nL      if bit 1: target means [nL], then scales [nL] (float32)
/// ..      4 + ..    input names: count (0 or n0), then each as length (int32, 0 .. 1024) + UTF-8 bytes
/// ..      4 + ..    output names (class or target names): count (0 or nL), then likewise
/// ..      4         P, the parameter count (must equal the layout's)
/// ..      4 P       parameters, float32, W1 row-major, b1, W2, b2, ...
/// ..      4         CRC-32 of every byte before it
/// </code>
/// Saving writes a temporary file and renames it over the target, so a failed save never destroys
/// the previous model. Loading checks every field against the file's real length before it
/// allocates, and every error names the file and the offset.
/// </summary>
public static class ModelFile
{
    /// <summary>The first eight bytes of every model file.</summary>
    public static ReadOnlySpan<byte> Magic => "BPSIMDNN"u8;

    /// <summary>The version this code writes; it reads this one and version 1.</summary>
    public const int Version = 2;

    /// <summary>Longest name (input column, class or target), in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 1024;

    /// <summary>Most layer sizes (layers + 1) a file may declare.</summary>
    public const int MaxSizes = 64;

    /// <summary>Widest layer a file may declare.</summary>
    public const int MaxWidth = 1 << 20;

    /// <summary>Most parameters a file may hold: 4 bytes each, the file is read into one array, and 2^24
    /// bytes are left for the header and the schema.</summary>
    public const int MaxParameters = (int.MaxValue - (1 << 24)) / 4;

    /// <summary>
    /// Throws if this format cannot store <paramref name="layout"/> (more than <see cref="MaxSizes"/>
    /// sizes, a layer wider than <see cref="MaxWidth"/>, more than <see cref="MaxParameters"/>
    /// parameters): the limits <see cref="Load"/> enforces, so a model that trains can be saved and read
    /// back. Call it before training; <see cref="Serialize"/> calls it too.
    /// </summary>
    /// <exception cref="ArgumentException">The layout is beyond the format's limits; the message says which.</exception>
    public static void RequireStorable(NetworkLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        string? problem = SizeCountProblem(layout.Sizes.Length);
        for (int i = 0; problem is null && i < layout.Sizes.Length; i++) problem = SizeProblem(i, layout.Sizes[i]);
        problem ??= ParameterCountProblem(layout.ParameterCount);
        if (problem is not null) throw new ArgumentException($"A model file cannot hold {layout}: {problem}.", nameof(layout));
    }

    // The format's limits, shared by the writer (RequireStorable) and the reader (Deserialize).
    private static string? SizeCountProblem(int count) =>
        count is >= 2 and <= MaxSizes ? null : $"{count} layer sizes is not plausible (2 to {MaxSizes}, that is at most {MaxSizes - 1} layers)";

    private static string? SizeProblem(int index, int size) =>
        size is >= 1 and <= MaxWidth ? null : $"layer size {index} is {size} (1 to {MaxWidth})";

    private static string? ParameterCountProblem(long count) =>
        count <= MaxParameters ? null : $"{count} parameters are more than the {MaxParameters} a file holds";

    /// <summary>The bytes of a model.</summary>
    /// <exception cref="ArgumentException">The layout is beyond the format's limits (<see cref="RequireStorable"/>), or the schema does not fit it.</exception>
    public static byte[] Serialize(SavedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        NetworkLayout layout = model.Network.Layout;
        RequireStorable(layout);
        int sizes = layout.Sizes.Length;
        byte[] schema = SerializeSchema(model.Schema, layout);
        long length = 8 + 4 + 4 + 4L * sizes + layout.LayerCount + 1 + schema.Length + 4 + 4L * layout.ParameterCount + 4;
        if (length > Array.MaxLength) throw new ArgumentException($"The model of {layout} with its schema is {length} bytes, more than a file this format reads.", nameof(model));
        var bytes = new byte[length];
        Span<byte> span = bytes;
        Magic.CopyTo(span);
        int at = 8;
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], Version); at += 4;
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], sizes); at += 4;
        foreach (int size in layout.Sizes) { BinaryPrimitives.WriteInt32LittleEndian(span[at..], size); at += 4; }
        foreach (Activation activation in layout.ActivationFunctions) span[at++] = (byte)activation;
        span[at++] = (byte)model.Cost;
        schema.CopyTo(span[at..]); at += schema.Length;
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], layout.ParameterCount); at += 4;
        foreach (float p in model.Network.Parameters) { BinaryPrimitives.WriteSingleLittleEndian(span[at..], p); at += 4; }
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], Crc32.Compute(span[..at]));
        return bytes;
    }

    /// <summary>Saves atomically: either the complete new file or the previous one stays.</summary>
    /// <exception cref="IOException">The file could not be written; the message names it.</exception>
    public static void Save(string path, SavedModel model)
    {
        byte[] bytes = Serialize(model);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Loads and checks a model file.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid model; the message names the file and the offset.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static SavedModel Load(string path)
    {
        return Deserialize(RegularFile.ReadAllBytes(path, Array.MaxLength, "model file"), path);
    }

    /// <summary>Reads a model from its bytes; <paramref name="name"/> appears in errors.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid model; the message names the offset.</exception>
    public static SavedModel Deserialize(ReadOnlySpan<byte> bytes, string name)
    {
        var reader = new Reader(bytes, name);
        if (bytes.Length < 8 || !bytes[..8].SequenceEqual(Magic))
        {
            throw reader.Error(0, "not a Backprop.Simd model file (the magic \"BPSIMDNN\" is missing)");
        }

        reader.Skip(8);
        int version = reader.Int32("version");
        if (version is not (1 or Version))
        {
            throw reader.Error(8, $"version {version} is not supported (this build reads versions 1 and {Version})");
        }

        int sizeCount = reader.Int32("size count");
        if (SizeCountProblem(sizeCount) is string countProblem) throw reader.Error(12, countProblem);

        var sizes = new int[sizeCount];
        for (int i = 0; i < sizeCount; i++)
        {
            int offset = reader.Position;
            sizes[i] = reader.Int32($"size {i}");
            if (SizeProblem(i, sizes[i]) is string sizeProblem) throw reader.Error(offset, sizeProblem);
        }

        var activations = new Activation[sizeCount - 1];
        for (int i = 0; i < activations.Length; i++)
        {
            int offset = reader.Position;
            byte value = reader.Byte($"activation {i}");
            if (!Enum.IsDefined((Activation)value) || ((Activation)value == Activation.Softmax && i != activations.Length - 1))
            {
                throw reader.Error(offset, $"activation {i} has the invalid value {value}");
            }

            activations[i] = (Activation)value;
        }

        int costOffset = reader.Position;
        byte cost = reader.Byte("cost");
        if (!Enum.IsDefined((CostFunction)cost))
        {
            throw reader.Error(costOffset, $"the cost has the invalid value {cost}");
        }

        NetworkLayout layout;
        try
        {
            layout = new NetworkLayout(sizes, activations);
            if (ParameterCountProblem(layout.ParameterCount) is string parameterProblem) throw reader.Error(12, parameterProblem);
            Costs.RequireCompatible((CostFunction)cost, layout.OutputActivation);
        }
        catch (ArgumentException e)
        {
            throw reader.Error(12, e.Message);
        }

        DataSchema schema = version == 1 ? DataSchema.None : ReadSchema(ref reader, layout);
        int countOffset = reader.Position;
        int parameterCount = reader.Int32("parameter count");
        if (parameterCount != layout.ParameterCount)
        {
            throw reader.Error(countOffset, $"the parameter count is {parameterCount}, but {layout} has {layout.ParameterCount}");
        }

        long expectedLength = reader.Position + 4L * parameterCount + 4;
        if (bytes.Length != expectedLength)
        {
            throw reader.Error(Math.Min(bytes.Length, (int)Math.Min(expectedLength, int.MaxValue)),
                bytes.Length < expectedLength
                    ? $"the file is truncated: {bytes.Length} bytes, but its header needs {expectedLength}"
                    : $"{bytes.Length - expectedLength} byte(s) of trailing garbage after the checksum");
        }

        int parametersOffset = reader.Position;
        var parameters = new float[parameterCount];
        bytes.Slice(parametersOffset, 4 * parameterCount).CopyTo(MemoryMarshal.AsBytes(parameters.AsSpan()));
        if (!BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < parameters.Length; i++) parameters[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(parametersOffset + 4 * i)..]);
        }

        int checksumOffset = parametersOffset + 4 * parameterCount;
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[checksumOffset..]);
        uint actual = Crc32.Compute(bytes[..checksumOffset]);
        if (stored != actual)
        {
            throw reader.Error(checksumOffset, $"checksum mismatch (stored 0x{stored:x8}, computed 0x{actual:x8}): the file is corrupt");
        }

        int nonFinite = Array.FindIndex(parameters, p => !float.IsFinite(p));
        if (nonFinite >= 0)
        {
            throw reader.Error(parametersOffset + 4 * nonFinite, $"parameter {nonFinite} ({layout.Describe(nonFinite).Name} of layer {layout.Describe(nonFinite).Layer}) is {parameters[nonFinite]}");
        }

        return new SavedModel(new Network<float>(layout, parameters), (CostFunction)cost) { Schema = schema };
    }

    private static byte[] SerializeSchema(DataSchema schema, NetworkLayout layout)
    {
        try
        {
            schema.RequireFits(layout.InputSize, layout.OutputSize);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The model's schema does not fit its network {layout}: {e.Message}", nameof(schema), e);
        }

        var output = new MemoryStream();
        var w = new BinaryWriter(output); // little-endian
        w.Write((byte)schema.Task);
        w.Write((byte)((schema.Inputs is null ? 0 : 1) | (schema.Targets is null ? 0 : 2)));
        foreach (Standardization? s in new[] { schema.Inputs, schema.Targets })
        {
            if (s is null) continue;
            foreach (float m in s.Mean) w.Write(m);
            foreach (float c in s.Scale) w.Write(c);
        }

        foreach (IReadOnlyList<string> names in new[] { schema.InputNames, schema.OutputNames })
        {
            w.Write(names.Count);
            foreach (string name in names)
            {
                byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(name);
                if (utf8.Length > MaxNameBytes) throw new ArgumentException($"The name '{name[..32]}...' is {utf8.Length} UTF-8 bytes; at most {MaxNameBytes} are stored.", nameof(schema));
                w.Write(utf8.Length);
                w.Write(utf8);
            }
        }

        w.Flush();
        return output.ToArray();
    }

    private static DataSchema ReadSchema(ref Reader reader, NetworkLayout layout)
    {
        int taskOffset = reader.Position;
        byte task = reader.Byte("task");
        if (task > 1) throw reader.Error(taskOffset, $"the task has the invalid value {task} (0 classification, 1 regression)");
        int flagsOffset = reader.Position;
        byte flags = reader.Byte("flags");
        if (flags > 3) throw reader.Error(flagsOffset, $"the flags byte {flags} has unknown bits set");
        if ((flags & 2) != 0 && task != 1) throw reader.Error(flagsOffset, "targets are standardised only for regression");
        Standardization? inputs = (flags & 1) != 0 ? ReadStandardization(ref reader, layout.InputSize, "input") : null;
        Standardization? targets = (flags & 2) != 0 ? ReadStandardization(ref reader, layout.OutputSize, "target") : null;
        string[] inputNames = ReadNames(ref reader, layout.InputSize, "input");
        string[] outputNames = ReadNames(ref reader, layout.OutputSize, "output");
        return new DataSchema { Task = (LearningTask)task, Inputs = inputs, Targets = targets, InputNames = inputNames, OutputNames = outputNames };
    }

    private static Standardization ReadStandardization(ref Reader reader, int width, string what)
    {
        int offset = reader.Position;
        float[] mean = reader.Floats(width, $"{what} means"), scale = reader.Floats(width, $"{what} scales");
        try
        {
            return new Standardization(mean, scale);
        }
        catch (ArgumentException e)
        {
            throw reader.Error(offset, $"the {what} standardisation is invalid: {e.Message.Split(" (Parameter")[0]}");
        }
    }

    private static string[] ReadNames(ref Reader reader, int width, string what)
    {
        int offset = reader.Position;
        int count = reader.Int32($"{what} name count");
        if (count != 0 && count != width) throw reader.Error(offset, $"the {what} name count is {count}; it must be 0 or {width}");
        var names = new string[count];
        for (int i = 0; i < count; i++)
        {
            int at = reader.Position;
            int length = reader.Int32($"{what} name {i} length");
            if (length < 0 || length > MaxNameBytes) throw reader.Error(at, $"{what} name {i} is {length} bytes long (0 to {MaxNameBytes})");
            names[i] = reader.Utf8(length, $"{what} name {i}");
        }

        return names;
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes, string name)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;

        public int Position { get; private set; }

        public void Skip(int count) => Position += count;

        public int Int32(string field)
        {
            Need(4, field);
            int value = BinaryPrimitives.ReadInt32LittleEndian(_bytes[Position..]);
            Position += 4;
            return value;
        }

        public byte Byte(string field)
        {
            Need(1, field);
            return _bytes[Position++];
        }

        public float[] Floats(int count, string field)
        {
            Need(4L * count, field);
            var values = new float[count];
            for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(_bytes[(Position + 4 * i)..]);
            Position += 4 * count;
            return values;
        }

        public string Utf8(int length, string field)
        {
            Need(length, field);
            int start = Position;
            Position += length;
            try
            {
                return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(_bytes.Slice(start, length));
            }
            catch (System.Text.DecoderFallbackException)
            {
                throw Error(start, $"{field} is not valid UTF-8");
            }
        }

        public readonly InvalidDataException Error(long offset, string what) => new($"{name}: offset {offset}: {what}.");

        private readonly void Need(long count, string field)
        {
            if (Position + count > _bytes.Length)
            {
                throw Error(_bytes.Length, $"the file is truncated inside the header ({field})");
            }
        }
    }
}
