using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;

namespace Backprop.Simd.Server;

/// <summary>
/// Reads a /predict or /predict/batch JSON body as it arrives, token by token with a
/// <see cref="Utf8JsonReader"/> over the request pipe, writing each number straight into a float
/// the <see cref="RequestRows"/> of the request, which predicts each chunk of rows as it fills: no tree,
/// no float[][] and no copy of the body, so memory is one chunk of rows and the replies, and a row or a
/// batch that is too long stops the read at the value that makes it too long. Shapes: <c>{"input": [n0 numbers]}</c> or <c>{"inputs": {"name": number, ...}}</c>
/// for one row, <c>{"inputs": [[n0 numbers], ...]}</c> for a batch; other properties are skipped.
/// </summary>
internal sealed class JsonRowsReader
{
    private enum Place { Start, Top, ValueOf, Row, Named, NamedValue, Batch, Skip, Done }

    private readonly int _n0, _maxRows;
    private readonly bool _batch;
    private readonly IReadOnlyDictionary<string, int> _names;
    private readonly string _shape;
    private readonly RequestRows _rows;
    private Place _place = Place.Start, _afterSkip;
    private string _property = "";
    private int _namedIndex = -1, _skipDepth, _column, _seen;
    private bool[]? _given;
    private bool _sawBatch;
    private JsonReaderState _state;

    private JsonRowsReader(RequestRows rows, int n0, int maxRows, bool batch, IReadOnlyDictionary<string, int> names)
    {
        (_rows, _n0, _maxRows, _batch, _names) = (rows, n0, maxRows, batch, names);
        _shape = batch ? """{"inputs": [[...], ...]}""" : """{"input": [...]}""";
    }

    private int Count => _rows.Count;

    /// <summary>What is wrong with the body, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>
    /// Reads the whole body into <paramref name="rows"/> (which predicts as its chunks fill, and the rest at the end);
    /// on an error (in <see cref="JsonRowsReader.Error"/>) the rest is left unread.
    /// </summary>
    public static async Task<JsonRowsReader> Read(PipeReader body, RequestRows rows, int n0, int maxRows, bool batch, IReadOnlyDictionary<string, int> names)
    {
        var reader = new JsonRowsReader(rows, n0, maxRows, batch, names);
        while (reader.Error is null)
        {
            ReadResult result = await body.ReadAsync();
            SequencePosition consumed = result.Buffer.End;
            try
            {
                consumed = reader.Feed(result.Buffer, result.IsCompleted);
            }
            catch (JsonException e)
            {
                reader.Error = $"the body is not {reader._shape} as JSON: {e.Message}";
            }
            finally
            {
                body.AdvanceTo(consumed, result.Buffer.End); // always, so that Kestrel can drain what is left
            }

            if (result.IsCompleted)
            {
                if (reader.Error is null && reader._place != Place.Done) reader.Error = $"the body ends before the JSON does; send {reader._shape}";
                break;
            }
        }

        if (reader.Error is null) reader.Finish();
        if (reader.Error is null) rows.Finish();
        return reader;
    }

    // Every whole token of the buffer; returns how far it got (a token cut by the end of the buffer waits for more).
    private SequencePosition Feed(ReadOnlySequence<byte> buffer, bool final)
    {
        var json = new Utf8JsonReader(buffer, final, _state);
        while (Error is null && json.Read()) Token(ref json);
        _state = json.CurrentState;
        return json.Position;
    }

    private void Token(ref Utf8JsonReader json)
    {
        JsonTokenType token = json.TokenType;
        switch (_place)
        {
            case Place.Start:
                if (token == JsonTokenType.StartObject) _place = Place.Top;
                else Error = token == JsonTokenType.Null ? $"the body is JSON null; send {_shape}" : $"the body is a JSON {Describe(token)}, not an object; send {_shape}";
                break;
            case Place.Top:
                if (token == JsonTokenType.EndObject)
                {
                    _place = Place.Done;
                }
                else
                {
                    _property = json.ValueTextEquals("input") ? "input" : json.ValueTextEquals("inputs") ? "inputs" : "";
                    _place = Place.ValueOf;
                }

                break;
            case Place.ValueOf:
                Value(ref json, token);
                break;
            case Place.Row:
                if (token == JsonTokenType.EndArray)
                {
                    if (_column != _n0)
                    {
                        Error = $"{RowName()} has {_column} values; the model takes {_n0}";
                        break;
                    }

                    _rows.EndRow();
                    _place = _batch ? Place.Batch : Place.Top;
                }
                else
                {
                    Number(ref json, token);
                }

                break;
            case Place.Batch:
                if (token == JsonTokenType.EndArray) _place = Place.Top;
                else if (Count >= _maxRows) Error = $"the batch has more than {_maxRows} rows; send at most {_maxRows} rows per batch";
                else if (token == JsonTokenType.StartArray) StartRow();
                else Error = token == JsonTokenType.Null ? $"row {Count} is null; each row is an array of {_n0} numbers" : $"row {Count} is a {Describe(token)}; each row is an array of {_n0} numbers";
                break;
            case Place.Named:
                if (token == JsonTokenType.EndObject)
                {
                    _place = Place.Top; // the row ends in Finish, once every name is known to be there
                }
                else
                {
                    try
                    {
                        _property = json.GetString()!;
                    }
                    catch (InvalidOperationException)
                    {
                        Error = $"the body is not {_shape} as JSON: a property name is not valid UTF-8";
                        break;
                    }

                    _namedIndex = _names.TryGetValue(_property, out int j) ? j : -1;
                    _place = Place.NamedValue;
                }

                break;
            case Place.NamedValue:
                if (_namedIndex < 0)
                {
                    SkipValue(ref json, token, Place.Named); // extra names are ignored (an id, a target)
                }
                else if (token != JsonTokenType.Number)
                {
                    Error = $"input '{_property}' is a {Describe(token)}, not a number";
                }
                else if (ToFloat(ref json) is not float value)
                {
                    Error = $"input '{_property}' {Beyond(ref json)}";
                }
                else
                {
                    _rows.Set(_namedIndex, value);
                    if (!_given![_namedIndex]) _seen++;
                    _given[_namedIndex] = true;
                    _place = Place.Named;
                }

                break;
            case Place.Skip:
                if (json.CurrentDepth == _skipDepth && token is JsonTokenType.EndArray or JsonTokenType.EndObject) _place = _afterSkip;
                break;
            case Place.Done:
                break; // only the reader's own checks of what follows the object
        }
    }

    // The value of a top-level property.
    private void Value(ref Utf8JsonReader json, JsonTokenType token)
    {
        if (_property == "input" && !_batch)
        {
            if (Count > 0 || _given is not null) Error = _given is not null ? "give either \"input\" (an array) or \"inputs\" (an object by input name), not both" : "\"input\" is given twice";
            else if (token == JsonTokenType.StartArray) StartRow();
            else Error = $"\"input\" is a {Describe(token)}; send {_shape} with {_n0} numbers";
        }
        else if (_property == "inputs" && _batch)
        {
            if (_sawBatch) Error = "\"inputs\" is given twice";
            else if (token == JsonTokenType.StartArray) (_place, _sawBatch) = (Place.Batch, true);
            else Error = $"\"inputs\" is a {Describe(token)}; send {_shape}, one array of input values per row";
        }
        else if (_property == "inputs")
        {
            if (Count > 0 || _given is not null)
            {
                Error = _given is not null ? "\"inputs\" is given twice" : "give either \"input\" (an array) or \"inputs\" (an object by input name), not both";
            }
            else if (_names.Count == 0)
            {
                Error = $"this model has no input names; send {{\"input\": [...]}} with {_n0} numbers";
            }
            else if (token == JsonTokenType.StartObject)
            {
                _given = new bool[_n0];
                _place = Place.Named;
            }
            else
            {
                Error = $"\"inputs\" is a {Describe(token)}; send {{\"inputs\": {{\"name\": value, ...}}}}";
            }
        }
        else
        {
            SkipValue(ref json, token, Place.Top);
        }
    }

    private void SkipValue(ref Utf8JsonReader json, JsonTokenType token, Place after)
    {
        if (token is JsonTokenType.StartArray or JsonTokenType.StartObject)
        {
            (_skipDepth, _afterSkip, _place) = (json.CurrentDepth, after, Place.Skip);
        }
        else
        {
            _place = after;
        }
    }

    private void StartRow()
    {
        _column = 0;
        _place = Place.Row;
    }

    private void Number(ref Utf8JsonReader json, JsonTokenType token)
    {
        if (_column >= _n0)
        {
            Error = $"{RowName()} has more than {_n0} values; the model takes {_n0}";
        }
        else if (token != JsonTokenType.Number)
        {
            Error = $"{RowName()}: value {_column} is a {Describe(token)}, not a number";
        }
        else if (ToFloat(ref json) is float value)
        {
            _rows.Set(_column++, value);
        }
        else
        {
            Error = $"{RowName()}: value {_column} {Beyond(ref json)}";
        }
    }

    // JSON has no NaN or infinity, but 1e39 is beyond float32: an error (null), not an infinity.
    private static float? ToFloat(ref Utf8JsonReader json) =>
        json.TryGetDouble(out double value) && Math.Abs(value) <= float.MaxValue ? (float)value : null;

    // What is wrong with a number ToFloat refused; made only then, so that a number read costs no string.
    private static string Beyond(ref Utf8JsonReader json) =>
        $"is {System.Text.Encoding.UTF8.GetString(json.HasValueSequence ? json.ValueSequence.ToArray() : json.ValueSpan.ToArray())}, beyond float32 (at most {float.MaxValue.ToString(CultureInfo.InvariantCulture)} in size)";

    private void Finish()
    {
        if (_given is not null)
        {
            if (_seen < _n0)
            {
                string missing = _names.First(n => !_given[n.Value]).Key;
                Error = $"inputs has no '{missing}'; the model takes {string.Join(", ", _names.OrderBy(n => n.Value).Select(n => $"'{n.Key}'"))}";
            }
            else
            {
                _rows.EndRow();
            }
        }
        else if (Count == 0 && !_batch)
        {
            Error = $"the body has no \"input\"; send {_shape} with {_n0} numbers";
        }
        else if (_batch && !_sawBatch)
        {
            Error = $"the body has no \"inputs\"; send {_shape}, one array of input values per row";
        }
    }

    private string RowName() => _batch ? $"row {Count}" : "input";

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.StartObject => "object",
        JsonTokenType.String => "string",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.Number => "number",
        _ => token.ToString(),
    };
}
