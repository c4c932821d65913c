using System.Text;

namespace Backprop.Simd.Tests.Fuzzing;

/// <summary>
/// Damaged CSV files (the byte mutations of <see cref="Mutation"/> on UTF-8, and the character edits of
/// <see cref="TextMutation"/>) fed to <see cref="CsvFile"/> with varied options: the only exception that may come out
/// is InvalidDataException, its message starts with the file name and a line, a read allocates at most 8 x the input
/// plus 256 KiB, and whatever does read is a consistent table. 5,000 cases per test; FUZZ_CASES overrides.
/// </summary>
public class CsvFuzzTests
{
    private const string Name = "fuzzed.csv";

    private static readonly (string Text, CsvOptions Options)[] Seeds =
    [
        ("sepal_length,sepal_width,species\n5.1,3.5,setosa\n7.0,3.2,versicolor\n6.3,3.3,virginica\n4.9,3.0,setosa\n", new CsvOptions()),
        ("\"a;1\";\"b \"\"q\"\"\";y\r\n1.5;2;0.5\r\n3;4;-1e3\r\n\r\n5;6;7\r\n", new CsvOptions()),
        ("150,4,setosa,versicolor,virginica\n5.1,3.5,1.4,0.2,0\n4.9,3.0,1.4,0.2,0\n7.0,3.2,4.7,1.4,1\n", new CsvOptions { SkipRows = 1, HasHeader = false }),
        ("\uFEFFx\ty\tlabel\n1\t2\tcat\n\n3\t4\tdog\n", new CsvOptions { Delimiter = '\t', Target = "label" }),
        ("# comment, not a header\nid,f1,f2\n0, 1.5 ,2\n1,\"3\",4", new CsvOptions { SkipRows = 1, Target = "0" }),
    ];

    private static int s_read, s_refused;

    // The seed and options a case uses: mostly the seed's own, sometimes detected or other targets.
    private static (byte[] Bytes, CsvOptions Options) Case(int seed, Func<string, byte[]> damage)
    {
        (string text, CsvOptions options) = Seeds[seed % Seeds.Length];
        options = (seed / Seeds.Length % 6) switch
        {
            0 => options with { Delimiter = null },
            1 => options with { Target = "1" },
            2 => options with { Target = "species" },
            3 => options with { SkipRows = options.SkipRows + 1 },
            _ => options,
        };
        return (damage(text), options);
    }

    private static void Survives(byte[] bytes, CsvOptions options)
    {
        CsvTable? table = null;
        bool read = FuzzCampaign.Survives(
            bytes,
            input => table = CsvFile.Read(new StreamReader(new MemoryStream(input)), Name, options),
            factor: 8,
            message => Assert.StartsWith($"{Name}: line ", message));
        if (read) Consistent(table!, options);
        Interlocked.Increment(ref read ? ref s_read : ref s_refused);
    }

    private static void Consistent(CsvTable table, CsvOptions options)
    {
        Assert.True(table.Count >= 1);
        Assert.NotEmpty(table.FeatureNames);
        Assert.Equal((long)table.Count * table.FeatureNames.Length, table.Features.Length);
        Assert.All(table.Features, f => Assert.True(float.IsFinite(f)));
        Assert.Equal(table.FeatureNames.Length + 1, table.FeatureNames.Append(table.TargetName).Distinct().Count());
        Assert.DoesNotContain("", table.FeatureNames);
        if (table.NumericTargets is double[] numbers)
        {
            Assert.Equal(table.Count, numbers.Length);
            Assert.All(numbers, t => Assert.True(double.IsFinite(t)));
        }

        if (table.TargetClasses.Length == 0)
        {
            Assert.Empty(table.TargetCodes);
            Assert.NotNull(table.NumericTargets);
        }
        else
        {
            Assert.Equal(table.Count, table.TargetCodes.Length);
            int next = 0;
            foreach (int code in table.TargetCodes)
            {
                Assert.InRange(code, 0, next);
                if (code == next) next++;
            }

            Assert.Equal(table.TargetClasses.Length, next);
        }

        int line = options.SkipRows + (options.HasHeader ? 1 : 0);
        for (int row = 0; row < table.Count; row++)
        {
            Assert.True(table.LineOf(row) > line);
            line = table.LineOf(row);
        }
    }

    [Fact]
    public void Damaged_bytes_only_report_invalid_data() =>
        FuzzCampaign.Check(MutationArbitraries.Mutation(), mutation =>
        {
            (byte[] bytes, CsvOptions options) = Case(mutation.Seed, text => mutation.Apply(Encoding.UTF8.GetBytes(text)));
            Survives(bytes, options);
        });

    [Fact]
    public void Damaged_text_only_reports_invalid_data()
    {
        int read = s_read, refused = s_refused;
        FuzzCampaign.Check(TextMutationArbitraries.TextMutation(), mutation =>
        {
            (byte[] bytes, CsvOptions options) = Case(mutation.Seed, text => Encoding.UTF8.GetBytes(mutation.Apply(text)));
            Survives(bytes, options);
        });

        // Both outcomes must be exercised, not only the errors.
        Assert.True(s_read > read && s_refused > refused, $"{s_read - read} read, {s_refused - refused} refused");
    }

    [Fact]
    public void Every_seed_reads_undamaged()
    {
        int[] counts = [.. Seeds.Select(s => CsvFile.Read(new StringReader(s.Text), Name, s.Options).Count)];
        Assert.Equal([4, 3, 3, 2, 2], counts);
        foreach ((string text, CsvOptions options) in Seeds) Consistent(CsvFile.Read(new StringReader(text), Name, options), options);
    }
}
