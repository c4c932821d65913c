using System.Buffers.Binary;
using System.Text;

namespace Backprop.Simd;

/// <summary>
/// A training checkpoint: the model (in the model file format) plus the trainer's state and a
/// caller's metadata string, all little-endian, checked by CRC-32:
/// <code>
/// "BPSIMDCK", version (int32 = 1), model length (int32), model file bytes,
/// epochs, batch (int32), eta, lambda, momentum (float64), seed (uint64), threads, patience (-1: none) (int32),
/// epoch, next batch (int32), partial cost (float64), generator s0..s3 (uint64), spare (float64), has spare (byte),
/// order length, order (int32 each), velocity length, velocity (float32 each),
/// [version 3:] optimizer, schedule (byte), beta1, beta2, Adam epsilon, weight decay, gamma, eta_min, clip norm (NaN: none) (float64),
/// step size, cosine steps, warm-up steps (int32), optimizer steps (int64), second moment length, second moment (float32 each),
/// best epoch (int32), best accuracy, best cost (float64), epochs since best (int32), best parameters length, best parameters (float32 each) [version 2],
/// [version 4:] cost growth limit, parameter limit (NaN: automatic) (float64; infinity: the check is off),
/// metadata length, metadata (UTF-8), CRC-32
/// </code>
/// Saved atomically like a model file; loading checks every length against the file's.
/// </summary>
public static class CheckpointFile
{
    private static ReadOnlySpan<byte> Magic => "BPSIMDCK"u8;

    /// <summary>
    /// The version written. Versions 1 (without the model selection fields) and 3 (without the divergence
    /// limits, which a resumed run then takes at their defaults) are read too.
    /// </summary>
    public const int Version = 4;

    /// <summary>Saves a checkpoint atomically.</summary>
    public static void Save(string path, SavedModel model, TrainingCheckpoint state, string metadata)
    {
        ArgumentNullException.ThrowIfNull(state);
        byte[] modelBytes = ModelFile.Serialize(model);
        byte[] text = Encoding.UTF8.GetBytes(metadata ?? "");
        var output = new MemoryStream();
        var w = new BinaryWriter(output); // BinaryWriter writes little-endian
        w.Write(Magic);
        w.Write(Version);
        w.Write(modelBytes.Length);
        w.Write(modelBytes);
        TrainingOptions o = state.Options;
        w.Write(o.Epochs); w.Write(o.BatchSize); w.Write(o.Eta); w.Write(o.Lambda); w.Write(o.Momentum);
        w.Write(o.Seed); w.Write(o.Threads); w.Write(o.EarlyStoppingPatience ?? -1);
        w.Write(state.Epoch); w.Write(state.NextBatch); w.Write(state.PartialCost);
        w.Write(state.Random.S0); w.Write(state.Random.S1); w.Write(state.Random.S2); w.Write(state.Random.S3);
        w.Write(state.Random.Spare); w.Write(state.Random.HasSpare);
        w.Write(state.Order.Length);
        foreach (int i in state.Order) w.Write(i);
        w.Write(state.Velocity.Length);
        foreach (float v in state.Velocity) w.Write(v);
        w.Write((byte)o.Optimizer); w.Write((byte)o.Schedule);
        w.Write(o.Beta1); w.Write(o.Beta2); w.Write(o.AdamEpsilon); w.Write(o.WeightDecay); w.Write(o.Gamma); w.Write(o.MinEta); w.Write(o.ClipNorm ?? double.NaN);
        w.Write(o.StepSize); w.Write(o.CosineSteps); w.Write(o.WarmupSteps);
        w.Write(state.OptimizerSteps);
        w.Write(state.SecondMoment.Length);
        foreach (float m in state.SecondMoment) w.Write(m);
        w.Write(state.BestEpoch); w.Write(state.BestAccuracy); w.Write(state.BestCost); w.Write(state.EpochsSinceBest);
        w.Write(state.BestParameters.Length);
        foreach (float p in state.BestParameters) w.Write(p);
        w.Write(o.CostGrowthLimit); w.Write(o.ParameterLimit ?? double.NaN);
        w.Write(text.Length);
        w.Write(text);
        w.Flush();
        w.Write(Crc32.Compute(output.GetBuffer().AsSpan(0, (int)output.Length)));
        w.Flush();
        byte[] bytes = output.ToArray();
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Loads and checks a checkpoint.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid checkpoint; the message names the file and the offset.</exception>
    public static (SavedModel Model, TrainingCheckpoint State, string Metadata) Load(string path)
    {
        return Deserialize(RegularFile.ReadAllBytes(path, Array.MaxLength, "checkpoint file"), path);
    }

    /// <summary>Reads and checks a checkpoint from its bytes; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid checkpoint; the message names <paramref name="name"/> and the offset or field.</exception>
    public static (SavedModel Model, TrainingCheckpoint State, string Metadata) Deserialize(byte[] bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        string path = name;
        InvalidDataException Error(long offset, string what) => new($"{path}: offset {offset}: {what}.");
        if (bytes.Length < 16 || !bytes.AsSpan(0, 8).SequenceEqual(Magic)) throw Error(0, "not a Backprop.Simd checkpoint (the magic \"BPSIMDCK\" is missing)");
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4));
        if (stored != Crc32.Compute(bytes.AsSpan(0, bytes.Length - 4))) throw Error(bytes.Length - 4, "checksum mismatch: the file is corrupt");

        var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 4));
        try
        {
            reader.ReadBytes(8);
            int version = reader.ReadInt32();
            if (version is not (1 or 3 or Version)) throw Error(8, $"checkpoint version {version} is not supported (1, 3 and {Version} are)");
            int modelLength = Count(reader, path, bytes.Length, 1, "model length");
            SavedModel model = ModelFile.Deserialize(reader.ReadBytes(modelLength), path + " (embedded model)");
            var options = new TrainingOptions
            {
                Epochs = reader.ReadInt32(), BatchSize = reader.ReadInt32(), Eta = reader.ReadDouble(), Lambda = reader.ReadDouble(),
                Momentum = reader.ReadDouble(), Seed = reader.ReadUInt64(), Threads = reader.ReadInt32(),
                EarlyStoppingPatience = reader.ReadInt32() is int p && p >= 0 ? p : null, Cost = model.Cost,
            };
            options.Validate();
            int epoch = reader.ReadInt32(), nextBatch = reader.ReadInt32();
            double partial = reader.ReadDouble();
            var random = (reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadDouble(), reader.ReadBoolean());
            var order = new int[Count(reader, path, bytes.Length, 4, "order length")];
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = reader.ReadInt32();
                if ((uint)order[i] >= (uint)order.Length) throw Error(reader.BaseStream.Position - 4, $"sample index {order[i]} is outside 0..{order.Length - 1}");
            }

            var velocity = new float[Count(reader, path, bytes.Length, 4, "velocity length")];
            for (int i = 0; i < velocity.Length; i++) velocity[i] = reader.ReadSingle();
            (int bestEpoch, double bestAccuracy, double bestCost, int sinceBest, float[] best) = (0, double.NegativeInfinity, double.PositiveInfinity, 0, []);
            long steps = 0;
            float[] second = [];
            if (version >= 3)
            {
                Optimizer optimizer = (Optimizer)reader.ReadByte();
                Schedule schedule = (Schedule)reader.ReadByte();
                (double b1, double b2, double eps, double wd, double gamma, double minEta, double clip) =
                    (reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble());
                (int stepSize, int cosine, int warmup) = (reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
                options = options with
                {
                    Optimizer = optimizer,
                    Schedule = schedule,
                    Beta1 = b1,
                    Beta2 = b2,
                    AdamEpsilon = eps,
                    WeightDecay = wd,
                    Gamma = gamma,
                    MinEta = minEta,
                    ClipNorm = double.IsNaN(clip) ? null : clip,
                    StepSize = stepSize,
                    CosineSteps = cosine,
                    WarmupSteps = warmup,
                };
                options.Validate();
                steps = reader.ReadInt64();
                if (steps < 0) throw Error(reader.BaseStream.Position - 8, $"{steps} optimizer steps is not a count");
                second = new float[Count(reader, path, bytes.Length, 4, "second moment length")];
                for (int i = 0; i < second.Length; i++) second[i] = reader.ReadSingle();
            }

            if (version >= 2)
            {
                (bestEpoch, bestAccuracy, bestCost, sinceBest) = (reader.ReadInt32(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadInt32());
                best = new float[Count(reader, path, bytes.Length, 4, "best parameters length")];
                for (int i = 0; i < best.Length; i++) best[i] = reader.ReadSingle();
                if (best.Length is not 0 && best.Length != model.Network.Layout.ParameterCount) throw Error(reader.BaseStream.Position, $"{best.Length} best parameters do not fit {model.Network.Layout}");
                if (bestEpoch < 0 || sinceBest < 0) throw Error(reader.BaseStream.Position, $"best epoch {bestEpoch}, {sinceBest} epochs since, is not a model selection state");
            }

            if (version >= 4)
            {
                (double growth, double limit) = (reader.ReadDouble(), reader.ReadDouble());
                options = options with { CostGrowthLimit = growth, ParameterLimit = double.IsNaN(limit) ? null : limit };
                options.Validate(); // a limit below 1 or not positive is refused, naming it
            }
            string metadata = Encoding.UTF8.GetString(reader.ReadBytes(Count(reader, path, bytes.Length, 1, "metadata length")));
            if (reader.BaseStream.Position != bytes.Length - 4) throw Error(reader.BaseStream.Position, "trailing bytes before the checksum");
            var state = new TrainingCheckpoint(options, epoch, nextBatch, partial, order, velocity, random)
            {
                BestEpoch = bestEpoch, BestAccuracy = bestAccuracy, BestCost = bestCost, EpochsSinceBest = sinceBest, BestParameters = best,
                SecondMoment = second, OptimizerSteps = steps,
            };
            int parameters = model.Network.Layout.ParameterCount;
            if (velocity.Length is not 0 && velocity.Length != parameters || second.Length is not 0 && second.Length != parameters)
            {
                throw new InvalidDataException($"{name}: optimizer moments of {velocity.Length} and {second.Length} values do not fit {model.Network.Layout} ({parameters} parameters).");
            }

            if (state.Inconsistency() is string problem) throw new InvalidDataException($"{name}: the checksum holds but {problem}.");
            return (model, state, metadata);
        }
        catch (EndOfStreamException)
        {
            throw Error(reader.BaseStream.Position, "the file is truncated");
        }
        catch (ArgumentException e)
        {
            throw Error(reader.BaseStream.Position, e.Message.Split(" (Parameter")[0]);
        }
    }

    // A length field, checked against what is left of the file before anything that size is allocated.
    private static int Count(BinaryReader reader, string path, long fileLength, int elementSize, string what)
    {
        long at = reader.BaseStream.Position;
        int count = reader.ReadInt32();
        if (count < 0 || (long)count * elementSize > fileLength - at)
        {
            throw new InvalidDataException($"{path}: offset {at}: the {what} {count} does not fit in the file.");
        }

        return count;
    }
}
