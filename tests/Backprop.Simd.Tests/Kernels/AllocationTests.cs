using Backprop.Simd.Kernels;

namespace Backprop.Simd.Tests.Kernels;

/// <summary>After a first call (which may size a thread's packing space), kernels allocate nothing.</summary>
public class AllocationTests
{
    [Fact]
    public void Kernels_allocate_zero_bytes()
    {
        float[] x = TestData.ToFloat(TestData.Uniform(784, 1));
        float[] y = TestData.ToFloat(TestData.Uniform(784, 2));
        float[] w = TestData.ToFloat(TestData.Uniform(30 * 784, 3));
        float[] big = TestData.ToFloat(TestData.Uniform(128 * 128, 4));
        float[] bigC = new float[128 * 128];
        float[] outputs = new float[30];
        float[] bias = new float[30];
        float[] batch = new float[10 * 784];

        void RunAll()
        {
            Blas1.Dot<float>(x, y);
            Blas1.Axpy<float>(x, 0.5f, y);
            Blas1.Scale<float>(x, 0.5f, y);
            Blas1.Hadamard<float>(x, y, y);
            Activations.Sigmoid<float>(x.AsSpan(0, 30), outputs);
            Activations.Tanh<float>(x.AsSpan(0, 30), outputs);
            Activations.Softmax<float>(x.AsSpan(0, 30), outputs);
            Activations.SigmoidBackward<float>(outputs, bias, outputs);
            Blas2.Gemv<float>(w, x, bias, 30, 784, outputs);
            Blas2.GemvTransposed<float>(w, outputs, 30, 784, y);
            Blas2.Rank1Update<float>(outputs, x, 30, 784, w);
            Blas3.MultiplyAddTransposedB<float>(batch, w, 10, 784, 30, new Span<float>(bigC, 0, 300));
            Blas3.Multiply<float>(big, big, 128, 128, 128, bigC);
            Blas3.MultiplyTransposedA<float>(big, big, 128, 128, 128, bigC);
        }

        Assert.Equal(0, Allocations.Fewest(RunAll));
    }
}
