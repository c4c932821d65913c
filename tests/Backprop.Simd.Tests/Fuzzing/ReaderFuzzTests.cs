using Backprop.Simd.Onnx;
using Backprop.Simd.Tests.Data;
using FsCheck;
using FsCheck.Fluent;

namespace Backprop.Simd.Tests.Fuzzing;

/// <summary>
/// Damaged files (bit flips, truncations, inserted and deleted runs, header fields set to extremes,
/// pure noise) fed to the model loader, the ONNX importer and the IDX reader: the only exception that may come out is
/// InvalidDataException, and a read allocates at most 4 x the input plus 256 KiB, whatever the header claims.
/// 5,000 cases per reader here; docs/model-format.md records a longer run.
/// </summary>
public class ReaderFuzzTests
{
    private const int Cases = 5000;
    private static readonly byte[] Model = ModelFile.Serialize(new SavedModel(
        Network<float>.Create(new NetworkLayout([6, 5, 3], [Activation.Relu, Activation.Softmax]), Initialization.He, 2), CostFunction.LogLikelihood));
    private static readonly byte[] ModelWithSchema = ModelFile.Serialize(IO.FormatVersionTests.Version2Content());
    // With every part of a schema, so the Sub/Div/Mul/Add nodes and the metadata JSON are damaged too.
    private static readonly byte[] Onnx = OnnxModel.Serialize(ModelFile.Deserialize(Model, "model") with
    {
        Schema = new DataSchema
        {
            Task = LearningTask.Regression,
            InputNames = ["a", "b", "c", "d", "e", "f"],
            OutputNames = ["x", "y", "z"],
            Inputs = new Standardization([1, 2, 3, 4, 5, 6], [0.5f, 1, 2, 4, 8, 16]),
            Targets = new Standardization([10, 20, 30], [3, 4, 5]),
        },
    });
    private static readonly byte[] Images = IdxBuilder.Images(5, 4, 4);
    private static readonly byte[] Labels = IdxBuilder.Labels(1, 7, 3, 0, 9);

    private static void Survives(byte[] input, Action<byte[]> read)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            read(input);
        }
        catch (InvalidDataException)
        {
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= 4L * input.Length + (256 << 10), $"allocated {allocated} bytes for a {input.Length}-byte input");
    }

    [Fact]
    public void The_model_loader_only_reports_invalid_data() =>
        Check(mutation => Survives(mutation.Apply(Model), bytes => ModelFile.Deserialize(bytes, "fuzzed.bpsimd")));

    [Fact]
    public void The_model_loader_only_reports_invalid_data_in_the_schema_fields() =>
        Check(mutation => Survives(mutation.Apply(ModelWithSchema), bytes => ModelFile.Deserialize(bytes, "fuzzed-v2.bpsimd")));

    [Fact]
    public void The_onnx_importer_only_reports_invalid_data() =>
        Check(mutation => Survives(mutation.Apply(Onnx), bytes => OnnxModel.Deserialize(bytes, "fuzzed.onnx")));

    [Fact]
    public void The_idx_reader_only_reports_invalid_data() =>
        Check(mutation =>
        {
            Survives(mutation.Apply(Images), bytes => IdxFile.ReadImages(new MemoryStream(bytes), "fuzzed-images"));
            Survives(mutation.Apply(Labels), bytes => IdxFile.ReadLabels(new MemoryStream(bytes), "fuzzed-labels", 10));
            Survives(mutation.Apply(IdxBuilder.Gzip(Images)), bytes => IdxFile.ReadImages(new MemoryStream(bytes), "fuzzed-images.gz"));
            Survives(IdxBuilder.Gzip(mutation.Apply(Images)), bytes => IdxFile.ReadImages(new MemoryStream(bytes), "fuzzed-inner.gz"));
        });

    // FUZZ_CASES=1000000 dotnet test -c Release --filter FullyQualifiedName~ReaderFuzzTests runs the long campaign.
    private static void Check(Action<Mutation> body)
    {
        int cases = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_CASES"), out int n) && n > 0 ? n : Cases;
        Prop.ForAll(MutationArbitraries.Mutation(), body).Check(Config.QuickThrowOnFailure.WithMaxTest(cases).WithQuietOnSuccess(true));
    }

    [Fact]
    public void An_undamaged_file_still_reads()
    {
        Assert.Equal(3, ModelFile.Deserialize(Model, "model").Network.Layout.OutputSize);
        Assert.Equal(3, OnnxModel.Deserialize(Onnx, "model.onnx").Network.Layout.OutputSize);
        Assert.Equal(5, IdxFile.ReadImages(new MemoryStream(Images), "images").Count);
    }
}
