using Backprop.Simd.Cli;
using Backprop.Simd.Data;

namespace Backprop.Simd.Tests.Data;

public class DatasetTests
{
    [Fact]
    public void Inputs_gathered_from_the_pixels_are_the_bits_of_the_float_inputs()
    {
        Dataset digits = EmbeddedDigits.Load().Train;
        var row = new float[digits.InputSize + 3];
        for (int i = 0; i < digits.Count; i += 7)
        {
            digits.CopyInput(i, row);
            Assert.Equal(digits.Input(i).ToArray(), row[..digits.InputSize]);
        }

        for (int pixel = 0; pixel < 256; pixel++) Assert.Equal(pixel / 255f, Pixel(pixel)); // every byte value once
    }

    [Fact]
    public void Inputs_given_as_floats_are_copied_as_they_are()
    {
        var data = new Dataset([0.1f, 0.2f, 0.3f, 0.4f], [0, 1], 2, 2);
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
