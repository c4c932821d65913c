namespace Backprop.Simd.Onnx.Wire;

/// <summary>TensorProto.DataType: the element types of ONNX tensors (the values of onnx.proto).</summary>
internal static class OnnxDataType
{
    public const int Float = 1;
    public const int Int64 = 7;

    private static readonly string[] Names =
    [
        "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING", "BOOL",
        "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16",
    ];

    /// <summary>"DOUBLE (11)": the schema's name and the number, for error messages.</summary>
    public static string Describe(int type) => (uint)type < (uint)Names.Length ? $"{Names[type]} ({type})" : $"type {type}";
}
