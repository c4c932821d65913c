namespace Backprop.Simd;

/// <summary>
/// A folder with the four MNIST-named IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte,
/// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte), each raw or with a .gz suffix: MNIST itself,
/// Fashion-MNIST (Debian's dataset-fashion-mnist in /usr/share/datasets/fashion-mnist), and the like.
/// </summary>
public static class MnistFolder
{
    /// <summary>The four base names, training images and labels, then test images and labels.</summary>
    public static readonly string[] FileNames =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>Loads the training and test sets of a folder.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file is missing; the message lists what was looked for.</exception>
    /// <exception cref="InvalidDataException">A file is malformed; the message names it and the byte offset.</exception>
    /// <param name="directory">The folder.</param>
    /// <param name="classCount">Labels must be below this.</param>
    /// <param name="inputSize">The pixels per image the network takes (checked before decompressing), or null for any.</param>
    public static DataSplit Load(string directory, int classCount = 10, int? inputSize = null)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: no such folder.");
        }

        string[] paths = FileNames.Select(name => Find(directory, name)).ToArray();
        Dataset train = Dataset.FromIdx(paths[0], paths[1], classCount, inputSize);
        Dataset test = Dataset.FromIdx(paths[2], paths[3], classCount, inputSize);
        if (train.InputSize != test.InputSize)
        {
            throw new InvalidDataException($"{paths[0]} has inputs of {train.InputSize} values but {paths[2]} has {test.InputSize}.");
        }

        return new DataSplit(train, test, Path.GetFullPath(directory));
    }

    private static string Find(string directory, string name)
    {
        foreach (string candidate in new[] { name, name + ".gz" })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path)) return path;
        }

        throw new FileNotFoundException($"{directory}: neither {name} nor {name}.gz is there (an MNIST folder has {string.Join(", ", FileNames)}).");
    }
}
