namespace Backprop.Simd;

/// <summary>
/// Physical lines of a text, ended by "\n" or "\r\n" (the last may lack one), as spans into one reusable buffer that
/// grows only to hold the longest line. A leading byte-order mark (U+FEFF) is dropped.
/// </summary>
internal sealed class CsvLineReader(TextReader reader, string name)
{
    private char[] _buffer = new char[1 << 12];
    private int _start;   // first character of the next line
    private int _scanned; // characters from _start known to hold no '\n'
    private int _end;     // end of the characters read
    private bool _eof;

    /// <summary>1-based number of the line last returned; 0 before the first.</summary>
    public int LineNumber { get; private set; }

    /// <summary>The next line without its line end (valid until the next call), or false at the end of the text.</summary>
    public bool Next(out ReadOnlySpan<char> line)
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_start + _scanned, _end - _start - _scanned).IndexOf('\n');
            if (newline >= 0)
            {
                int stop = _start + _scanned + newline;
                line = Take(stop, stop + 1);
                return true;
            }

            _scanned = _end - _start;
            if (_eof)
            {
                bool more = _start < _end;
                line = more ? Take(_end, _end) : default;
                return more;
            }

            Fill();
        }
    }

    private ReadOnlySpan<char> Take(int stop, int next)
    {
        int from = _start;
        int to = stop > from && _buffer[stop - 1] == '\r' ? stop - 1 : stop;
        _start = next;
        _scanned = 0;
        if (LineNumber == int.MaxValue) throw new InvalidDataException($"{name}: line {LineNumber}: the text has more lines than are counted ({int.MaxValue}).");
        LineNumber++;
        ReadOnlySpan<char> line = _buffer.AsSpan(from, to - from);
        return LineNumber == 1 && line.Length > 0 && line[0] == '\uFEFF' ? line[1..] : line;
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= Array.MaxLength / 2)
            {
                throw new InvalidDataException($"{name}: line {LineNumber + 1}: the line is longer than {_buffer.Length} characters.");
            }

            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        int read = reader.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0) _eof = true;
        else _end += read;
    }
}
