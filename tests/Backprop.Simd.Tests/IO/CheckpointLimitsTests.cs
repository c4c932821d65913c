using System.Buffers.Binary;

namespace Backprop.Simd.Tests.IO;

/// <summary>
/// The divergence limits (<see cref="TrainingOptions.CostGrowthLimit"/>, <see cref="TrainingOptions.ParameterLimit"/>)
/// are saved in checkpoints since version 4, so that a resumed run keeps them; a version-3 checkpoint, which has
/// none, still loads and resumes with the defaults.
/// </summary>
public sealed class CheckpointLimitsTests() : TemporaryFolder("checkpoint-limits-")
{
    private static (SavedModel Model, TrainingCheckpoint State) Stopped(TrainingOptions limits)
    {
        (Network<float> network, TrainingCheckpoint state) = CheckpointValidationTests.Stopped();
        var options = state.Options with { CostGrowthLimit = limits.CostGrowthLimit, ParameterLimit = limits.ParameterLimit };
        return (new SavedModel(network, options.Cost), state with { Options = options });
    }

    [Theory]
    [InlineData(50.0, 2e3)]
    [InlineData(double.PositiveInfinity, double.PositiveInfinity)] // the checks off, as --no-divergence-check sets them
    [InlineData(1e6, double.NaN)] // the defaults: the automatic parameter limit is null, not a number
    public void The_limits_come_back_from_a_checkpoint_as_they_were_saved(double growth, double parameters)
    {
        double? parameterLimit = double.IsNaN(parameters) ? null : parameters;
        (SavedModel model, TrainingCheckpoint state) = Stopped(new TrainingOptions { CostGrowthLimit = growth, ParameterLimit = parameterLimit });
        string path = PathOf("limits.checkpoint");
        CheckpointFile.Save(path, model, state, "{}");

        TrainingCheckpoint loaded = CheckpointFile.Load(path).State;

        Assert.Equal(growth, loaded.Options.CostGrowthLimit);
        Assert.Equal(parameterLimit, loaded.Options.ParameterLimit);
        Assert.Equal(state.Options, loaded.Options);
        Assert.Equal(4, BinaryPrimitives.ReadInt32LittleEndian(File.ReadAllBytes(path).AsSpan(8)));
    }

    [Fact]
    public void A_version_3_checkpoint_without_limits_loads_with_the_defaults_and_resumes()
    {
        (SavedModel model, TrainingCheckpoint state) = Stopped(new TrainingOptions { CostGrowthLimit = 50, ParameterLimit = 2e3 });
        string path = PathOf("v3.checkpoint");
        CheckpointFile.Save(path, model, state, "{}");
        File.WriteAllBytes(path, AsVersion3(File.ReadAllBytes(path), metadataLength: 2));

        (SavedModel loadedModel, TrainingCheckpoint loaded, string metadata) = CheckpointFile.Load(path);

        Assert.Equal("{}", metadata);
        Assert.Equal(new TrainingOptions().CostGrowthLimit, loaded.Options.CostGrowthLimit);
        Assert.Null(loaded.Options.ParameterLimit);
        Assert.Equal(state.Options with { CostGrowthLimit = 1e6, ParameterLimit = null }, loaded.Options);
        using var trainer = Trainer.Resume(loadedModel.Network, Learning.TrainerTests.Small(200), loaded);
        Assert.True(trainer.IsStopped);
    }

    [Theory]
    [InlineData(0.5, 1e6, "The cost growth limit must be at least 1")]
    [InlineData(1e6, -3.0, "The parameter limit must be positive")]
    public void A_limit_no_trainer_takes_is_refused_behind_a_valid_checksum(double growth, double parameters, string expected)
    {
        (SavedModel model, TrainingCheckpoint state) = Stopped(new TrainingOptions());
        string path = PathOf("bad-limit.checkpoint");
        CheckpointFile.Save(path, model, state, "{}");
        byte[] bytes = File.ReadAllBytes(path);
        int at = bytes.Length - 4 - 2 - 4 - 16; // the two limits stand before the metadata (its length, "{}") and the CRC
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(at), growth);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(at + 8), parameters);
        Reseal(bytes);
        File.WriteAllBytes(path, bytes);

        string message = Assert.Throws<InvalidDataException>(() => CheckpointFile.Load(path)).Message;

        Assert.StartsWith($"{path}: offset ", message);
        Assert.Contains(expected, message);
    }

    // The same checkpoint as version 3 wrote it: the version field 3 and no limits before the metadata.
    private static byte[] AsVersion3(byte[] bytes, int metadataLength)
    {
        int limits = bytes.Length - 4 - metadataLength - 4 - 16;
        byte[] old = [.. bytes.AsSpan(0, limits), .. bytes.AsSpan(limits + 16)];
        BinaryPrimitives.WriteInt32LittleEndian(old.AsSpan(8), 3);
        Reseal(old);
        return old;
    }

    private static void Reseal(byte[] bytes) =>
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32.Compute(bytes.AsSpan(0, bytes.Length - 4)));
}
