namespace Backprop.Simd.Onnx.Wire;

/// <summary>
/// ModelProto, the top of an .onnx file: IR version, the operator sets the graph is written
/// against, who produced it, string metadata, and the graph. Field numbers are onnx.proto's.
/// </summary>
internal sealed class OnnxModelProto
{
    private const int IrVersionField = 1, ProducerNameField = 2, ProducerVersionField = 3, DocStringField = 6;
    private const int GraphField = 7, OpsetImportField = 8, MetadataPropsField = 14;
    private const int OpsetDomainField = 1, OpsetVersionField = 2;     // OperatorSetIdProto
    private const int EntryKeyField = 1, EntryValueField = 2;          // StringStringEntryProto

    public long IrVersion { get; set; }
    public string ProducerName { get; set; } = "";
    public string ProducerVersion { get; set; } = "";
    public string DocString { get; set; } = "";
    public OnnxGraph? Graph { get; set; }
    public List<(string Domain, long Version)> Opsets { get; } = [];
    public Dictionary<string, string> Metadata { get; } = [];

    public static OnnxModelProto Read(byte[] bytes)
    {
        var reader = new ProtoReader(bytes, "model");
        var model = new OnnxModelProto();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case IrVersionField: model.IrVersion = reader.Int64(); break;
                case ProducerNameField: model.ProducerName = reader.String(); break;
                case ProducerVersionField: model.ProducerVersion = reader.String(); break;
                case DocStringField: model.DocString = reader.String(); break;
                case GraphField: model.Graph = OnnxGraph.Read(reader.Message("graph")); break;
                case OpsetImportField: model.Opsets.Add(ReadOpset(reader.Message($"opset_import[{model.Opsets.Count}]"))); break;
                case MetadataPropsField:
                    (string key, string value) = ReadEntry(reader.Message($"metadata_props[{model.Metadata.Count}]"));
                    model.Metadata[key] = value;
                    break;
                default: reader.Skip(); break;
            }
        }

        return model;
    }

    /// <summary>The bytes of the .onnx file.</summary>
    public byte[] Serialize() => ProtoWriter.Serialize(writer =>
    {
        writer.Int64(IrVersionField, IrVersion);
        writer.String(ProducerNameField, ProducerName);
        writer.String(ProducerVersionField, ProducerVersion);
        writer.String(DocStringField, DocString);
        if (Graph is not null) writer.Message(GraphField, Graph.Write);
        foreach ((string domain, long version) in Opsets)
        {
            writer.Message(OpsetImportField, opset =>
            {
                opset.String(OpsetDomainField, domain);
                opset.Int64(OpsetVersionField, version);
            });
        }

        foreach ((string key, string value) in Metadata)
        {
            writer.Message(MetadataPropsField, entry =>
            {
                entry.String(EntryKeyField, key);
                entry.String(EntryValueField, value);
            });
        }
    });

    private static (string, long) ReadOpset(ProtoReader reader)
    {
        string domain = "";
        long version = 0;
        while (reader.Next())
        {
            if (reader.Field == OpsetDomainField) domain = reader.String();
            else if (reader.Field == OpsetVersionField) version = reader.Int64();
            else reader.Skip();
        }

        return (domain, version);
    }

    private static (string, string) ReadEntry(ProtoReader reader)
    {
        string key = "", value = "";
        while (reader.Next())
        {
            if (reader.Field == EntryKeyField) key = reader.String();
            else if (reader.Field == EntryValueField) value = reader.String();
            else reader.Skip();
        }

        return (key, value);
    }
}
