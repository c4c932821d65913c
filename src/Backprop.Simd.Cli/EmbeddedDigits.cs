using System.Reflection;

namespace Backprop.Simd.Cli;

/// <summary>The 10,000 real MNIST digits built into the tool (8,000 train, 2,000 test; see Data/mnist-10k/NOTICE.md).</summary>
internal static class EmbeddedDigits
{
    public const string Name = "embedded MNIST digits (8,000 train, 2,000 test)";

    public static DataSplit Load()
    {
        Dataset train = Read("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
        Dataset test = Read("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
        return new DataSplit(train, test, Name);
    }

    /// <summary>The training images' pixels as read from the embedded file (for checks against the dataset's inputs).</summary>
    internal static IdxImages TrainImages() => IdxFile.ReadImages(Open("train-images-idx3-ubyte.gz"), "embedded:train-images-idx3-ubyte.gz");

    private static Dataset Read(string images, string labels)
    {
        IdxImages pixels = IdxFile.ReadImages(Open(images), "embedded:" + images);
        byte[] classes = IdxFile.ReadLabels(Open(labels), "embedded:" + labels, 10);
        return Dataset.FromIdx(pixels, images, classes, labels);
    }

    private static Stream Open(string name) =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream("mnist-10k/" + name)
        ?? throw new InvalidOperationException($"The embedded resource mnist-10k/{name} is missing from this build.");
}
