namespace Backprop.Simd;

/// <summary>Work that a <see cref="WorkerPool"/> runs on every worker at once, one phase at a time.</summary>
internal interface IParallelJob
{
    /// <summary>Worker <paramref name="worker"/>'s share of <paramref name="phase"/>.</summary>
    void Run(int worker, int phase);
}
