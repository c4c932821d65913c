using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Backprop.Simd;

/// <summary>
/// Persistent worker threads for the phases of a training step: no Task, closure or allocation per
/// step. The calling thread is worker 0; <c>Run</c> starts the others, does its own share, and
/// returns when every worker has finished (a barrier). Idle workers spin for about 100 us, so the
/// next step of a mini-batch loop starts without a wake-up, then sleep on a monitor.
/// </summary>
/// <remarks>
/// Both sides poll with plain reads, no pause instruction: <c>SpinWait.SpinOnce</c> backs off
/// exponentially (an empty barrier took 15 us), and on a virtual machine a run of pause
/// instructions makes the hypervisor deschedule the spinning vCPU (pause-loop exiting): a step
/// with 5 us of work per thread took 32 us with <c>Thread.SpinWait(1)</c> polling and 6.7 us without.
/// </remarks>
internal sealed class WorkerPool : IDisposable
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 10_000; // 100 us

    private readonly IParallelJob _job;
    private readonly Thread[] _threads;
    private readonly long[] _allocated; // bytes each worker thread had allocated after its last job
    private readonly object _gate = new();
    private Counters _counters;
    private int _phase;
    private volatile bool _disposed;
    private Exception? _failure;

    // Each counter on its own cache line: workers poll Generation while others decrement Pending.
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Counters
    {
        [FieldOffset(64)] public int Generation;
        [FieldOffset(128)] public int Pending;
        [FieldOffset(132)] public int Sleepers;
    }

    public WorkerPool(int workers, IParallelJob job)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _job = job;
        WorkerCount = workers;
        _threads = new Thread[workers - 1];
        _allocated = new long[workers];
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"backprop-worker-{i + 1}" };
            _threads[i].Start(i + 1);
        }
    }

    public int WorkerCount { get; }

    /// <summary>Bytes allocated so far by the pool's own threads (worker 0, the caller, not included).</summary>
    internal long WorkerAllocatedBytes
    {
        get
        {
            long sum = 0;
            for (int i = 1; i < _allocated.Length; i++) sum += Volatile.Read(ref _allocated[i]);
            return sum;
        }
    }

    /// <summary>Runs <paramref name="phase"/> on every worker and waits for all of them.</summary>
    public void Run(int phase)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (WorkerCount == 1)
        {
            _job.Run(0, phase);
            return;
        }

        _phase = phase;
        Volatile.Write(ref _counters.Pending, WorkerCount - 1);
        Interlocked.Increment(ref _counters.Generation); // full fence: publishes the phase and the data
        if (Volatile.Read(ref _counters.Sleepers) > 0)
        {
            lock (_gate) Monitor.PulseAll(_gate);
        }

        Exception? own = null;
        try
        {
            _job.Run(0, phase);
        }
        catch (Exception e)
        {
            own = e;
        }

        // A tight spin without pause instructions (see the class remarks); yield now and then in
        // case a worker has lost its core.
        for (int spins = 1; Volatile.Read(ref _counters.Pending) != 0; spins++)
        {
            if ((spins & 65535) == 0) Thread.Yield();
        }

        Exception? failure = own ?? Interlocked.Exchange(ref _failure, null);
        if (failure is not null)
        {
            throw new AggregateException("A training worker failed.", failure);
        }
    }

    private void WorkerLoop(object? state)
    {
        int worker = (int)state!;
        int seen = 0;
        while (true)
        {
            long spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
            int spins = 0;
            while (Volatile.Read(ref _counters.Generation) == seen)
            {
                if (_disposed) return;
                if ((++spins & 1023) != 0 || Stopwatch.GetTimestamp() < spinUntil)
                {
                    continue;
                }

                // Dekker pairing with Run: announce the sleep (full fence), then re-check under the lock.
                Interlocked.Increment(ref _counters.Sleepers);
                lock (_gate)
                {
                    while (Volatile.Read(ref _counters.Generation) == seen && !_disposed) Monitor.Wait(_gate);
                }

                Interlocked.Decrement(ref _counters.Sleepers);
                spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
            }

            if (_disposed) return;
            seen++;
            try
            {
                _job.Run(worker, _phase);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }

            Volatile.Write(ref _allocated[worker], GC.GetAllocatedBytesForCurrentThread());
            Interlocked.Decrement(ref _counters.Pending);
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        lock (_gate) Monitor.PulseAll(_gate);
        foreach (Thread thread in _threads) thread.Join();
    }
}
