using Backprop.Simd.Tests.IO;

namespace Backprop.Simd.Tests.Fuzzing;

/// <summary>
/// Damaged .npy files (the mutations of <see cref="Mutation"/>) fed to the float and integer readers through their
/// in-memory entry points: only InvalidDataException may come out, naming the file, and a read allocates at most
/// 8 x the input plus 256 KiB whatever the header claims (a byte label becomes an 8-byte long).
/// </summary>
public class NpyFuzzTests
{
    private const string Name = "fuzzed.npy";
    private static readonly byte[] Bytes = NpyLabelTests.Npy("|u1", "(6,)", [0, 1, 2, 9, 1, 0]);
    private static readonly byte[] Longs = NpyLabelTests.Npy("<i8", "(2, 3)", NpyLabelTests.Payload(0L, 1, 2, -3, 4, 5));
    private static readonly byte[] Ints = NpyLabelTests.Npy("<i4", "(4,)", NpyLabelTests.Payload(7, 8, 9, 10), version: 2);
    private static readonly byte[] Floats = NpyLabelTests.Npy("<f4", "(2, 2)", NpyLabelTests.Payload(0.5f, 1f, -2f, 3f));
    private static readonly byte[] Doubles = NpyLabelTests.Npy("<f8", "(3,)", NpyLabelTests.Payload(0.5, 1.0, 2.0), version: 3);

    private static void Survives(byte[] input, Action<byte[]> read) =>
        FuzzCampaign.Survives(input, read, factor: 8, message => Assert.Contains(Name, message));

    [Fact]
    public void The_npy_readers_only_report_invalid_data() =>
        FuzzCampaign.Check(MutationArbitraries.Mutation(), mutation =>
        {
            foreach (byte[] file in (byte[][])[Bytes, Longs, Ints, Floats, Doubles])
            {
                byte[] damaged = mutation.Apply(file);
                Survives(damaged, bytes => NpyFile.ParseIntegers(bytes, Name));
                Survives(damaged, bytes => NpyFile.Parse<float>(bytes, Name));
                Survives(damaged, bytes => NpyFile.Parse<double>(bytes, Name));
                Survives(damaged, bytes => NpyFile.ParseHeader(bytes, bytes.Length, Name));
            }
        });

    [Fact]
    public void Undamaged_files_read()
    {
        Assert.Equal([0L, 1, 2, 9, 1, 0], NpyFile.ParseIntegers(Bytes, Name).Data);
        Assert.Equal([0L, 1, 2, -3, 4, 5], NpyFile.ParseIntegers(Longs, Name).Data);
        Assert.Equal([7L, 8, 9, 10], NpyFile.ParseIntegers(Ints, Name).Data);
        Assert.Equal([0.5f, 1f, -2f, 3f], NpyFile.Parse<float>(Floats, Name).Data);
        Assert.Equal([0.5, 1.0, 2.0], NpyFile.Parse<double>(Doubles, Name).Data);
    }
}
