using System.Reflection;
using System.Text.RegularExpressions;

namespace Backprop.Simd.Tests.Docs;

/// <summary>
/// docs/backprop.md maps each equation to the code that computes it; these tests fail when a name
/// or a path it gives stops existing (a method renamed, a step moved to another kernel), so the
/// page cannot drift from the code unnoticed.
/// </summary>
public sealed partial class BackpropDocTests
{
    private const string Page = "backprop.md";

    private static readonly Assembly Library = typeof(Network<>).Assembly;

    /// <summary>
    /// Every <c>Type.Member</c> or <c>Type&lt;T&gt;.Member</c> in a code span of the page (the tables'
    /// code column included) names a type of Backprop.Simd, public or internal, with a member of
    /// that name: a method, property, field or enum value.
    /// </summary>
    [Fact]
    public void Every_member_the_page_names_exists()
    {
        string[] names = QualifiedNames(CodeSpans(Text())).ToArray();
        Assert.NotEmpty(names);
        string[] missing = names.Where(n => !Exists(n)).ToArray();
        Assert.True(missing.Length == 0,
            $"docs/{Page} names {string.Join(", ", missing)}, which {(missing.Length == 1 ? "is" : "are")} not in {Library.GetName().Name}.");
    }

    /// <summary>
    /// A code span that is one bare identifier (<c>BiasOffset</c>, or <c>.Biases(l-1)</c> after a
    /// qualified name) names a type of the library or a member of a type the page names.
    /// </summary>
    [Fact]
    public void Every_bare_type_or_member_the_page_names_exists()
    {
        string[] spans = CodeSpans(Text()).ToArray();
        Type[] named = QualifiedNames(spans).Select(n => FindType(n[..n.LastIndexOf('.')])).OfType<Type>().Distinct().ToArray();
        string[] bare = spans.Select(s => BareIdentifier().Match(s)).Where(m => m.Success).Select(m => m.Groups["name"].Value).Distinct().ToArray();
        Assert.NotEmpty(bare);
        string[] missing = bare.Where(s => FindType(s) is null && !named.Any(t => HasMember(t, s))).ToArray();
        Assert.True(missing.Length == 0,
            $"docs/{Page} names {string.Join(", ", missing)}: neither a type of {Library.GetName().Name} nor a member of a type the page names.");
    }

    /// <summary>Every repository path in a code span (<c>src/...</c>, <c>tests/...</c>) and every relative link exists.</summary>
    [Fact]
    public void Every_path_and_link_the_page_names_exists()
    {
        string text = Text();
        string[] paths = CodeSpans(text).Where(s => RepositoryPath().IsMatch(s)).Select(s => Path.Combine(Snippet.Root(), s))
            .Concat(Link().Matches(text).Select(m => Path.Combine(Snippet.Root(), "docs", m.Groups["target"].Value)))
            .ToArray();
        Assert.NotEmpty(paths);
        string[] missing = paths.Where(p => !File.Exists(p) && !Directory.Exists(p)).Select(p => Path.GetRelativePath(Snippet.Root(), p)).ToArray();
        Assert.True(missing.Length == 0, $"docs/{Page} names {string.Join(", ", missing)}, which {(missing.Length == 1 ? "does" : "do")} not exist.");
    }

    private static string Text() => File.ReadAllText(Path.Combine(Snippet.Root(), "docs", Page));

    // The text of each `code span` (the page has no fenced C#; its fences hold no names).
    private static IEnumerable<string> CodeSpans(string text) => CodeSpan().Matches(text).Select(m => m.Groups["code"].Value);

    // "Blas2.Rank1Update(delta, previous, ...)" gives Blas2.Rank1Update; "Network<T>.Weights(l-1)" gives
    // Network<T>.Weights. Paths ("src/Backprop.Simd/Checking") are checked as paths.
    private static IEnumerable<string> QualifiedNames(IEnumerable<string> spans) =>
        spans.Where(s => !s.Contains('/', StringComparison.Ordinal)).SelectMany(s => QualifiedName().Matches(s).Select(m => m.Value)).Distinct();

    private static bool Exists(string name)
    {
        int dot = name.LastIndexOf('.');
        return FindType(name[..dot]) is { } type && HasMember(type, name[(dot + 1)..]);
    }

    // "Network<T>" is the generic type Network`1, and so is a bare "SampleBackprop" (the page names
    // generic types without their parameter in prose); nested and non-public types count.
    private static Type? FindType(string name)
    {
        int angle = name.IndexOf('<', StringComparison.Ordinal);
        if (angle >= 0) name = $"{name[..angle]}`{name[angle..].Count(c => c == ',') + 1}";
        return Library.GetTypes().FirstOrDefault(t => t.Name == name || (angle < 0 && t.Name.StartsWith(name + "`", StringComparison.Ordinal)));
    }

    private static bool HasMember(Type type, string member) =>
        type.GetMember(member, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance).Length > 0;

    [GeneratedRegex("`(?<code>[^`\n]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"\b[A-Z]\w*(<\w+(,\s*\w+)*>)?\.[A-Z]\w*")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"^\.?(?<name>[A-Z][a-z]\w*)(\([^)]*\))?$")]
    private static partial Regex BareIdentifier();

    [GeneratedRegex(@"^(src|tests|bench|docs|tools)/[\w./-]+$")]
    private static partial Regex RepositoryPath();

    [GeneratedRegex(@"\]\((?<target>[\w./-]+?)(#[\w-]*)?\)")]
    private static partial Regex Link();
}
