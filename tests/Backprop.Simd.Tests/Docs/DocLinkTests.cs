using System.Text;
using System.Text.RegularExpressions;

namespace Backprop.Simd.Tests.Docs;

/// <summary>
/// Every relative link of README.md and docs/*.md reaches a file of the repository and, when it
/// has a <c>#fragment</c>, a heading of that page: a section renamed or moved (docs/benchmarks.md
/// is reordered by topic from time to time) fails here rather than leaving a link that lands at
/// the top of the page.
/// </summary>
public sealed partial class DocLinkTests
{
    /// <summary>One row per page: README.md and each page of docs/.</summary>
    public static TheoryData<string> Pages()
    {
        var data = new TheoryData<string> { "README.md" };
        foreach (string page in Directory.GetFiles(Path.Combine(Snippet.Root(), "docs"), "*.md").Order(StringComparer.Ordinal))
        {
            data.Add("docs/" + Path.GetFileName(page));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_relative_link_reaches_its_file_and_heading(string page)
    {
        string root = Snippet.Root();
        string folder = Path.GetDirectoryName(Path.Combine(root, page))!;
        var broken = new List<string>();
        foreach ((int line, string target) in Links(File.ReadAllLines(Path.Combine(root, page))))
        {
            int hash = target.IndexOf('#', StringComparison.Ordinal);
            string file = hash < 0 ? target : target[..hash];
            string path = file.Length == 0 ? Path.Combine(root, page) : Path.GetFullPath(Path.Combine(folder, file));
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                broken.Add($"{page}:{line}: {target}: no file {Path.GetRelativePath(root, path)}");
            }
            else if (hash >= 0 && path.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllLines(path)).Contains(target[(hash + 1)..]))
            {
                broken.Add($"{page}:{line}: {target}: {Path.GetRelativePath(root, path)} has no heading with that anchor");
            }
        }

        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }

    /// <summary>The check itself: anchors are made as GitHub makes them, and a missing one is found.</summary>
    [Fact]
    public void Anchors_follow_github_and_count_repeated_headings()
    {
        string[] page =
        [
            "# Benchmarks", "## Latency: float32, bf16 and ONNX Runtime (issue 13)", "```bash", "# not a heading", "```",
            "### Where a packed product's time goes (`GemmProfileBenchmarks`)", "## Notes", "## Notes",
        ];
        Assert.Equal(
            new[] { "benchmarks", "latency-float32-bf16-and-onnx-runtime-issue-13", "where-a-packed-products-time-goes-gemmprofilebenchmarks", "notes", "notes-1" },
            Anchors(page));
        Assert.Equal(new[] { (5, "benchmarks.md#notes") }, Links(["See `[not](a.md)`", "```", "[x](y.md)", "```", "[the notes](benchmarks.md#notes) and [web](https://example.com)."]));
    }

    // Markdown links [text](target) outside code, with the line they are on; web and mail links are left out.
    private static List<(int Line, string Target)> Links(string[] lines)
    {
        var links = new List<(int, string)>();
        bool fenced = false;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal)) fenced = !fenced;
            if (fenced) continue;
            foreach (Match m in Link().Matches(CodeSpan().Replace(lines[i], "")))
            {
                string target = m.Groups["target"].Value;
                if (!target.Contains("://", StringComparison.Ordinal) && !target.StartsWith("mailto:", StringComparison.Ordinal)) links.Add((i + 1, target));
            }
        }

        return links;
    }

    // GitHub's anchors: the heading's text lower-cased, everything but letters, digits, spaces, hyphens
    // and underscores dropped, spaces turned into hyphens; a repeated anchor gets -1, -2, ...
    private static List<string> Anchors(string[] lines)
    {
        var anchors = new List<string>();
        bool fenced = false;
        foreach (string line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) fenced = !fenced;
            Match heading = Heading().Match(line);
            if (fenced || !heading.Success) continue;
            var anchor = new StringBuilder();
            foreach (char c in heading.Groups["text"].Value.Trim().ToLowerInvariant())
            {
                if (char.IsLetterOrDigit(c) || c is '-' or '_') anchor.Append(c);
                else if (c == ' ') anchor.Append('-');
            }

            string unique = anchor.ToString();
            for (int n = 1; anchors.Contains(unique); n++) unique = $"{anchor}-{n}";
            anchors.Add(unique);
        }

        return anchors;
    }

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex("`[^`]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^#{1,6} (?<text>.+)$")]
    private static partial Regex Heading();
}
