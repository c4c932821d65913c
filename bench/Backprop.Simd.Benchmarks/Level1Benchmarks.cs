using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Backprop.Simd.Kernels;

namespace Backprop.Simd.Benchmarks;

/// <summary>
/// Level-1 kernels and activations at the layer widths of 784-30-10 and 784-100-10 networks,
/// beside their scalar twins and TensorPrimitives where it has the same operation.
/// Flops: dot and axpy 2 per element; everything else counts 1 per element.
/// </summary>
[MemoryDiagnoser]
public class Level1Benchmarks : IFlopCount
{
    private float[] _x = [], _y = [], _z = [];

    [Params(10, 30, 100, 784)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _x = Enumerable.Range(0, N).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        _y = Enumerable.Range(0, N).Select(_ => random.NextSingle()).ToArray();
        _z = new float[N];
    }

    public double Flops(string method) => method.StartsWith("Dot", StringComparison.Ordinal) || method.StartsWith("Axpy", StringComparison.Ordinal) ? 2.0 * N : N;

    [Benchmark] public float Dot() => Blas1.Dot<float>(_x, _y);
    [Benchmark] public float DotScalar() => Reference.Dot<float>(_x, _y);
    [Benchmark] public float DotTensorPrimitives() => TensorPrimitives.Dot<float>(_x, _y);

    [Benchmark] public void Axpy() => Blas1.Axpy<float>(_x, 1e-7f, _z);
    [Benchmark] public void AxpyScalar() => Reference.Axpy<float>(_x, 1e-7f, _z);
    [Benchmark] public void AxpyTensorPrimitives() => TensorPrimitives.MultiplyAdd<float>(_x, 1e-7f, _z, _z);

    [Benchmark] public void Hadamard() => Blas1.Hadamard<float>(_x, _y, _z);
    [Benchmark] public void HadamardScalar() => Reference.Hadamard<float>(_x, _y, _z);
    [Benchmark] public void HadamardTensorPrimitives() => TensorPrimitives.Multiply<float>(_x, _y, _z);

    [Benchmark] public void Sigmoid() => Activations.Sigmoid<float>(_x, _z);
    [Benchmark] public void SigmoidScalar() => Reference.Sigmoid<float>(_x, _z);
    [Benchmark] public void SigmoidTensorPrimitives() => TensorPrimitives.Sigmoid<float>(_x, _z);

    [Benchmark] public void SigmoidBackward() => Activations.SigmoidBackward<float>(_y, _x, _z);
    [Benchmark] public void SigmoidBackwardScalar() => Reference.SigmoidBackward<float>(_y, _x, _z);

    [Benchmark] public void Softmax() => Activations.Softmax<float>(_x, _z);
    [Benchmark] public void SoftmaxScalar() => Reference.Softmax<float>(_x, _z);
    [Benchmark] public void SoftmaxTensorPrimitives() => TensorPrimitives.SoftMax<float>(_x, _z);
}
