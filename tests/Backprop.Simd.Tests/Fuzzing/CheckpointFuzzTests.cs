using System.Buffers.Binary;
using Backprop.Simd.Tests.IO;

namespace Backprop.Simd.Tests.Fuzzing;

/// <summary>
/// Damaged checkpoints fed to <see cref="CheckpointFile.Deserialize"/>: the only exception that may come out is
/// InvalidDataException naming the file, and a read allocates at most 8 x the input plus 256 KiB. Most cases get their
/// CRC-32 recomputed after the damage, so they reach the fields behind the checksum (as a file written wrong, not
/// damaged later, would). 5,000 cases per test; FUZZ_CASES=1000000 runs the long campaign.
/// </summary>
public class CheckpointFuzzTests
{
    private const string Name = "fuzzed.checkpoint";
    private static readonly Lazy<byte[]> Momentum = new(() => Bytes(Optimizer.Momentum));
    private static readonly Lazy<byte[]> Adam = new(() => Bytes(Optimizer.Adam));
    private static int s_read, s_refused;

    private static byte[] Bytes(Optimizer optimizer)
    {
        (Network<float> network, TrainingCheckpoint state) = CheckpointValidationTests.Stopped(optimizer);
        string path = Path.Combine(Path.GetTempPath(), $"fuzz-seed-{Environment.ProcessId}-{Guid.NewGuid():N}.checkpoint");
        try
        {
            CheckpointFile.Save(path, new SavedModel(network, state.Options.Cost), state, "{\"Model\":\"m.bpsimd\"}");
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] Resealed(byte[] damaged)
    {
        if (damaged.Length < 4) return damaged;
        BinaryPrimitives.WriteUInt32LittleEndian(damaged.AsSpan(damaged.Length - 4), Crc32.Compute(damaged.AsSpan(0, damaged.Length - 4)));
        return damaged;
    }

    private static void Survives(byte[] bytes)
    {
        bool read = FuzzCampaign.Survives(bytes, input => CheckpointFile.Deserialize(input, Name), factor: 8, message => Assert.StartsWith(Name, message));
        Interlocked.Increment(ref read ? ref s_read : ref s_refused);
    }

    [Fact]
    public void Damaged_checkpoints_behind_a_valid_checksum_only_report_invalid_data()
    {
        int read = s_read, refused = s_refused;
        FuzzCampaign.Check(MutationArbitraries.Mutation(), mutation =>
            Survives(Resealed(mutation.Apply(mutation.Seed % 2 == 0 ? Momentum.Value : Adam.Value))));

        // Both outcomes must be exercised: damage the checks accept (a flipped weight) and damage they refuse.
        Assert.True(s_read > read && s_refused > refused, $"{s_read - read} read, {s_refused - refused} refused");
    }

    [Fact]
    public void Damaged_checkpoints_as_stored_only_report_invalid_data() =>
        FuzzCampaign.Check(MutationArbitraries.Mutation(), mutation => Survives(mutation.Apply(Adam.Value)));

    [Fact]
    public void Undamaged_checkpoints_read()
    {
        int read = s_read;
        Survives(Momentum.Value);
        Survives(Adam.Value);
        Assert.Equal(read + 2, s_read);
    }
}
