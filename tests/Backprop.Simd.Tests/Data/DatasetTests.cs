using Backprop.Simd.Cli;

namespace Backprop.Simd.Tests.Data;

public class DatasetTests
{
    /// <summary>Every input of a dataset, [Count, InputSize].</summary>
    internal static float[] AllInputs(Dataset data)
    {
        var all = new float[data.Count * data.InputSize];
        data.CopyInputs(0, data.Count, all);
        return all;
    }

    [Fact]
    public void Inputs_gathered_from_the_pixels_are_the_bits_of_the_float_inputs()
    {
        Dataset digits = EmbeddedDigits.Load().Train;
        Assert.True(digits.KeepsPixels);
        var row = new float[digits.InputSize + 3];
        var expected = new float[digits.InputSize];
        byte[] pixels = EmbeddedDigits.TrainImages().Pixels;
        for (int i = 0; i < digits.Count; i += 7)
        {
            digits.CopyInput(i, row);
            for (int j = 0; j < expected.Length; j++) expected[j] = pixels[i * 784 + j] / 255f; // one at a time, as IEEE division
            Assert.Equal(expected, row[..digits.InputSize]);
        }

        for (int pixel = 0; pixel < 256; pixel++) Assert.Equal(pixel / 255f, Pixel(pixel)); // every byte value once
    }

    [Fact]
    public void Inputs_given_as_floats_are_copied_as_they_are()
    {
        var data = Dataset.FromArrays([0.1f, 0.2f, 0.3f, 0.4f], 2, [0, 1], 2);
        var row = new float[2];
        data.CopyInput(1, row);
        Assert.Equal([0.3f, 0.4f], row);
    }

    private static float Pixel(int value)
    {
        var images = new IdxImages([(byte)value], 1, 1, 1);
        Dataset one = Dataset.FromIdx(images, "images", [0], "labels", 1);
        var row = new float[1];
        one.CopyInput(0, row);
        return row[0];
    }
}
