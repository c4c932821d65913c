using System.Buffers.Binary;

namespace Backprop.Simd.Tests.IO;

public sealed class ModelFileTests() : TemporaryFolder("model-tests-")
{
    private static SavedModel Sample() =>
        new(Network<float>.Create(new NetworkLayout([6, 4, 3], [Activation.Tanh, Activation.Softmax]), Initialization.Scaled, 5), CostFunction.LogLikelihood);

    [Fact]
    public void A_model_round_trips_exactly()
    {
        SavedModel model = Sample();
        string path = Path.Combine(Folder, "m.bpsimd");
        ModelFile.Save(path, model);
        SavedModel back = ModelFile.Load(path);
        Assert.Equal(model.Network.Layout, back.Network.Layout);
        Assert.Equal(model.Cost, back.Cost);
        Assert.Equal(model.Network.Parameters.ToArray(), back.Network.Parameters.ToArray());
    }

    public static IEnumerable<object[]> Corruptions()
    {
        // (description, mutation of the bytes, expected text in the error)
        yield return ["magic", (Func<byte[], byte[]>)(b => { b[0] = (byte)'X'; return b; }), "offset 0: not a Backprop.Simd model file"];
        yield return ["version", (Func<byte[], byte[]>)(b => { b[8] = 9; return b; }), "offset 8: version 9 is not supported"];
        yield return ["size count", (Func<byte[], byte[]>)(b => { BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(12), 1000); return b; }), "offset 12: 1000 layer sizes"];
        yield return ["layer size", (Func<byte[], byte[]>)(b => { BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(20), -5); return b; }), "offset 20: layer size 1 is -5"];
        yield return ["activation", (Func<byte[], byte[]>)(b => { b[28] = 77; return b; }), "offset 28: activation 0 has the invalid value 77"];
        yield return ["cost", (Func<byte[], byte[]>)(b => { b[30] = 9; return b; }), "offset 30: the cost has the invalid value 9"];
        yield return ["task", (Func<byte[], byte[]>)(b => { b[31] = 5; return b; }), "offset 31: the task has the invalid value 5"];
        yield return ["flags", (Func<byte[], byte[]>)(b => { b[32] = 2; return b; }), "offset 32: targets are standardised only for regression"];
        yield return ["input names", (Func<byte[], byte[]>)(b => { BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(33), 5); return b; }), "offset 33: the input name count is 5; it must be 0 or 6"];
        yield return ["parameter count", (Func<byte[], byte[]>)(b => { BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(41), 7); return b; }), "offset 41: the parameter count is 7"];
        yield return ["truncated", (Func<byte[], byte[]>)(b => b[..^9]), "the file is truncated"];
        yield return ["trailing", (Func<byte[], byte[]>)(b => [.. b, 1, 2, 3]), "3 byte(s) of trailing garbage"];
        yield return ["bit flip", (Func<byte[], byte[]>)(b => { b[50] ^= 1; return b; }), "checksum mismatch"];
        yield return ["header cut", (Func<byte[], byte[]>)(b => b[..14]), "offset 14: the file is truncated inside the header"];
    }

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Every_corruption_is_named_with_the_file_and_the_offset(string what, Func<byte[], byte[]> corrupt, string expected)
    {
        byte[] bytes = corrupt(ModelFile.Serialize(Sample()));
        string path = Path.Combine(Folder, what + ".bpsimd");
        File.WriteAllBytes(path, bytes);
        string message = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path)).Message;
        Assert.StartsWith(path + ": ", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void A_failed_save_leaves_the_previous_file_and_no_temporary_behind()
    {
        string path = Path.Combine(Folder, "keep.bpsimd");
        ModelFile.Save(path, Sample());
        byte[] before = File.ReadAllBytes(path);
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100]);
            throw new IOException("disk full");
        }));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["keep.bpsimd"], Directory.GetFiles(Folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_save_into_a_missing_folder_fails_with_the_path()
    {
        string path = Path.Combine(Folder, "no-such-folder", "m.bpsimd");
        Assert.Contains("m.bpsimd", Assert.Throws<IOException>(() => ModelFile.Save(path, Sample())).Message);
    }
}
