using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Backprop.Simd.Tests.Docs;

/// <summary>
/// A page that gives a constant's value writes it as <c>`Type.Constant` (value)</c>, e.g.
/// "`Gemm.PackedThreshold` (128)" or "`DotGemm.L1BlockBytes` (32 KB)": the name says where the
/// number lives, and this test fails when the code's value and the page's differ.
/// </summary>
public sealed partial class DocConstantTests
{
    private static readonly Assembly[] Libraries = [typeof(Network<>).Assembly, typeof(Backprop.Simd.Onnx.OnnxModel).Assembly];

    public static TheoryData<string, int, string, string> Mentions()
    {
        var rows = new TheoryData<string, int, string, string>();
        foreach (string page in Pages())
        {
            string[] lines = File.ReadAllLines(Path.Combine(Snippet.Root(), page));
            for (int i = 0; i < lines.Length; i++)
            {
                foreach (Match m in Mention().Matches(lines[i])) rows.Add(page, i + 1, m.Groups["name"].Value, m.Groups["value"].Value);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Mentions))]
    public void The_value_a_page_gives_is_the_constant_s(string page, int line, string name, string value)
    {
        int dot = name.LastIndexOf('.');
        Type? type = Libraries.SelectMany(a => a.GetTypes()).FirstOrDefault(t => t.Name == name[..dot] || t.Name.StartsWith(name[..dot] + "`", StringComparison.Ordinal));
        Assert.True(type is not null, $"{page}:{line}: no type {name[..dot]} in the libraries.");
        FieldInfo? field = type.GetField(name[(dot + 1)..], BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static);
        Assert.True(field is { IsLiteral: true } or { IsInitOnly: true }, $"{page}:{line}: {name} is not a constant of {type.FullName}.");
        double actual = Convert.ToDouble(field.GetValue(null), CultureInfo.InvariantCulture);
        Assert.True(actual == Parse(value), $"{page}:{line}: the page says {name} is {value}; the code says {actual.ToString(CultureInfo.InvariantCulture)}.");
    }

    [Fact]
    public void The_pages_name_the_constants_they_quote()
    {
        // The kernels page quotes the GEMM's blocking; if these mentions disappear, the test above checks nothing there.
        string[] names = Mentions().Select(row => (string)row[2]).ToArray();
        Assert.Contains("Gemm.PackedThreshold", names);
        Assert.Contains("PackedGemm.KC", names);
        Assert.Contains("DotGemm.L1BlockBytes", names);
    }

    [Theory]
    [InlineData("128", 128)]
    [InlineData("4,096", 4096)]
    [InlineData("32 KB", 32 * 1024)]
    [InlineData("1e6", 1e6)]
    public void Values_read_as_the_pages_write_them(string value, double expected) => Assert.Equal(expected, Parse(value));

    private static IEnumerable<string> Pages() =>
        Directory.GetFiles(Path.Combine(Snippet.Root(), "docs"), "*.md").Select(p => Path.GetRelativePath(Snippet.Root(), p)).Append("README.md").Order();

    // "4,096" and "1e6" as written; "32 KB" is 32 x 1024.
    private static double Parse(string value)
    {
        bool kb = value.EndsWith(" KB", StringComparison.Ordinal);
        double number = double.Parse(kb ? value[..^3] : value, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        return kb ? number * 1024 : number;
    }

    [GeneratedRegex(@"`(?<name>[A-Z]\w*\.[A-Z]\w*)` \((?<value>[0-9][0-9,]*(\.[0-9]+)?(e[0-9]+)?( KB)?)\)")]
    private static partial Regex Mention();
}
