using System.Globalization;

namespace Backprop.Simd.Cli;

/// <summary>
/// One way to print small errors and tolerances everywhere in the CLI: 1.06e-08 and 1e-06, never
/// .NET's "1.06E-008" beside "1E-06".
/// </summary>
internal static class Scientific
{
    public static string Format(double value) =>
        double.IsFinite(value) ? value.ToString("0.##e+00", CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);
}
