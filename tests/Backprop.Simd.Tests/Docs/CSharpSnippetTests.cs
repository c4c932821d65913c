using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Backprop.Simd.Tests.Docs;

/// <summary>
/// Every ```csharp (or ```cs) block of README.md and docs/*.md compiles, with Roslyn, against the
/// assemblies this test runs with (Backprop.Simd, Backprop.Simd.Onnx and the framework): a renamed
/// method or a changed signature fails here instead of in a reader's editor.
/// <para>
/// A block is compiled as top-level statements after the SDK's implicit usings and
/// <c>using Backprop.Simd;</c>. A fragment that uses variables it does not declare (a request's
/// <c>pixels</c>) declares them in an HTML comment right above its fence, which Markdown does not show:
/// <c>&lt;!-- snippet context: float[] pixels = new float[784]; --&gt;</c>.
/// </para>
/// </summary>
public sealed partial class CSharpSnippetTests
{
    private static readonly string[] Usings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading",
        "System.Threading.Tasks", "Backprop.Simd",
    ];

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    /// <summary>One row per C# block: the page (relative to the repository) and the line of its opening fence.</summary>
    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (string page in Pages())
        {
            foreach (CodeBlock block in Parse(page)) data.Add(page, block.FenceLine);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Compiles(string page, int fenceLine)
    {
        CodeBlock block = Parse(page).Single(b => b.FenceLine == fenceLine);
        string[] errors = Errors(page, block);
        Assert.True(errors.Length == 0,
            $"The C# block at {page}:{fenceLine} does not compile:\n{string.Join("\n", errors)}\n--- the block ---\n{string.Join("\n", block.Lines)}");
    }

    /// <summary>The check itself can fail: a misspelt method is reported with the page's own line number.</summary>
    [Fact]
    public void A_wrong_name_is_reported_at_its_line_of_the_page()
    {
        var block = new CodeBlock(10, ["using Backprop.Simd;", "", "Predictor predictor = Predictor.Lod(\"digits.bpsimd\");"], []);
        string[] errors = Errors("docs/example.md", block);
        Assert.Contains(errors, e => e.StartsWith("docs/example.md:13:", StringComparison.Ordinal) && e.Contains("CS0117", StringComparison.Ordinal));
    }

    private static string[] Errors(string page, CodeBlock block)
    {
        // The block's using directives must stay first; #line maps every diagnostic back to the page.
        int usings = block.Lines.TakeWhile(l => l.Length == 0 || l.StartsWith("using ", StringComparison.Ordinal) || l.StartsWith("//", StringComparison.Ordinal)).Count();
        var source = new List<string> { $"#line {block.FenceLine + 1} \"{page}\"" };
        source.AddRange(block.Lines.Take(usings));
        if (block.Context.Count > 0)
        {
            source.Add($"#line {block.FenceLine - 1} \"{page}\"");
            source.Add(string.Join(" ", block.Context));
        }

        source.Add($"#line {block.FenceLine + 1 + usings} \"{page}\"");
        source.AddRange(block.Lines.Skip(usings));

        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Snippet",
            [
                CSharpSyntaxTree.ParseText(string.Concat(Usings.Select(u => $"global using {u};\n")), parse),
                CSharpSyntaxTree.ParseText(string.Join("\n", source), parse),
            ],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        return compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d =>
            {
                FileLinePositionSpan at = d.Location.GetMappedLineSpan();
                return $"{at.Path}:{at.StartLinePosition.Line + 1}: {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
            })
            .ToArray();
    }

    private static IEnumerable<string> Pages() =>
        new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(Snippet.Root(), "docs"), "*.md").Order(StringComparer.Ordinal)
            .Select(p => "docs/" + Path.GetFileName(p)));

    // Fences of ```csharp or ```cs; the context comment, if any, is the line right above the fence.
    private static List<CodeBlock> Parse(string page)
    {
        string[] lines = File.ReadAllLines(Path.Combine(Snippet.Root(), page));
        var blocks = new List<CodeBlock>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() is not ("```csharp" or "```cs")) continue;
            int end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == "```");
            if (end < 0) throw new InvalidOperationException($"{page}:{i + 1}: the C# block is never closed.");
            Match context = i > 0 ? ContextComment().Match(lines[i - 1]) : Match.Empty;
            blocks.Add(new CodeBlock(i + 1, lines[(i + 1)..end], context.Success ? [context.Groups["code"].Value] : []));
            i = end;
        }

        return blocks;
    }

    [GeneratedRegex(@"^<!-- snippet context: (?<code>.*) -->$")]
    private static partial Regex ContextComment();

    /// <summary>A fenced block: the 1-based line of its opening fence, its lines, and declarations it relies on.</summary>
    private sealed record CodeBlock(int FenceLine, string[] Lines, IReadOnlyList<string> Context);
}
