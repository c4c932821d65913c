namespace Backprop.Simd.Kernels;

/// <summary>Argument checks done once at a kernel's entry, with messages that name the argument and the sizes.</summary>
internal static class Require
{
    public static void SameLength<T>(ReadOnlySpan<T> expected, string expectedName, ReadOnlySpan<T> actual, string actualName)
    {
        if (actual.Length != expected.Length)
        {
            throw new ArgumentException(
                $"Length of '{actualName}' is {actual.Length}, but it must equal the length of '{expectedName}', {expected.Length}.",
                actualName);
        }
    }

    /// <summary>The span holds a vector of the given shape, e.g. <c>"[m]"</c> with m = 30.</summary>
    public static void Length<T>(ReadOnlySpan<T> span, string name, string shape, int size)
    {
        if (span.Length != size)
        {
            throw new ArgumentException($"Length of '{name}' is {span.Length}, but the shape {shape} = [{size}] needs {size}.", name);
        }
    }

    /// <summary>The span holds at least <paramref name="size"/> elements (a buffer for the shape).</summary>
    public static void AtLeast<T>(ReadOnlySpan<T> span, string name, string shape, long size)
    {
        if (span.Length < size)
        {
            throw new ArgumentException($"Length of '{name}' is {span.Length}, but the shape {shape} needs at least {size}.", name);
        }
    }

    /// <summary>The span holds a row-major matrix of the given shape, e.g. <c>"[m, k]"</c>.</summary>
    public static void Length<T>(ReadOnlySpan<T> span, string name, string shape, int rows, int columns)
    {
        long expected = (long)rows * columns;
        if (span.Length != expected)
        {
            throw new ArgumentException(
                $"Length of '{name}' is {span.Length}, but the shape {shape} = [{rows}, {columns}] needs {expected}.", name);
        }
    }

    public static void NonNegative(int value, string name)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be zero or more.");
        }
    }

    public static void NotEmpty<T>(ReadOnlySpan<T> span, string name)
    {
        if (span.IsEmpty)
        {
            throw new ArgumentException($"'{name}' must not be empty.", name);
        }
    }

    /// <summary>A destination may be the very same memory as a source (in place), but not a shifted view of it.</summary>
    public static void NoPartialOverlap<T>(ReadOnlySpan<T> source, string sourceName, ReadOnlySpan<T> destination, string destinationName)
    {
        if (source.Overlaps(destination, out int offset) && offset != 0)
        {
            throw new ArgumentException(
                $"'{destinationName}' overlaps '{sourceName}' at an offset of {offset} elements; use the same span for in-place work or separate memory.",
                destinationName);
        }
    }

    /// <summary>
    /// <paramref name="span"/> is not (part of) the outputs a workspace returned from its last pass:
    /// the next pass overwrites those before it is done reading its inputs.
    /// </summary>
    public static void NotOwnOutput<T>(ReadOnlySpan<T> span, string name, ReadOnlySpan<T> outputs)
    {
        if (span.Overlaps(outputs))
        {
            throw new ArgumentException(
                $"'{name}' shares memory with the outputs this workspace returned; its next pass overwrites them while it still reads '{name}'. Copy them first.",
                name);
        }
    }
}
