using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Backprop.Simd.Kernels;
using Backprop.Simd.Learning;
using Backprop.Simd.Model;

namespace Backprop.Simd.IO;

/// <summary>
/// The model file, version 1, all integers little-endian:
/// <code>
/// offset  size      field
/// 0       8         magic "BPSIMDNN"
/// 8       4         version (1)
/// 12      4         S, the number of layer sizes (2 .. 64)
/// 16      4 S       sizes n0 .. nL (each 1 .. 1,048,576)
/// ..      S - 1     activations, one byte per layer (0 identity, 1 sigmoid, 2 tanh, 3 relu, 4 softmax)
/// ..      1         cost (0 quadratic, 1 cross-entropy, 2 log-likelihood)
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

    /// <summary>The version this code writes and reads.</summary>
    public const int Version = 1;

    /// <summary>Most layer sizes (layers + 1) a file may declare.</summary>
    public const int MaxSizes = 64;

    /// <summary>Widest layer a file may declare.</summary>
    public const int MaxWidth = 1 << 20;

    /// <summary>The bytes of a model.</summary>
    public static byte[] Serialize(SavedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        NetworkLayout layout = model.Network.Layout;
        int sizes = layout.Sizes.Length;
        int length = 8 + 4 + 4 + 4 * sizes + layout.LayerCount + 1 + 4 + 4 * layout.ParameterCount + 4;
        var bytes = new byte[length];
        Span<byte> span = bytes;
        Magic.CopyTo(span);
        int at = 8;
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], Version); at += 4;
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], sizes); at += 4;
        foreach (int size in layout.Sizes) { BinaryPrimitives.WriteInt32LittleEndian(span[at..], size); at += 4; }
        foreach (Activation activation in layout.Activations) span[at++] = (byte)activation;
        span[at++] = (byte)model.Cost;
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
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such model file.", path);
        return Deserialize(File.ReadAllBytes(path), path);
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
        if (version != Version)
        {
            throw reader.Error(8, $"version {version} is not supported (this build reads version {Version})");
        }

        int sizeCount = reader.Int32("size count");
        if (sizeCount < 2 || sizeCount > MaxSizes)
        {
            throw reader.Error(12, $"{sizeCount} layer sizes is not plausible (2 to {MaxSizes})");
        }

        var sizes = new int[sizeCount];
        for (int i = 0; i < sizeCount; i++)
        {
            int offset = reader.Position;
            sizes[i] = reader.Int32($"size {i}");
            if (sizes[i] < 1 || sizes[i] > MaxWidth)
            {
                throw reader.Error(offset, $"layer size {i} is {sizes[i]} (1 to {MaxWidth})");
            }
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
            Costs.RequireCompatible((CostFunction)cost, layout.OutputActivation);
        }
        catch (ArgumentException e)
        {
            throw reader.Error(12, e.Message);
        }

        int countOffset = reader.Position;
        int parameterCount = reader.Int32("parameter count");
        if (parameterCount != layout.ParameterCount)
        {
            throw reader.Error(countOffset, $"the parameter count is {parameterCount}, but {layout} has {layout.ParameterCount}");
        }

        long expectedLength = (long)reader.Position + 4L * parameterCount + 4;
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

        return new SavedModel(new Network<float>(layout, parameters), (CostFunction)cost);
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

        public readonly InvalidDataException Error(long offset, string what) => new($"{name}: offset {offset}: {what}.");

        private readonly void Need(int count, string field)
        {
            if (Position + count > _bytes.Length)
            {
                throw Error(_bytes.Length, $"the file is truncated inside the header ({field})");
            }
        }
    }
}
