using System.Text;

namespace Backprop.Simd.Tests.Data;

public sealed class CsvFileTests() : TemporaryFolder("csv-tests-")
{
    private const string Iris = "sepal_length,sepal_width,petal_length,species\n5.1,3.5,1.4,setosa\n7.0,3.2,4.7,versicolor\n6.3,3.3,6.0,virginica\n4.9,3.0,1.4,setosa\n";

    private static CsvTable Read(string text, CsvOptions? options = null) => CsvFile.Read(new StringReader(text), "t.csv", options);

    private static string ErrorOf(string text, CsvOptions? options = null, string name = "t.csv") =>
        Assert.Throws<InvalidDataException>(() => CsvFile.Read(new StringReader(text), name, options)).Message;

    private string Write(string name, byte[] bytes)
    {
        string path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Features_and_text_targets_read_with_classes_in_order_of_first_appearance()
    {
        CsvTable table = Read(Iris);
        Assert.Equal("t.csv", table.Source);
        Assert.Equal(["sepal_length", "sepal_width", "petal_length"], table.FeatureNames);
        Assert.Equal("species", table.TargetName);
        Assert.Equal(3, table.TargetColumn);
        Assert.Equal(4, table.Count);
        Assert.Equal([5.1f, 3.5f, 1.4f, 7.0f, 3.2f, 4.7f, 6.3f, 3.3f, 6.0f, 4.9f, 3.0f, 1.4f], table.Features);
        Assert.Equal(["setosa", "versicolor", "virginica"], table.TargetClasses);
        Assert.Equal([0, 1, 2, 0], table.TargetCodes);
        Assert.Null(table.NumericTargets!);
    }

    [Fact]
    public void Numeric_targets_are_numbers_and_classes_at_once()
    {
        CsvTable table = Read("x,y\n1,0.5\n2,-1e3\n3,0.5\n4, 2 \n");
        Assert.Equal([0.5, -1000, 0.5, 2], table.NumericTargets!);
        Assert.Equal(["0.5", "-1e3", "2"], table.TargetClasses);
        Assert.Equal([0, 1, 0, 2], table.TargetCodes);
        Assert.Equal([1f, 2f, 3f, 4f], table.Features);
    }

    [Fact]
    public void One_text_target_makes_the_targets_text()
    {
        CsvTable table = Read("x,y\n1,0\n2,1\n3,other\n");
        Assert.Null(table.NumericTargets!);
        Assert.Equal(["0", "1", "other"], table.TargetClasses);
    }

    [Fact]
    public void More_distinct_numbers_than_classes_keep_only_the_numbers()
    {
        var text = new StringBuilder("x,y\n");
        for (int i = 0; i <= CsvTable.MaxClasses; i++) text.Append(i % 7).Append(',').Append(i * 0.5).Append('\n');
        text.Append("1,0\n");
        CsvTable table = Read(text.ToString());
        Assert.Equal(CsvTable.MaxClasses + 2, table.Count);
        Assert.Empty(table.TargetClasses);
        Assert.Empty(table.TargetCodes);
        Assert.Equal(CsvTable.MaxClasses * 0.5, table.NumericTargets![CsvTable.MaxClasses]);
        Assert.Equal(0, table.NumericTargets[^1]);
        Assert.Equal(6f, table.Features[6]);
    }

    [Fact]
    public void More_distinct_texts_than_classes_are_an_error()
    {
        var text = new StringBuilder("x,label\n");
        for (int i = 0; i <= CsvTable.MaxClasses; i++) text.Append("1,c").Append(i).Append('\n');
        Assert.Equal(
            $"t.csv: line {CsvTable.MaxClasses + 2}, column 2 (label): 'c65536' would be target class 65537; text targets may have at most 65536 distinct values.",
            ErrorOf(text.ToString()));

        var numbersFirst = new StringBuilder("x,label\n");
        for (int i = 0; i <= CsvTable.MaxClasses; i++) numbersFirst.Append("1,").Append(i).Append('\n');
        numbersFirst.Append("1,cat\n");
        string message = ErrorOf(numbersFirst.ToString());
        Assert.StartsWith($"t.csv: line {CsvTable.MaxClasses + 3}, column 2 (label): 'cat' is not a number", message);
        Assert.Contains("more than 65536 distinct values", message);
    }

    [Fact]
    public void Quoted_fields_may_hold_the_delimiter_doubled_quotes_and_spaces()
    {
        CsvTable table = Read("\"a,1\", \"b \"\"x\"\"\" ,\"c\"\n\"1.5\",2, \"cat, \"\"tabby\"\"\" \n");
        Assert.Equal(["a,1", "b \"x\""], table.FeatureNames);
        Assert.Equal("c", table.TargetName);
        Assert.Equal([1.5f, 2f], table.Features);
        Assert.Equal(["cat, \"tabby\""], table.TargetClasses);
    }

    [Fact]
    public void Spaces_around_unquoted_fields_are_trimmed()
    {
        CsvTable table = Read("  a , b ,c\n 1 ,  2,  dog  \n");
        Assert.Equal(["a", "b"], table.FeatureNames);
        Assert.Equal(["dog"], table.TargetClasses);
    }

    [Theory]
    [InlineData("a;b;c\n1.5;2;x\n", "a|b")]
    [InlineData("a\tb\tc\n1.5\t2\tx\n", "a|b")]
    [InlineData("a,b,c\n1.5,2,x\n", "a|b")]
    [InlineData("a;b,c;d\n1.5;2;x\n", "a|b,c")] // semicolons outnumber commas
    [InlineData("a,b;c\n1.5,2;x\n", "a")] // a tie: comma, so "b;c" is the target's name
    [InlineData("a b c\n1.5 2 x\n", "")] // none: comma, one column
    [InlineData("\"x,y,z\";b;c\n1.5;2;x\n", "x,y,z|b")] // commas inside quotes do not count
    public void The_delimiter_is_detected_from_the_header(string text, string features)
    {
        if (features.Length == 0)
        {
            Assert.Contains("the delimiter is ',' (detected)", ErrorOf(text));
            return;
        }

        CsvTable table = Read(text);
        Assert.Equal(features.Split('|'), table.FeatureNames);
        Assert.Equal(1.5f, table.Features[0]);
    }

    [Fact]
    public void An_explicit_delimiter_is_used_as_given()
    {
        CsvTable table = Read("a|b,c|d\n1|2|x\n", new CsvOptions { Delimiter = '|' });
        Assert.Equal(["a", "b,c"], table.FeatureNames);
        Assert.Equal("d", table.TargetName);
        Assert.Equal([1f, 2f], table.Features);
        Assert.Equal(["x"], table.TargetClasses);
        Assert.Equal(["b"], Read("a\tb\tc\n1\t2\t3\n", new CsvOptions { Delimiter = '\t', Target = "a" }).FeatureNames[..1]);
        Assert.Equal("t.csv: line 1: the header has 1 column, but a table needs at least 2 (features and a target); the delimiter is ';'.",
            ErrorOf("a,b,c\n1,2,3\n", new CsvOptions { Delimiter = ';' }));
    }

    [Fact]
    public void Skipped_rows_come_before_the_header_and_count_in_line_numbers()
    {
        var options = new CsvOptions { SkipRows = 2 };
        CsvTable table = Read("# preamble, with commas\n\nx,y\n1,a\n\n2,b\n", options);
        Assert.Equal(["x"], table.FeatureNames);
        Assert.Equal(2, table.Count);
        Assert.Equal(4, table.LineOf(0));
        Assert.Equal(6, table.LineOf(1));
        Assert.Contains("t.csv: line 6, column 1 (x)", ErrorOf("#\n#\nx,y\n1,a\n\nq,b\n", options));
    }

    [Fact]
    public void The_target_is_chosen_by_name_then_by_index_else_the_last_column()
    {
        const string text = "a,b,c\n1,2,3\n4,5,6\n";
        CsvTable byName = Read(text, new CsvOptions { Target = "a" });
        Assert.Equal((0, "a"), (byName.TargetColumn, byName.TargetName));
        Assert.Equal(["b", "c"], byName.FeatureNames);
        Assert.Equal([2f, 3f, 5f, 6f], byName.Features);
        Assert.Equal([1.0, 4.0], byName.NumericTargets!);

        CsvTable byIndex = Read(text, new CsvOptions { Target = "1" });
        Assert.Equal((1, "b"), (byIndex.TargetColumn, byIndex.TargetName));
        Assert.Equal([1f, 3f, 4f, 6f], byIndex.Features);

        CsvTable last = Read(text);
        Assert.Equal((2, "c"), (last.TargetColumn, last.TargetName));

        // A column named "0" is found by name before "0" is taken as an index.
        CsvTable digitName = Read("1,0,x\n7,8,9\n", new CsvOptions { Target = "0" });
        Assert.Equal(1, digitName.TargetColumn);
    }

    [Fact]
    public void Line_ends_byte_order_marks_blank_lines_and_a_missing_final_newline_are_accepted()
    {
        byte[] bom = [0xEF, 0xBB, 0xBF];
        string crlf = Write("crlf.csv", [.. bom, .. Encoding.UTF8.GetBytes("x,y\r\n\r\n1,a\r\n2,b")]);
        CsvTable table = CsvFile.Read(crlf);
        Assert.Equal(crlf, table.Source);
        Assert.Equal(["x"], table.FeatureNames);
        Assert.Equal(["a", "b"], table.TargetClasses);
        Assert.Equal([3, 4], [table.LineOf(0), table.LineOf(1)]);

        CsvTable fromString = Read("\uFEFFx,y\n1,a\n");
        Assert.Equal(["x"], fromString.FeatureNames);
    }

    [Fact]
    public void LineOf_gives_each_rows_physical_line()
    {
        CsvTable table = Read("\n\nx,y\n1,a\n2,b\n\n\n3,c\n4,d\n\n5,e");
        Assert.Equal([4, 5, 8, 9, 11], Enumerable.Range(0, table.Count).Select(table.LineOf));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.LineOf(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.LineOf(-1));
    }

    [Fact]
    public void A_scikit_learn_csv_is_read_without_a_header_after_its_preamble()
    {
        // sklearn/datasets/data/iris.csv: a line of counts and class names, then data rows with no names.
        string path = Write("iris.csv", Encoding.UTF8.GetBytes("150,4,setosa,versicolor,virginica\n5.1,3.5,1.4,0.2,0\n4.9,3.0,1.4,0.2,0\n7.0,3.2,4.7,1.4,1\n6.3,3.3,6.0,2.5,2\n"));
        CsvTable table = CsvFile.Read(path, new CsvOptions { SkipRows = 1, HasHeader = false });
        Assert.Equal(4, table.Count);
        Assert.Equal(["column1", "column2", "column3", "column4"], table.FeatureNames);
        Assert.Equal("column5", table.TargetName);
        Assert.Equal([0.0, 0, 1, 2], table.NumericTargets!);
        Assert.Equal(["0", "1", "2"], table.TargetClasses);
        Assert.Equal([5.1f, 3.5f, 1.4f, 0.2f], table.Features[..4]);
        Assert.Equal(2, table.LineOf(0));

        // With a header, the first data row would be taken for the names and lost.
        CsvTable eaten = CsvFile.Read(path, new CsvOptions { SkipRows = 1 });
        Assert.Equal(3, eaten.Count);
        Assert.Equal(["5.1", "3.5", "1.4", "0.2"], eaten.FeatureNames);

        // Without a header, columns can still be chosen by name or index.
        Assert.Equal(0, CsvFile.Read(path, new CsvOptions { SkipRows = 1, HasHeader = false, Target = "column1" }).TargetColumn);
        Assert.Equal(1, CsvFile.Read(path, new CsvOptions { SkipRows = 1, HasHeader = false, Target = "1" }).TargetColumn);
        Assert.Contains("iris.csv: line 4, column 2 (column2): 'x' is not a number.",
            ErrorOf("150,4\n1,2,3\n4,5,6\n7,x,9\n", new CsvOptions { SkipRows = 1, HasHeader = false }, "iris.csv"));
        Assert.Contains("iris.csv: line 3, column 4: the row has 4 fields; 3 are expected, as in the first row.",
            ErrorOf("150,4\n1,2,3\n4,5,6,7\n", new CsvOptions { SkipRows = 1, HasHeader = false }, "iris.csv"));
    }

    [Fact]
    public void Bad_cells_name_the_file_line_column_and_header()
    {
        const string header = "sepal_length,sepal_width,petal_length,species\n";
        Assert.Equal("iris.csv: line 3, column 3 (petal_length): 'abc' is not a number.",
            ErrorOf(header + "5.1,3.5,1.4,setosa\n5.1,3.5,abc,setosa\n", name: "iris.csv"));
        Assert.Equal("iris.csv: line 2, column 2 (sepal_width): the cell is empty.", ErrorOf(header + "5.1,,1.4,setosa\n", name: "iris.csv"));
        Assert.Equal("iris.csv: line 2, column 4 (species): the cell is empty.", ErrorOf(header + "5.1,3,1.4,  \n", name: "iris.csv"));
        Assert.Equal("iris.csv: line 2, column 1 (sepal_length): the cell is empty.", ErrorOf(header + "\"\",3,1.4,a\n", name: "iris.csv"));
        Assert.Equal("t.csv: line 2, column 1 (a): '1,5' is not a number.", ErrorOf("a;b\n\"1,5\";2\n"));
    }

    [Theory]
    [InlineData("nan")]
    [InlineData("NaN")]
    [InlineData("-nan")]
    [InlineData("inf")]
    [InlineData("-Inf")]
    [InlineData("Infinity")]
    [InlineData("-infinity")]
    [InlineData("\u221E")]
    public void Non_finite_features_and_targets_are_errors(string word)
    {
        Assert.Equal($"t.csv: line 3, column 1 (x): '{word}' is not a finite number.", ErrorOf($"x,y\n1,2\n{word},3\n"));
        // In the target too, even among text classes: never a class of its own.
        Assert.Equal($"t.csv: line 3, column 2 (y): the target '{word}' is not a finite number.", ErrorOf($"x,y\n1,2\n1,{word}\n"));
        Assert.Equal($"t.csv: line 3, column 2 (y): the target '{word}' is not a finite number.", ErrorOf($"x,y\n1,cat\n1,{word}\n"));
    }

    [Fact]
    public void Numbers_beyond_the_range_are_errors()
    {
        Assert.Equal("t.csv: line 2, column 1 (x): '1e39' is out of float32's range (a magnitude of at most 3.4028235E+38).", ErrorOf("x,y\n1e39,2\n"));
        Assert.Contains("'-" + new string('9', 39) + "...' is out of float32's range", ErrorOf($"x,y\n-{new string('9', 400)},2\n"));
        Assert.Equal("t.csv: line 2, column 2 (y): the target '1e999' is not a finite number.", ErrorOf("x,y\n1,1e999\n"));
        // Large but finite as a double: a numeric target.
        Assert.Equal([1e300], Read("x,y\n1,1e300\n").NumericTargets!);
    }

    [Fact]
    public void A_ragged_row_says_how_many_fields_are_expected()
    {
        Assert.Equal("t.csv: line 3, column 4: the row has 4 fields; 3 are expected, as in the header.", ErrorOf("a,b,c\n1,2,3\n1,2,3,4\n"));
        Assert.Equal("t.csv: line 2, column 4: the row has 4 fields; 3 are expected, as in the header.", ErrorOf("a,b,c\n1,2,3,\n"));
        Assert.Equal("t.csv: line 2, column 3 (c): the row ends after 2 field(s); 3 are expected, as in the header.", ErrorOf("a,b,c\n1,2\n"));
        Assert.Equal("t.csv: line 2, column 2 (b): the row ends after 1 field(s); 3 are expected, as in the header.", ErrorOf("a,b,c\n  \n"));
    }

    [Fact]
    public void Files_without_data_are_errors()
    {
        Assert.Equal("t.csv: line 1: the file is empty.", ErrorOf(""));
        Assert.Equal("t.csv: line 2: no data rows after the header on line 1.", ErrorOf("a,b\n"));
        Assert.Equal("t.csv: line 4: no data rows after the header on line 1.", ErrorOf("a,b\r\n\r\n\n"));
        Assert.Equal("t.csv: line 4: the file ends before the header line (it has 3 line(s), 0 skipped).", ErrorOf("\n\n\n"));
        Assert.Equal("t.csv: line 3: no data rows (the file has 2 line(s), 1 skipped).", ErrorOf("150,4\n\n", new CsvOptions { SkipRows = 1, HasHeader = false }));
    }

    [Fact]
    public void Fewer_lines_than_to_skip_is_an_error()
    {
        Assert.Equal("t.csv: line 3: the file has 2 line(s), fewer than the 3 to skip before the header.", ErrorOf("a,b\n1,2\n", new CsvOptions { SkipRows = 3 }));
        Assert.Equal("t.csv: line 2: the file ends before the header line (it has 1 line(s), 1 skipped).", ErrorOf("a,b\n", new CsvOptions { SkipRows = 1 }));
    }

    [Fact]
    public void Header_names_must_be_present_and_distinct()
    {
        Assert.Equal("t.csv: line 1, column 3: the header name 'a' is already the name of column 1.", ErrorOf("a,b,a\n1,2,3\n"));
        Assert.Equal("t.csv: line 1, column 2: the header name is empty.", ErrorOf("a,,c\n1,2,3\n"));
        Assert.Equal("t.csv: line 2, column 2: the header name is empty.", ErrorOf("#\na,\"\"\n1,2\n", new CsvOptions { SkipRows = 1 }));
        Assert.Equal("t.csv: line 1: the header has 1 column, but a table needs at least 2 (features and a target); the delimiter is ',' (detected).", ErrorOf("abc\n1\n"));
        Assert.Equal("t.csv: line 1: the first row has 1 column, but a table needs at least 2 (features and a target); the delimiter is tab.",
            ErrorOf("1,2\n", new CsvOptions { HasHeader = false, Delimiter = '\t' }));
    }

    [Fact]
    public void A_missing_target_column_lists_the_columns_or_the_index_range()
    {
        Assert.Equal("t.csv: line 1: no column is named 'species' (target); the columns are 'a', 'b', 'c'.", ErrorOf("a,b,c\n1,2,3\n", new CsvOptions { Target = "species" }));
        Assert.Equal("t.csv: line 1: target column index 3 is out of range: the file has 3 columns (0 to 2).", ErrorOf("a,b,c\n1,2,3\n", new CsvOptions { Target = "3" }));
        string wide = string.Join(',', Enumerable.Range(0, 30).Select(i => $"f{i}"));
        Assert.EndsWith("'f19' and 10 more.", ErrorOf(wide + "\n", new CsvOptions { Target = "y" }));
    }

    [Fact]
    public void Quotes_must_close_on_their_line_and_fill_their_field()
    {
        // Line breaks inside quotes are not supported: the quote is unterminated on its line.
        Assert.Equal("t.csv: line 2, column 2 (b): the quote at character 3 is not closed on this line (quoted fields may not hold line breaks).",
            ErrorOf("a,b\n1,\"two\nlines\"\n"));
        Assert.Equal("t.csv: line 1, column 2: the quote at character 3 is not closed on this line (quoted fields may not hold line breaks).", ErrorOf("a,\"b\n1,2\n"));
        Assert.Equal("t.csv: line 2, column 1 (a): a quote at character 2 is inside an unquoted field; quote the whole field and double the quotes in it (\"\").",
            ErrorOf("a,b\n1\"2,3\n"));
        Assert.Equal("t.csv: line 2, column 1 (a): 'x' at character 6 follows the closing quote; only the delimiter ',' (detected) or the end of the line may.",
            ErrorOf("a,b\n\"12\" x,3\n"));
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => CsvFile.Read(path: null!));
        Assert.Throws<ArgumentNullException>(() => CsvFile.Read(reader: null!, "x"));
        Assert.Throws<ArgumentNullException>(() => CsvFile.Read(new StringReader(""), null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CsvOptions { SkipRows = -1 });
        Assert.Throws<ArgumentException>(() => new CsvOptions { Delimiter = '"' });
        Assert.Throws<ArgumentException>(() => new CsvOptions { Delimiter = '\n' });
        Assert.Throws<ArgumentException>(() => new CsvOptions { Delimiter = ' ' });
        Assert.Throws<ArgumentException>(() => new CsvOptions { Target = "" });
        Assert.Throws<ArgumentException>(() => new CsvOptions() with { Delimiter = '\r' });
        Assert.Equal(';', new CsvOptions { Delimiter = ';' }.Delimiter);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        string path = PathOf("absent.csv");
        Assert.Equal($"{path}: no such file.", Assert.Throws<FileNotFoundException>(() => CsvFile.Read(path)).Message);
        Assert.Throws<FileNotFoundException>(() => CsvFile.Read(PathOf("no/such/dir.csv")));
    }

    [Fact]
    public void A_long_line_grows_the_buffer()
    {
        string names = string.Join(',', Enumerable.Range(0, 3000).Select(i => $"feature_{i}")) + ",y";
        string row = string.Concat(Enumerable.Repeat("0.125,", 3000)) + "1";
        CsvTable table = Read($"{names}\n{row}\n{row}");
        Assert.Equal(3000, table.FeatureNames.Length);
        Assert.Equal(6000, table.Features.Length);
        Assert.All(table.Features, f => Assert.Equal(0.125f, f));
    }

    private sealed class Trickle(string text) : TextReader
    {
        private int _at;

        public override int Read(char[] buffer, int index, int count)
        {
            if (_at == text.Length || count == 0) return 0;
            buffer[index] = text[_at++];
            return 1;
        }
    }

    [Fact]
    public void A_reader_returning_one_character_at_a_time_gives_the_same_table()
    {
        string text = "\uFEFF\"a\";b\r\n\r\n" + string.Concat(Enumerable.Range(0, 2000).Select(i => $"{i}.5;{(i % 3 == 0 ? "x" : "\"y;\"\"z\"\"\"")}\r\n"));
        CsvTable whole = Read(text), trickled = CsvFile.Read(new Trickle(text), "t.csv");
        Assert.Equal(whole.Features, trickled.Features);
        Assert.Equal(whole.TargetCodes, trickled.TargetCodes);
        Assert.Equal(["x", "y;\"z\""], trickled.TargetClasses);
        Assert.Equal(2002, trickled.LineOf(1999));
    }

    [Fact]
    public void A_large_file_allocates_a_small_multiple_of_its_size()
    {
        var text = new StringBuilder("a,b,c,d,species\n");
        string[] species = ["setosa", "versicolor", "virginica"];
        for (int i = 0; i < 50_000; i++) text.Append(i % 10).Append(".5,3.5,1,0.2,").Append(species[i % 3]).Append('\n');
        for (int i = 0; i < 50_000; i++) text.Append("1,2,3,4,").Append(i % 3).Append('\n');
        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        string path = Write("large.csv", bytes);
        CsvFile.Read(path);
        long before = GC.GetAllocatedBytesForCurrentThread();
        CsvTable table = CsvFile.Read(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(100_000, table.Count);
        Assert.True(allocated < 4L * bytes.Length, $"allocated {allocated} bytes for {bytes.Length}");
    }
}
