using System.Buffers;
using System.Runtime;

namespace Backprop.Simd.Server;

/// <summary>
/// The floats of rows in flight across all requests, counted in units of <see cref="UnitFloats"/>:
/// a large request (a batch, or a row of a very wide model) takes its units before it reads a byte of
/// its body and waits while they are taken, rather than allocating, so many large bodies at once hold
/// at most the budget, not one buffer each. Small requests (one row of up to <see cref="SmallFloats"/>
/// floats, the /predict hot path) take nothing. When the last large request of a burst ends and none
/// starts for <see cref="QuietTime"/>, one aggressive full collection returns the burst's memory to
/// the OS: the GC otherwise keeps what it freed committed, and RSS stays at the burst's peak.
/// </summary>
internal sealed class RowBudget : IDisposable
{
    /// <summary>Floats in one unit: one chunk of rows (256 KiB).</summary>
    public const int UnitFloats = 1 << 16;

    /// <summary>A request whose buffers are at most this many floats (64 KiB) takes no budget.</summary>
    public const int SmallFloats = 1 << 14;

    /// <summary>Floats in flight by default: 4 Mi floats, 16 MiB, 64 units (each large request takes one unless its model is very wide).</summary>
    public const long DefaultFloats = 64L * UnitFloats;

    /// <summary>How long no large request must run before the collection that gives memory back.</summary>
    public static readonly TimeSpan QuietTime = TimeSpan.FromSeconds(1);

    /// <summary>The least time between two such collections: a full blocking collection pauses the small requests too.</summary>
    public static readonly TimeSpan CollectionSpacing = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Buffers of large requests: at most a few per size are kept; the rest go back to the GC, which the idle
    /// collection returns to the OS. (The default <see cref="ArrayPool{T}.Shared"/> would keep more, per core, until a gen2 trim.)
    /// </summary>
    public static readonly ArrayPool<float> Buffers = ArrayPool<float>.Create(maxArrayLength: 1 << 20, maxArraysPerBucket: 8);

    private readonly SemaphoreSlim _units;

    // Held while a request takes its units one at a time, so that two requests never each hold part of what they need.
    private readonly SemaphoreSlim _turnstile = new(1, 1);
    private readonly Timer _idle;
    private readonly object _lock = new();
    private int _inUse, _waiting;
    private long _starts, _startsWhenIdle, _collections, _lastCollection = long.MinValue / 2;

    public RowBudget(long floats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(floats, UnitFloats);
        Units = (int)Math.Min(int.MaxValue / 2, floats / UnitFloats);
        _units = new SemaphoreSlim(Units, Units);
        _idle = new Timer(_ => CollectIfIdle(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Units in the budget.</summary>
    public int Units { get; }

    /// <summary>Units taken now.</summary>
    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>Requests waiting for units now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Collections made after a burst so far.</summary>
    public long Collections => Interlocked.Read(ref _collections);

    /// <summary>Units a request with buffers of <paramref name="floats"/> floats takes: 0 if small, else a whole number of units, at most the budget (so that one request that needs more runs alone).</summary>
    public int UnitsFor(long floats) => floats <= SmallFloats ? 0 : (int)Math.Min(Units, (floats + UnitFloats - 1) / UnitFloats);

    /// <summary>Waits until <paramref name="units"/> units are free and takes them; give them back with <see cref="Give"/>.</summary>
    public async ValueTask Take(int units, CancellationToken aborted)
    {
        if (units == 0) return;
        Interlocked.Increment(ref _waiting);
        int taken = 0;
        try
        {
            await _turnstile.WaitAsync(aborted);
            try
            {
                for (; taken < units; taken++) await _units.WaitAsync(aborted);
            }
            finally
            {
                _turnstile.Release();
            }
        }
        catch
        {
            if (taken > 0) _units.Release(taken);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        lock (_lock)
        {
            _inUse += units;
            _starts++;
        }
    }

    /// <summary>Gives back what <see cref="Take"/> took; the last one of a burst arms the collection that returns memory to the OS.</summary>
    public void Give(int units)
    {
        if (units == 0) return;
        lock (_lock)
        {
            _inUse -= units;
            if (_inUse == 0)
            {
                _startsWhenIdle = _starts;
                _idle.Change(QuietTime, Timeout.InfiniteTimeSpan);
            }
        }

        _units.Release(units);
    }

    private void CollectIfIdle()
    {
        lock (_lock)
        {
            if (_inUse != 0 || _starts != _startsWhenIdle) return; // a request came: the last to end re-arms
            long now = Environment.TickCount64, next = _lastCollection + (long)CollectionSpacing.TotalMilliseconds;
            if (now < next)
            {
                _idle.Change(TimeSpan.FromMilliseconds(next - now), Timeout.InfiniteTimeSpan);
                return;
            }

            _lastCollection = now;
            _collections++;
        }

        // Aggressive: compacts every generation and the large object heap, and decommits the free space, which a
        // default collection keeps for the next burst (the freed chunks are on the LOH, collected only in gen2).
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    public void Dispose()
    {
        _idle.Dispose();
        _units.Dispose();
        _turnstile.Dispose();
    }
}
