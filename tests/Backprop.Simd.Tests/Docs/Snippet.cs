namespace Backprop.Simd.Tests.Docs;

/// <summary>Checks that a snippet of a test's source appears, as it is, in a page of docs/.</summary>
internal static class Snippet
{
    /// <summary>The repository's root: the folder above the test binaries that holds Backprop.Simd.sln.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Backprop.Simd.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException($"No Backprop.Simd.sln above {AppContext.BaseDirectory}.");
    }

    public static void RequireInDocs(string name, string test, string source = "Docs/TrainingDocTests.cs", string page = "training.md")
    {
        string code = Extract(File.ReadAllLines(Path.Combine(Root(), "tests", "Backprop.Simd.Tests", source)), name, test);
        string docs = File.ReadAllText(Path.Combine(Root(), "docs", page)).ReplaceLineEndings("\n");
        Assert.True(docs.Contains("```csharp\n" + code + "```\n", StringComparison.Ordinal),
            $"docs/{page} does not show the '{name}' snippet of {test} as it is in the test; it should read:\n{code}");
    }

    /// <summary>The code of the fenced block of <paramref name="language"/> in docs/<paramref name="page"/> that contains <paramref name="marker"/>.</summary>
    public static string FromDocs(string page, string language, string marker)
    {
        string docs = File.ReadAllText(Path.Combine(Root(), "docs", page)).ReplaceLineEndings("\n");
        string[] blocks = docs.Split("```" + language + "\n")[1..].Select(b => b[..b.IndexOf("```", StringComparison.Ordinal)]).ToArray();
        return blocks.SingleOrDefault(b => b.Contains(marker, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"docs/{page} has no {language} block with '{marker}'.");
    }

    // The lines between the markers, with the indentation of the first one removed.
    private static string Extract(string[] lines, string name, string test)
    {
        int start = Array.FindIndex(lines, l => l.Trim() == "// snippet " + name);
        int end = Array.FindIndex(lines, start + 1, l => l.Trim() == "// end snippet");
        if (start < 0 || end < 0) throw new InvalidOperationException($"{test} has no complete snippet '{name}'.");
        string[] body = lines[(start + 1)..end];
        int indent = body.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Concat(body.Select(l => (l.Length >= indent ? l[indent..] : l.TrimStart()) + "\n"));
    }
}
