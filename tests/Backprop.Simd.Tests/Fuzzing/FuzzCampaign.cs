using FsCheck;
using FsCheck.Fluent;

namespace Backprop.Simd.Tests.Fuzzing;

/// <summary>What the CSV and .npy fuzz tests share: the number of cases and the check that a read of damaged input
/// throws nothing but InvalidDataException and allocates a bounded multiple of the input.</summary>
internal static class FuzzCampaign
{
    public const int DefaultCases = 5000;

    /// <summary>Cases per property: FUZZ_CASES if set (the long campaign), else <see cref="DefaultCases"/>.</summary>
    public static int Cases => int.TryParse(Environment.GetEnvironmentVariable("FUZZ_CASES"), out int n) && n > 0 ? n : DefaultCases;

    public static void Check<T>(Arbitrary<T> cases, Action<T> body) =>
        Prop.ForAll(cases, body).Check(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true));

    /// <summary>Runs <paramref name="read"/>; true if it succeeded, false for an InvalidDataException, whose message
    /// <paramref name="checkError"/> may inspect. Anything else fails, as does allocating more than
    /// <paramref name="factor"/> x the input plus 256 KiB.</summary>
    public static bool Survives(byte[] input, Action<byte[]> read, int factor, Action<string>? checkError = null)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool succeeded = true;
        string? error = null;
        try
        {
            read(input);
        }
        catch (InvalidDataException e)
        {
            succeeded = false;
            error = e.Message;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= (long)factor * input.Length + (256 << 10), $"allocated {allocated} bytes for a {input.Length}-byte input");
        if (error is not null) checkError?.Invoke(error);
        return succeeded;
    }
}
