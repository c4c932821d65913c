using System.Buffers;
using System.Runtime.InteropServices;
using Backprop.Simd.Kernels;

namespace Backprop.Simd.Server;

/// <summary>
/// The rows of one request as they are read, in one buffer of <see cref="RowsPerChunk"/> rows that is
/// predicted and then reused each time it fills: a request holds one buffer of inputs however many rows
/// it sends, and what grows with the rows is only the replies (n_L floats a row, not n0). A batch's
/// outputs go through one buffer of the same rows too. An output that is not finite is remembered (the
/// first one), not answered at once: a request whose body turns out bad later gets its 400 first.
/// </summary>
internal sealed class RequestRows
{
    private readonly Predictor _predictor;
    private readonly Func<float[], PredictReply> _reply;
    private readonly ArrayPool<float> _pool;
    private readonly int _n0, _nL;
    private readonly bool _batch;
    private float[]? _rows, _outputs;
    private int _buffered, _rawBytes;

    /// <param name="predictor">The model.</param>
    /// <param name="rowsPerChunk">Rows in the buffer (at least 1; 1 for /predict).</param>
    /// <param name="batch">Whether the rows are a batch (replies in a list) or one row (<see cref="Single"/>).</param>
    /// <param name="pool">Where the buffers come from and go back to.</param>
    /// <param name="reply">Shapes one row's outputs (an array of its own, kept by the reply) into its reply.</param>
    public RequestRows(Predictor predictor, int rowsPerChunk, bool batch, ArrayPool<float> pool, Func<float[], PredictReply> reply)
    {
        (_predictor, _batch, _pool, _reply) = (predictor, batch, pool, reply);
        (_n0, _nL) = (predictor.InputSize, predictor.OutputSize);
        RowsPerChunk = rowsPerChunk;
        _rows = pool.Rent(rowsPerChunk * _n0);
        if (batch) _outputs = pool.Rent(rowsPerChunk * _nL);
    }

    /// <summary>Floats in a request's buffers with <paramref name="rowsPerChunk"/> rows to a chunk: what it takes of the <see cref="RowBudget"/>.</summary>
    public static long FloatsFor(int rowsPerChunk, int n0, int nL, bool batch) => (long)rowsPerChunk * n0 + (batch ? (long)rowsPerChunk * nL : 0);

    /// <summary>Rows in the buffer.</summary>
    public int RowsPerChunk { get; }

    /// <summary>Whole rows read so far.</summary>
    public int Count { get; private set; }

    /// <summary>The replies of a batch, in order, once <see cref="Finish"/> has run.</summary>
    public List<PredictReply> Replies { get; } = [];

    /// <summary>The reply of one row (/predict), once <see cref="Finish"/> has run.</summary>
    public PredictReply? Single { get; private set; }

    /// <summary>The first output that is not finite: its row, its index and its value (row -1: none).</summary>
    public (int Row, int Index, float Value) BadOutput { get; private set; } = (-1, 0, 0);

    /// <summary>The first input that is not finite, of raw float32 rows (row -1: none); rows after it are read but not predicted.</summary>
    public (int Row, int Index, float Value) BadInput { get; private set; } = (-1, 0, 0);

    /// <summary>Sets value <paramref name="column"/> of the row being read.</summary>
    public void Set(int column, float value) => _rows![_buffered * _n0 + column] = value;

    /// <summary>Ends the row being read; a full buffer is predicted.</summary>
    public void EndRow()
    {
        Count++;
        if (++_buffered == RowsPerChunk) Flush();
    }

    /// <summary>Copies raw little-endian float32 bytes into the rows, predicting each buffer that fills; a row may be cut anywhere.</summary>
    public void AddBytes(ReadOnlySpan<byte> bytes)
    {
        int chunkBytes = RowsPerChunk * _n0 * sizeof(float);
        while (!bytes.IsEmpty)
        {
            Span<byte> free = MemoryMarshal.AsBytes(_rows.AsSpan(0, RowsPerChunk * _n0))[_rawBytes..];
            int n = Math.Min(free.Length, bytes.Length);
            bytes[..n].CopyTo(free);
            bytes = bytes[n..];
            _rawBytes += n;
            int whole = _rawBytes / (_n0 * sizeof(float));
            Count += whole - _buffered;
            _buffered = whole;
            if (_rawBytes == chunkBytes) Flush();
        }
    }

    /// <summary>Predicts what is left in the buffer; after it the replies are complete.</summary>
    public void Finish()
    {
        if (_buffered > 0) Flush();
    }

    /// <summary>Returns the buffers to the pool.</summary>
    public void Release()
    {
        if (_rows is not null) _pool.Return(_rows);
        if (_outputs is not null) _pool.Return(_outputs);
        (_rows, _outputs) = (null, null);
    }

    private void Flush()
    {
        int rows = _buffered, first = Count - rows;
        bool raw = _rawBytes > 0;
        Span<float> inputs = _rows.AsSpan(0, rows * _n0);
        (_buffered, _rawBytes) = (0, 0);
        if (BadInput.Row >= 0) return;
        if (raw)
        {
            if (!BitConverter.IsLittleEndian)
            {
                Span<int> words = MemoryMarshal.Cast<float, int>(inputs);
                System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(words, words);
            }

            // Only raw bytes can hold NaN or an infinity: JSON has neither, and 1e39 is refused as it is read.
            int nonFinite = NonFinite.IndexOf(inputs);
            if (nonFinite >= 0)
            {
                BadInput = (first + nonFinite / _n0, nonFinite % _n0, inputs[nonFinite]);
                return;
            }
        }

        // One row's outputs are its reply's own array; a batch's go through the buffer and are copied row by row.
        float[] single = _batch ? [] : new float[_nL];
        Span<float> outputs = _batch ? _outputs.AsSpan(0, rows * _nL) : single;
        _predictor.PredictBatch(inputs, rows, outputs);
        int bad = NonFinite.IndexOf(outputs);
        if (bad >= 0 && BadOutput.Row < 0) BadOutput = (first + bad / _nL, bad % _nL, outputs[bad]);
        if (BadOutput.Row >= 0) return; // the request is answered with a 422: no replies needed

        if (!_batch)
        {
            Single = _reply(single);
            return;
        }

        for (int row = 0; row < rows; row++) Replies.Add(_reply(outputs.Slice(row * _nL, _nL).ToArray()));
    }
}
