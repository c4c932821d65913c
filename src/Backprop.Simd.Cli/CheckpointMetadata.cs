using System.Text.Json;

namespace Backprop.Simd.Cli;

/// <summary>
/// What a checkpoint remembers of the command line: enough to read the same data, split the same way,
/// and write the same files; and <paramref name="ModelDigest"/>, the model file as it was when the
/// checkpoint was saved (see <see cref="Cli.ModelDigest"/>).
/// </summary>
internal sealed record CheckpointMetadata(DataOptions.Settings Data, TrainingData.Splitting Splitting, string Model, string? Plot, string? ModelDigest = null)
{
    /// <summary>Reads the metadata JSON of <paramref name="checkpointPath"/>; anything else is a one-line InvalidDataException.</summary>
    public static CheckpointMetadata Parse(string json, string checkpointPath)
    {
        CheckpointMetadata? saved;
        try
        {
            saved = JsonSerializer.Deserialize<CheckpointMetadata>(json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            throw new InvalidDataException($"{checkpointPath}: the checkpoint's metadata is not what this version writes ({e.Message.ReplaceLineEndings(" ")}).", e);
        }

        string? missing = saved is null ? "everything" : saved.Data is null ? "Data" : saved.Splitting is null ? "Splitting" : string.IsNullOrEmpty(saved.Model) ? "Model" : null;
        if (missing is not null) throw new InvalidDataException($"{checkpointPath}: the checkpoint's metadata lacks {missing}.");
        return saved!;
    }
}
