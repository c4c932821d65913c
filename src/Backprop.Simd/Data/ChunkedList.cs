namespace Backprop.Simd;

/// <summary>
/// An append-only list in chunks that are never copied while it grows: each new chunk is as large as all before it
/// (1,024 to 2^20 elements), so the chunks and the final <see cref="ToArray"/> together allocate at most about three
/// times the content, against five for a doubling array and its trimmed copy.
/// </summary>
internal sealed class ChunkedList<T>
    where T : struct
{
    private const int FirstChunk = 1 << 10;
    private const int LargestChunk = 1 << 20;
    private readonly List<T[]> _full = [];
    private T[] _current = [];
    private int _used;

    /// <summary>Elements added.</summary>
    public int Count { get; private set; }

    public void Add(T item)
    {
        if (_used == _current.Length)
        {
            if (_current.Length > 0) _full.Add(_current);
            _current = new T[Math.Clamp(Count, FirstChunk, LargestChunk)];
            _used = 0;
        }

        _current[_used++] = item;
        Count++;
    }

    /// <summary>The elements in one array of exactly <see cref="Count"/>.</summary>
    public T[] ToArray()
    {
        var all = new T[Count];
        int at = 0;
        foreach (T[] chunk in _full)
        {
            chunk.CopyTo(all, at);
            at += chunk.Length;
        }

        _current.AsSpan(0, _used).CopyTo(all.AsSpan(at));
        return all;
    }
}
