using System.Security.Cryptography;

namespace Backprop.Simd.Cli;

/// <summary>
/// Tells a stale checkpoint from a current one by content, not by time: a checkpoint records the SHA-256
/// of its model file as it was when the checkpoint was saved (or <see cref="None"/>), and a resume
/// refuses when the file now holds something else, i.e. another run has written it since. Copying,
/// touching or restoring files changes times but not contents, so neither fools it.
/// </summary>
internal static class ModelDigest
{
    /// <summary>Recorded when there was no model file.</summary>
    public const string None = "none";

    /// <summary>The SHA-256 (hex) of the file at <paramref name="path"/>, or <see cref="None"/>.</summary>
    public static string Of(string path)
    {
        if (!File.Exists(path)) return None;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Why the model file of <paramref name="saved"/> is newer than the checkpoint, or null if it is not.</summary>
    public static string? Stale(CheckpointMetadata saved, string checkpointPath)
    {
        if (!File.Exists(saved.Model)) return null; // nothing would be overwritten
        if (saved.ModelDigest is null)
        {
            // A checkpoint from before digests were recorded: the times are all there is.
            return File.GetLastWriteTimeUtc(saved.Model) > File.GetLastWriteTimeUtc(checkpointPath)
                ? $"{saved.Model} was modified after the checkpoint was saved" : null;
        }

        if (saved.ModelDigest == None) return $"{saved.Model} was written after the checkpoint was saved (there was no model file then)";
        return Of(saved.Model) == saved.ModelDigest ? null : $"{saved.Model} has changed since the checkpoint was saved";
    }
}
