using System.Globalization;
using System.Text;

namespace Backprop.Simd;

/// <summary>
/// Reads delimited text tables (comma-, semicolon- or tab-separated) of numeric features and one target column into a
/// <see cref="CsvTable"/>, streamed line by line through one reusable buffer. Fields follow RFC 4180: a quoted field may
/// hold the delimiter and doubled quotes (""), but not a line break; spaces around unquoted fields are trimmed. Lines
/// end with "\n" or "\r\n", empty lines are skipped (and counted), and a UTF-8 byte-order mark is ignored. Feature
/// cells are invariant-culture float32 numbers; target cells are numbers or class names. Every error is an
/// <see cref="InvalidDataException"/> naming the file, the 1-based line and, for a cell, the 1-based column and its
/// header name.
/// </summary>
internal static class CsvFile
{
    /// <summary>Reads the table in the UTF-8 (or byte-order-marked UTF-16/32) file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed table; the message names the file, line and column.</exception>
    public static CsvTable Read(string path, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileStream stream;
        try
        {
            if (File.Exists(path)) RegularFile.Require(path, "CSV file");
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"{path}: no such file.", path, e);
        }

        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        return Read(reader, path, options);
    }

    /// <summary>Reads a table from <paramref name="reader"/>; <paramref name="name"/> appears in errors and as <see cref="CsvTable.Source"/>.</summary>
    /// <exception cref="InvalidDataException">The text is not a well-formed table; the message names the source, line and column.</exception>
    public static CsvTable Read(TextReader reader, string name, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(name);
        return new Parser(reader, name, options ?? new CsvOptions()).Run();
    }

    /// <summary>One read: the header, then each data row parsed field by field from the line buffer.</summary>
    private sealed class Parser(TextReader reader, string name, CsvOptions options)
    {
        private const int ShownCharacters = 40;
        private const int ListedColumns = 20;

        private readonly CsvLineReader _lines = new(reader, name);
        private char _delimiter;
        private bool _detected;
        private string[] _columns = [];
        private bool _named; // _columns holds the header names (errors then name a cell's column)
        private int _target;
        private char[] _scratch = [];

        private readonly ChunkedList<float> _features = new();
        private int _count;
        private int _lastLine;
        private readonly List<int> _breakRows = [];
        private readonly List<int> _breakLines = [];

        // Targets: while there are at most MaxClasses distinct texts, a code per row into _classes; after that (only
        // if every target so far is a number) the numbers themselves.
        private ChunkedList<int>? _codes = new();
        private Dictionary<string, int>? _classIndex = new(StringComparer.Ordinal);
        private List<string>? _classes = [];
        private bool _numeric = true;
        private ChunkedList<double>? _values;

        public CsvTable Run()
        {
            for (int i = 0; i < options.SkipRows; i++)
            {
                if (!_lines.Next(out _))
                {
                    throw Fail(_lines.LineNumber + 1, $"the file has {_lines.LineNumber} line(s), fewer than the {options.SkipRows} to skip before the {(options.HasHeader ? "header" : "data")}.");
                }
            }

            if (!NextNonEmpty(out ReadOnlySpan<char> first))
            {
                throw _lines.LineNumber == 0 ? Fail(1, "the file is empty.")
                    : options.HasHeader ? Fail(_lines.LineNumber + 1, $"the file ends before the header line (it has {_lines.LineNumber} line(s), {options.SkipRows} skipped).")
                    : Fail(_lines.LineNumber + 1, $"no data rows (the file has {_lines.LineNumber} line(s), {options.SkipRows} skipped).");
            }

            int firstLine = _lines.LineNumber;
            _detected = options.Delimiter is null;
            _delimiter = options.Delimiter ?? Detect(first);
            if (options.HasHeader)
            {
                _columns = Header(first, firstLine);
            }
            else
            {
                int fields = CountFields(first, out _);
                _columns = new string[fields];
                for (int i = 0; i < fields; i++) _columns[i] = "column" + (i + 1).ToString(CultureInfo.InvariantCulture);
            }

            if (_columns.Length < (options.HasTarget ? 2 : 1))
            {
                throw Fail(firstLine, $"the {(options.HasHeader ? "header" : "first row")} has 1 column, but a table needs at least 2 (features and a target); the delimiter is {DelimiterText()}.");
            }

            _named = true;
            _target = options.HasTarget ? TargetColumn(firstLine) : -1;
            if (!options.HasHeader) Row(first, firstLine);
            while (NextNonEmpty(out ReadOnlySpan<char> line)) Row(line, _lines.LineNumber);
            if (_count == 0)
            {
                throw Fail(_lines.LineNumber + 1, $"no data rows after the header on line {firstLine}.");
            }

            return Table();
        }

        private bool NextNonEmpty(out ReadOnlySpan<char> line)
        {
            while (_lines.Next(out line))
            {
                if (!line.IsEmpty) return true;
            }

            return false;
        }

        // The candidate occurring most often outside quotes; comma on a tie or when none occurs.
        private static char Detect(ReadOnlySpan<char> line)
        {
            int commas = 0, semicolons = 0, tabs = 0;
            bool quoted = false;
            foreach (char c in line)
            {
                switch (c)
                {
                    case '"': quoted = !quoted; break;
                    case ',' when !quoted: commas++; break;
                    case ';' when !quoted: semicolons++; break;
                    case '\t' when !quoted: tabs++; break;
                }
            }

            return semicolons > commas && semicolons > tabs ? ';' : tabs > commas && tabs > semicolons ? '\t' : ',';
        }

        private string[] Header(ReadOnlySpan<char> line, int lineNumber)
        {
            var names = new List<string>();
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            int position = 0;
            bool last;
            do
            {
                int column = names.Count;
                string text = NextField(line, ref position, out last, lineNumber, column).ToString();
                if (text.Length == 0)
                {
                    throw Fail(lineNumber, column, "the header name is empty.");
                }

                if (!seen.TryAdd(text, column))
                {
                    throw Fail(lineNumber, column, $"the header name '{Shown(text)}' is already the name of column {seen[text] + 1}.");
                }

                names.Add(text);
            }
            while (!last);
            return [.. names];
        }

        private int TargetColumn(int headerLine)
        {
            if (options.Target is not string target) return _columns.Length - 1;
            int byName = Array.IndexOf(_columns, target);
            if (byName >= 0) return byName;
            if (long.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out long index))
            {
                if (index < _columns.Length) return (int)index;
                throw Fail(headerLine, $"target column index {index} is out of range: the file has {_columns.Length} columns (0 to {_columns.Length - 1}).");
            }

            string listed = string.Join(", ", _columns.Take(ListedColumns).Select(c => $"'{Shown(c)}'"));
            string more = _columns.Length > ListedColumns ? $" and {_columns.Length - ListedColumns} more" : "";
            throw Fail(headerLine, $"no column is named '{Shown(target)}' (target); the columns are {listed}{more}.");
        }

        private void Row(ReadOnlySpan<char> line, int lineNumber)
        {
            int expected = _columns.Length;
            int fields = CountFields(line, out bool open);
            if (!open && fields != expected) throw Ragged(lineNumber, fields);
            if (_features.Count > Array.MaxLength - (expected - 1))
            {
                throw Fail(lineNumber, $"the table has more than {Array.MaxLength} feature cells, more than one array holds.");
            }

            int position = 0;
            bool last = false;
            for (int column = 0; column < expected; column++)
            {
                if (last) throw Ragged(lineNumber, column);
                ReadOnlySpan<char> cell = NextField(line, ref position, out last, lineNumber, column);
                if (column == _target) Target(cell, lineNumber, column);
                else Feature(cell, lineNumber, column);
            }

            if (!last) throw Ragged(lineNumber, null);
            if (_count == 0 || lineNumber != _lastLine + 1)
            {
                _breakRows.Add(_count);
                _breakLines.Add(lineNumber);
            }

            _lastLine = lineNumber;
            _count++;
        }

        // A row with another number of fields than the header: `fields` of them, or (null) more than expected.
        private InvalidDataException Ragged(int lineNumber, int? fields)
        {
            int expected = _columns.Length;
            string source = options.HasHeader ? "header" : "first row";
            return fields < expected
                ? Fail(lineNumber, fields.Value, $"the row ends after {fields} field(s); {expected} are expected, as in the {source}.")
                : Fail(lineNumber, expected, $"the row has {(fields?.ToString(CultureInfo.InvariantCulture) ?? $"more than {expected}")} fields; {expected} are expected, as in the {source}.");
        }

        private void Feature(ReadOnlySpan<char> cell, int lineNumber, int column)
        {
            if (cell.IsEmpty) throw Fail(lineNumber, column, "the cell is empty.");
            if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
            {
                throw Fail(lineNumber, column, NonFiniteWord(cell) ? $"'{Shown(cell)}' is not a finite number." : $"'{Shown(cell)}' is not a number.");
            }

            if (!float.IsFinite(value))
            {
                throw Fail(lineNumber, column, float.IsNaN(value) || !cell.ContainsAnyInRange('0', '9')
                    ? $"'{Shown(cell)}' is not a finite number."
                    : $"'{Shown(cell)}' is out of float32's range (a magnitude of at most {float.MaxValue.ToString(CultureInfo.InvariantCulture)}).");
            }

            _features.Add(value);
        }

        private void Target(ReadOnlySpan<char> cell, int lineNumber, int column)
        {
            if (cell.IsEmpty) throw Fail(lineNumber, column, "the cell is empty.");
            if (_classIndex is not null)
            {
                Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup = _classIndex.GetAlternateLookup<ReadOnlySpan<char>>();
                if (lookup.TryGetValue(cell, out int code))
                {
                    _codes!.Add(code);
                    return;
                }

                bool number = TargetNumber(cell, lineNumber, column, out double value);
                _numeric &= number;
                if (_classes!.Count < CsvTable.MaxClasses)
                {
                    string text = cell.ToString();
                    _classIndex.Add(text, _classes.Count);
                    _codes!.Add(_classes.Count);
                    _classes.Add(text);
                    return;
                }

                if (!_numeric)
                {
                    throw Fail(lineNumber, column, $"'{Shown(cell)}' would be target class {CsvTable.MaxClasses + 1}; text targets may have at most {CsvTable.MaxClasses} distinct values.");
                }

                // More distinct numbers than classes may hold: keep the numbers only.
                double[] classValues = ClassValues();
                _values = new ChunkedList<double>();
                foreach (int c in _codes!.ToArray()) _values.Add(classValues[c]);
                _values.Add(value);
                _codes = null;
                _classIndex = null;
                _classes = null;
                return;
            }

            if (!TargetNumber(cell, lineNumber, column, out double numeric))
            {
                throw Fail(lineNumber, column, $"'{Shown(cell)}' is not a number, but the targets before it have more than {CsvTable.MaxClasses} distinct values, too many for text targets (classes).");
            }

            _values!.Add(numeric);
        }

        // True for a finite number; false for text; an error for NaN, infinities and overflow, which are never classes.
        private bool TargetNumber(ReadOnlySpan<char> cell, int lineNumber, int column, out double value)
        {
            bool parsed = double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
            if (parsed ? !double.IsFinite(value) : NonFiniteWord(cell))
            {
                throw Fail(lineNumber, column, $"the target '{Shown(cell)}' is not a finite number.");
            }

            return parsed;
        }

        private double[] ClassValues() =>
            [.. _classes!.Select(c => double.Parse(c, NumberStyles.Float, CultureInfo.InvariantCulture))];

        private CsvTable Table()
        {
            string[] featureNames = [.. _columns.Where((_, i) => i != _target)];
            double[]? numbers = null;
            string[] classes = [];
            int[] codes = [];
            if (_values is not null)
            {
                numbers = _values.ToArray();
            }
            else
            {
                classes = [.. _classes!];
                codes = _codes!.ToArray();
                if (_numeric)
                {
                    double[] classValues = ClassValues();
                    numbers = new double[codes.Length];
                    for (int i = 0; i < codes.Length; i++) numbers[i] = classValues[codes[i]];
                }
            }

            return new CsvTable(name, featureNames, _target < 0 ? "" : _columns[_target], _target, _count, _features.ToArray(), numbers, classes, codes, [.. _breakRows], [.. _breakLines]);
        }

        // Fields in the line: delimiters outside quotes, plus one. `open` when the line ends inside quotes.
        private int CountFields(ReadOnlySpan<char> line, out bool open)
        {
            int count = 1;
            open = false;
            for (int i = line.IndexOfAny('"', _delimiter); i >= 0; i = Next(line, i + 1))
            {
                if (line[i] == '"') open = !open;
                else if (!open) count++;
            }

            return count;

            int Next(ReadOnlySpan<char> text, int from)
            {
                int found = text[from..].IndexOfAny('"', _delimiter);
                return found < 0 ? -1 : from + found;
            }
        }

        // The field starting at `position`: an unquoted field trimmed of spaces, or a quoted one's content with ""
        // made ". Moves `position` past the following delimiter; `last` when the line ends after the field instead.
        private ReadOnlySpan<char> NextField(ReadOnlySpan<char> line, ref int position, out bool last, int lineNumber, int column)
        {
            int i = position;
            while (i < line.Length && line[i] == ' ') i++;
            if (i < line.Length && line[i] == '"')
            {
                int open = i;
                int start = ++i;
                bool doubled = false;
                while (true)
                {
                    int quote = line[i..].IndexOf('"');
                    if (quote < 0)
                    {
                        throw Fail(lineNumber, column, $"the quote at character {open + 1} is not closed on this line (quoted fields may not hold line breaks).");
                    }

                    i += quote;
                    if (i + 1 < line.Length && line[i + 1] == '"')
                    {
                        doubled = true;
                        i += 2;
                        continue;
                    }

                    break;
                }

                ReadOnlySpan<char> content = line[start..i];
                i++;
                while (i < line.Length && line[i] == ' ') i++;
                if (i == line.Length)
                {
                    last = true;
                    position = i;
                }
                else if (line[i] == _delimiter)
                {
                    last = false;
                    position = i + 1;
                }
                else
                {
                    throw Fail(lineNumber, column, $"'{line[i]}' at character {i + 1} follows the closing quote; only the delimiter {DelimiterText()} or the end of the line may.");
                }

                return doubled ? Unescaped(content) : content;
            }

            int delimiter = line[i..].IndexOf(_delimiter);
            last = delimiter < 0;
            int end = last ? line.Length : i + delimiter;
            ReadOnlySpan<char> field = line[i..end].TrimEnd(' ');
            int stray = field.IndexOf('"');
            if (stray >= 0)
            {
                throw Fail(lineNumber, column, $"a quote at character {i + stray + 1} is inside an unquoted field; quote the whole field and double the quotes in it (\"\").");
            }

            position = last ? line.Length : end + 1;
            return field;
        }

        private ReadOnlySpan<char> Unescaped(ReadOnlySpan<char> content)
        {
            if (_scratch.Length < content.Length) _scratch = new char[Math.Max(content.Length, 2 * _scratch.Length)];
            int length = 0;
            for (int i = 0; i < content.Length; i++)
            {
                _scratch[length++] = content[i];
                if (content[i] == '"') i++;
            }

            return _scratch.AsSpan(0, length);
        }

        // [+-]inf, infinity, nan or the infinity sign, in any case: what float.TryParse does not already read as non-finite.
        private static bool NonFiniteWord(ReadOnlySpan<char> cell)
        {
            ReadOnlySpan<char> word = cell.Trim();
            if (word.Length > 0 && word[0] is '+' or '-') word = word[1..];
            return word.Equals("inf", StringComparison.OrdinalIgnoreCase) || word.Equals("infinity", StringComparison.OrdinalIgnoreCase)
                || word.Equals("nan", StringComparison.OrdinalIgnoreCase) || word.SequenceEqual("\u221E");
        }

        private string DelimiterText() =>
            (_delimiter == '\t' ? "tab" : $"'{_delimiter}'") + (_detected ? " (detected)" : "");

        private static string Shown(ReadOnlySpan<char> text) =>
            text.Length <= ShownCharacters ? text.ToString() : string.Concat(text[..ShownCharacters], "...");

        private InvalidDataException Fail(int lineNumber, string message) => new($"{name}: line {lineNumber}: {message}");

        private InvalidDataException Fail(int lineNumber, int column, string message) =>
            new(_named && column < _columns.Length
                ? $"{name}: line {lineNumber}, column {column + 1} ({Shown(_columns[column])}): {message}"
                : $"{name}: line {lineNumber}, column {column + 1}: {message}");
    }
}
