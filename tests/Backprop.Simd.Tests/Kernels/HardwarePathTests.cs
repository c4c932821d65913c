using Backprop.Simd.Kernels;

namespace Backprop.Simd.Tests.Kernels;

/// <summary>
/// Proves which register width the kernel tests ran on. CI runs them again with AVX-512 off
/// (256-bit path), AVX2 off (128-bit path) and hardware intrinsics off (scalar path); this test
/// fails if a switch did not take, so a green run really covered that path.
/// </summary>
/// <remarks>.NET 10 reads <c>DOTNET_EnableAVX512</c>; the older <c>DOTNET_EnableAVX512F</c> is ignored.</remarks>
public class HardwarePathTests
{
    private static bool Off(string name) => Environment.GetEnvironmentVariable(name) == "0";

    [Fact]
    public void The_runtime_switches_select_the_expected_width()
    {
        if (Off("DOTNET_EnableHWIntrinsic"))
        {
            Assert.False(Simd128<float>.IsHardwareAccelerated);
            Assert.False(Simd256<float>.IsHardwareAccelerated);
            Assert.False(Simd512<float>.IsHardwareAccelerated);
        }
        else if (Off("DOTNET_EnableAVX2"))
        {
            Assert.False(Simd512<float>.IsHardwareAccelerated);
            Assert.False(Simd256<float>.IsHardwareAccelerated);
            Assert.True(Simd128<float>.IsHardwareAccelerated);
        }
        else if (Off("DOTNET_EnableAVX512"))
        {
            Assert.False(Simd512<float>.IsHardwareAccelerated);
            Assert.Equal(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated, Simd256<float>.IsHardwareAccelerated);
        }

        Assert.Equal(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated, Simd512<float>.IsHardwareAccelerated);
        Assert.Equal(System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated, Simd128<float>.IsHardwareAccelerated);
    }
}
