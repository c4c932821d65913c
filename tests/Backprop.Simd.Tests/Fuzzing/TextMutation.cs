using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Backprop.Simd.Tests.Fuzzing;

/// <summary>
/// Damage to a text table at the level of its characters: delimiters, quotes, line breaks, non-finite and very long
/// numbers, spaces, random Unicode (lone surrogates, U+FEFF, U+0000 ...), deleted and repeated runs. One to four edits,
/// each derived from its seed.
/// </summary>
public sealed record TextMutation(int Seed, int Edits)
{
    public static readonly string[] Kinds = ["delimiter", "quote", "newline", "nonfinite", "long-number", "unicode", "delete", "repeat", "space", "empty-cell"];
    private static readonly string[] Delimiters = [",", ";", "\t", "|", ",,", ";;"];
    private static readonly string[] Quotes = ["\"", "\"\"", "\"\"\"", "\",\"", " \" "];
    private static readonly string[] Newlines = ["\n", "\r\n", "\r", "\n\n", "\r\r\n", "\n\r"];
    private static readonly string[] NonFinite = ["nan", "NaN", "-nan", "inf", "-inf", "Infinity", "-Infinity", "\u221E", "1e39", "-3.5e38", "1e999", "1e-999", "NA", "null"];
    private static readonly char[] Odd = ['\uFEFF', '\0', '\u2028', '\u0301', '\uD800', '\uDFFF', '\u00A0', '\u200B', '\uFFFD', '\u0660', '-', '+', '.', 'e', 'E'];

    public string Apply(string original)
    {
        var random = new Random(Seed);
        var text = new StringBuilder(original);
        for (int e = 0; e < 1 + Edits % 4; e++)
        {
            int at = random.Next(text.Length + 1);
            switch (Kinds[random.Next(Kinds.Length)])
            {
                case "delimiter": text.Insert(at, Pick(random, Delimiters)); break;
                case "quote": text.Insert(at, Pick(random, Quotes)); break;
                case "newline": text.Insert(at, Pick(random, Newlines)); break;
                case "nonfinite": text.Insert(at, Pick(random, NonFinite)); break;
                case "long-number": text.Insert(at, LongNumber(random)); break;
                case "unicode":
                    for (int i = random.Next(1, 8); i > 0; i--)
                    {
                        text.Insert(Math.Min(at, text.Length), random.Next(3) == 0 ? Odd[random.Next(Odd.Length)] : (char)random.Next(0x20, 0x10000));
                    }

                    break;
                case "delete": text.Remove(Math.Min(at, text.Length), Math.Min(text.Length - Math.Min(at, text.Length), random.Next(1, 40))); break;
                case "repeat":
                    int from = random.Next(text.Length + 1);
                    string run = text.ToString(from, Math.Min(text.Length - from, random.Next(1, 80)));
                    text.Insert(at, run);
                    break;
                case "space": text.Insert(at, new string(' ', random.Next(1, 4))); break;
                default:
                    // Empty the cell around `at`: remove everything up to the neighbouring delimiters.
                    int start = at, end = at;
                    while (start > 0 && text[start - 1] is not (',' or ';' or '\t' or '\n')) start--;
                    while (end < text.Length && text[end] is not (',' or ';' or '\t' or '\n' or '\r')) end++;
                    text.Remove(start, end - start);
                    break;
            }
        }

        return text.ToString();
    }

    private static string Pick(Random random, string[] choices) => choices[random.Next(choices.Length)];

    private static string LongNumber(Random random)
    {
        var number = new StringBuilder(random.Next(2) == 0 ? "-" : "");
        int digits = random.Next(1, 5000);
        for (int i = 0; i < digits; i++) number.Append((char)('0' + random.Next(10)));
        if (random.Next(2) == 0) number.Insert(random.Next(1, number.Length), '.');
        if (random.Next(3) == 0) number.Append('e').Append(random.Next(-400, 400));
        return number.ToString();
    }
}

/// <summary>FsCheck generator of text mutations; shrinks toward fewer edits.</summary>
public static class TextMutationArbitraries
{
    public static Arbitrary<TextMutation> TextMutation() =>
        Arb.From(
            from seed in Gen.Choose(0, int.MaxValue)
            from edits in Gen.Choose(0, 3)
            select new TextMutation(seed, edits),
            m => m.Edits > 0 ? [m with { Edits = m.Edits - 1 }] : Array.Empty<TextMutation>());
}
