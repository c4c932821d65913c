using System.Text.Json;

namespace Backprop.Simd.Cli;

/// <summary>
/// <c>model.json</c>, written by <c>backprop export</c> beside the .npy files: everything another
/// framework needs to rebuild the network and feed it as we do (layer sizes, one activation per layer,
/// the cost, the task, the names and the standardisations), and read back by <c>backprop gradcheck
/// --description</c>. docs/interop.md lists the fields.
/// </summary>
internal sealed record ModelDescription(NetworkLayout Layout, CostFunction Cost, ParameterNames Names)
{
    public const string FileName = "model.json";

    /// <summary>Writes the description of <paramref name="model"/> into <paramref name="folder"/> and returns its path.</summary>
    public static string Write(SavedModel model, ParameterNames names, string folder)
    {
        NetworkLayout layout = model.Network.Layout;
        DataSchema schema = model.Schema;
        var description = new
        {
            format = names.Scheme,
            layers = layout.Sizes.ToArray(),
            activations = layout.ActivationFunctions.ToArray().Select(Name).ToArray(),
            output_activation = Name(layout.OutputActivation),
            cost = CommonOptions.Name(model.Cost),
            task = schema.Task == LearningTask.Regression ? "regression" : "classification",
            input_names = schema.InputNames,
            output_names = schema.OutputNames,
            input_standardization = Scaling(schema.Inputs),
            target_standardization = Scaling(schema.Targets),
            parameters = Enumerable.Range(0, layout.LayerCount).Select(l => new
            {
                weight = names.Of(l).Weights + ".npy",
                bias = names.Of(l).Biases + ".npy",
                shape = new[] { layout.OutputsOf(l), layout.InputsOf(l) },
            }),
        };
        string path = Path.Combine(folder, FileName);
        string json = JsonSerializer.Serialize(description, new JsonSerializerOptions { WriteIndented = true });
        AtomicFile.Write(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(json + "\n")));
        return path;
    }

    /// <summary>Reads a description written by <see cref="Write"/>; a bad file is a usage error naming the file and the field.</summary>
    public static ModelDescription Read(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new UsageException($"--description: '{path}' is not JSON ({e.Message}).");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new UsageException($"--description: '{path}' holds no JSON object.");
            int[] sizes = Field(root, "layers", path, JsonValueKind.Array).EnumerateArray()
                .Select((e, i) => e.TryGetInt32(out int n) && n > 0 ? n : throw new UsageException($"--description: '{path}' field 'layers' item {i} is not a positive integer."))
                .ToArray();
            Activation[] activations = Field(root, "activations", path, JsonValueKind.Array).EnumerateArray()
                .Select((e, i) => CommonOptions.ParseActivation(e.GetString() ?? "", $"--description: '{path}' field 'activations' item {i}"))
                .ToArray();
            if (sizes.Length < 2 || activations.Length != sizes.Length - 1)
            {
                throw new UsageException($"--description: '{path}' has {sizes.Length} layer sizes and {activations.Length} activations; it needs at least 2 sizes and one activation fewer.");
            }

            CostFunction cost = CommonOptions.ParseCost(Field(root, "cost", path, JsonValueKind.String).GetString()!);
            ParameterNames names = root.TryGetProperty("format", out JsonElement format) && format.ValueKind == JsonValueKind.String
                ? ParameterNames.Parse(format.GetString()!)
                : ParameterNames.Npy;
            NetworkLayout layout;
            try
            {
                layout = new NetworkLayout(sizes, activations);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--description: '{path}': {e.Message.Split(" (Parameter")[0]}");
            }

            return new ModelDescription(layout, cost, names);
        }
    }

    /// <summary>The activation as the CLI and the JSON spell it.</summary>
    public static string Name(Activation activation) => activation.ToString().ToLowerInvariant();

    private static object? Scaling(Standardization? scaling) =>
        scaling is null ? null : new { mean = scaling.Mean.ToArray(), scale = scaling.Scale.ToArray() };

    private static JsonElement Field(JsonElement root, string name, string path, JsonValueKind kind) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == kind
            ? value
            : throw new UsageException($"--description: '{path}' has no field '{name}' of type {kind.ToString().ToLowerInvariant()}.");
}
