namespace Backprop.Simd.Cli;

/// <summary>A text reader that yields <paramref name="prefix"/> and then the rest of <paramref name="rest"/>: a line read ahead, put back without copying the stream.</summary>
internal sealed class PrefixedReader(string prefix, TextReader rest) : TextReader
{
    private int _at;

    public override int Peek() => _at < prefix.Length ? prefix[_at] : rest.Peek();

    public override int Read() => _at < prefix.Length ? prefix[_at++] : rest.Read();

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        if (_at >= prefix.Length) return rest.Read(buffer);
        int n = Math.Min(buffer.Length, prefix.Length - _at);
        prefix.AsSpan(_at, n).CopyTo(buffer);
        _at += n;
        return n;
    }
}
