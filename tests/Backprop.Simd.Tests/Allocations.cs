namespace Backprop.Simd.Tests;

/// <summary>
/// Counts what a piece of code allocates so that nothing else is counted: it runs on a thread of its
/// own (no thread-pool work item shares it), after warm-up runs (the first calls JIT, fill caches,
/// run static constructors), and the count is the fewest bytes over several runs, so a one-off
/// allocation of the runtime's (tiering recompiling a method, on-stack replacement) cannot fail a test.
/// Code that really allocates allocates on every run, and so still shows.
/// </summary>
internal static class Allocations
{
    /// <summary>The fewest bytes one run of <paramref name="action"/> allocated on its thread.</summary>
    public static long Fewest(Action action, int warmups = 3, int runs = 5) =>
        Fewest(action, GC.GetAllocatedBytesForCurrentThread, warmups, runs);

    /// <summary>As <see cref="Fewest(Action, int, int)"/>, counted by <paramref name="meter"/> (read on the measuring thread), e.g. one that adds worker threads.</summary>
    public static long Fewest(Action action, Func<long> meter, int warmups = 3, int runs = 5)
    {
        long fewest = long.MaxValue;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                for (int i = 0; i < warmups; i++) action();
                for (int i = 0; i < runs; i++)
                {
                    long before = meter();
                    action();
                    fewest = Math.Min(fewest, meter() - before);
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        })
        { IsBackground = true, Name = "allocation count" };
        thread.Start();
        thread.Join();
        if (failure is not null) throw new InvalidOperationException("the measured code threw", failure);
        return fewest;
    }
}
