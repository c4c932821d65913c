namespace Backprop.Simd.Benchmarks;

/// <summary>A benchmark class that knows how many floating-point operations one call of a method does.</summary>
public interface IFlopCount
{
    /// <summary>Flops of one invocation of <paramref name="method"/> with the current parameter values.</summary>
    double Flops(string method);
}
