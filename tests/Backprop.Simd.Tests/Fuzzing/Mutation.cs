using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;

namespace Backprop.Simd.Tests.Fuzzing;

/// <summary>One way of damaging a file: what to do, where, and with which bytes (all derived from a seed).</summary>
public sealed record Mutation(string Kind, int Position, int Length, int Seed)
{
    private static readonly int[] Extremes = [int.MinValue, -1, 0, 1, 1 << 20, (1 << 20) + 1, int.MaxValue, 0x7FFFFFF0];

    public byte[] Apply(byte[] original)
    {
        var random = new Random(Seed);
        int at = original.Length == 0 ? 0 : Position % original.Length;
        switch (Kind)
        {
            case "flip":
                byte[] flipped = (byte[])original.Clone();
                for (int i = 0; i < 1 + Length % 8 && flipped.Length > 0; i++) flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                return flipped;
            case "truncate":
                return original[..at];
            case "insert":
                byte[] run = new byte[1 + Length % 64];
                random.NextBytes(run);
                return [.. original[..at], .. run, .. original[at..]];
            case "delete":
                return [.. original[..at], .. original[Math.Min(original.Length, at + 1 + Length % 64)..]];
            case "extreme":
                byte[] copy = (byte[])original.Clone();
                int field = Math.Min(at & ~3, Math.Max(0, copy.Length - 4));
                if (copy.Length >= 4)
                {
                    int value = Extremes[Length % Extremes.Length];
                    if (Seed % 2 == 0) BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(field), value);
                    else BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(field), value);
                }

                return copy;
            default:
                byte[] noise = new byte[Length % 300];
                random.NextBytes(noise);
                return noise;
        }
    }
}

/// <summary>FsCheck generator of mutations; shrinks toward single, early, short damage.</summary>
public static class MutationArbitraries
{
    public static Arbitrary<Mutation> Mutation() =>
        Arb.From(
            from kind in Gen.Elements("flip", "truncate", "insert", "delete", "extreme", "noise")
            from position in Gen.Choose(0, 1 << 20)
            from length in Gen.Choose(0, 1000)
            from seed in Gen.Choose(0, int.MaxValue)
            select new Mutation(kind, position, length, seed),
            m => m.Position > 0 ? [m with { Position = m.Position / 2 }] : Array.Empty<Mutation>());
}
