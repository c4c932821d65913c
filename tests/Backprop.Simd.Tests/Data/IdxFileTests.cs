namespace Backprop.Simd.Tests.Data;

public sealed class IdxFileTests() : TemporaryFolder("idx-tests-")
{
    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string ErrorOf(Action read) => Assert.Throws<InvalidDataException>(read).Message;

    [Fact]
    public void Raw_and_gzip_files_are_told_apart_by_content_not_name()
    {
        byte[] raw = IdxBuilder.Images(3, 2, 2);
        string rawNamedGz = Write("raw.gz", raw);
        string gzNamedRaw = Write("packed-idx3-ubyte", IdxBuilder.Gzip(raw));
        IdxImages a = IdxFile.ReadImages(rawNamedGz), b = IdxFile.ReadImages(gzNamedRaw);
        Assert.Equal((3, 2, 2), (a.Count, a.Rows, a.Columns));
        Assert.Equal(raw[16..], a.Pixels);
        Assert.Equal(a.Pixels, b.Pixels);
    }

    [Fact]
    public void Pixels_are_scaled_to_the_unit_interval()
    {
        string images = Write("i", IdxBuilder.Images(2, 1, 2));
        string labels = Write("l", IdxBuilder.Labels(3, 9));
        Dataset data = Dataset.FromIdx(images, labels);
        Assert.Equal(2, data.Count);
        Assert.Equal(2, data.InputSize);
        Assert.Equal([0f, 7 / 255f, 14 / 255f, 21 / 255f], DatasetTests.AllInputs(data));
        Assert.Equal(9, data.Label(1));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Each_defect_is_named_with_the_file_and_the_offset(bool gzip)
    {
        byte[] Maybe(byte[] raw) => gzip ? IdxBuilder.Gzip(raw) : raw;

        string wrongMagic = Write("magic", Maybe(IdxBuilder.Labels(1, 2)));
        Assert.Contains("magic: offset 0: magic 0x00000801 is not an IDX image file", ErrorOf(() => IdxFile.ReadImages(wrongMagic)));

        string flat = Write("flat", Maybe(IdxBuilder.Images(2, 0, 28)));
        Assert.Contains("flat: offset 8: images of 0 x 28 pixels", ErrorOf(() => IdxFile.ReadImages(flat)));

        string truncated = Write("truncated", Maybe(IdxBuilder.Images(10, 28, 28, payloadBytes: 5000)));
        string message = ErrorOf(() => IdxFile.ReadImages(truncated));
        Assert.Contains("truncated: offset 5016", message);
        Assert.Contains("10 images of 28 x 28", message);

        string trailing = Write("trailing", Maybe(IdxBuilder.Images(1, 2, 2, payloadBytes: 6)));
        Assert.Contains("trailing: offset 20", ErrorOf(() => IdxFile.ReadImages(trailing)));
        Assert.Contains("trailing garbage", ErrorOf(() => IdxFile.ReadImages(trailing)));

        string badLabel = Write("labels", Maybe(IdxBuilder.Labels(1, 2, 12, 3)));
        Assert.Contains("labels: offset 10: label 12 of sample 2 is out of range 0..9", ErrorOf(() => IdxFile.ReadLabels(badLabel, 10)));

        string shortHeader = Write("header", Maybe(IdxBuilder.Images(1, 2, 2)[..9]));
        Assert.Contains("header: offset 9: the file ends inside the IDX header", ErrorOf(() => IdxFile.ReadImages(shortHeader)));
    }

    [Fact]
    public void An_absurd_header_is_refused_before_anything_is_allocated_for_it()
    {
        // Claims 2^31 - 1 images of 28 x 28 (1.6 TB) in a 116-byte file.
        string path = Write("absurd", IdxBuilder.Images(int.MaxValue, 28, 28, payloadBytes: 100));
        long before = GC.GetAllocatedBytesForCurrentThread();
        string message = ErrorOf(() => IdxFile.ReadImages(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the claim must not be allocated");
        Assert.Contains("absurd: offset 4", message);

        string gz = Write("absurd.gz", IdxBuilder.Gzip(IdxBuilder.Images(1_000_000, 28, 28, payloadBytes: 100)));
        before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("bytes of gzip data decompress to at most", ErrorOf(() => IdxFile.ReadImages(gz)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "a claim beyond deflate's ratio must not be allocated");

        string shortGz = Write("short.gz", IdxBuilder.Gzip(IdxBuilder.Images(10, 28, 28, payloadBytes: 100)));
        Assert.Contains("but the data ends after 100", ErrorOf(() => IdxFile.ReadImages(shortGz)));
    }

    // A gzip bomb: a small file of zeros whose header claims images of another size than the network's
    // 784 inputs (here 40 of 1000 x 800, 32 MB, in about 300 KB) is refused from its header alone.
    [Fact]
    public void A_gzip_bomb_of_the_wrong_image_size_is_refused_before_it_is_decompressed()
    {
        byte[] header = IdxBuilder.Images(40, 1000, 800, payloadBytes: 0);
        byte[] bomb = IdxBuilder.Gzip([.. header, .. new byte[40 * 1000 * 800]]);
        Assert.True(bomb.Length < 1 << 20, $"the bomb is {bomb.Length} bytes");
        string path = Write("train-images-idx3-ubyte.gz", bomb);
        long before = GC.GetAllocatedBytesForCurrentThread();
        string message = ErrorOf(() => IdxFile.ReadImages(path, expectedCount: 40, pixelsPerImage: 784));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the pixels must not be decompressed");
        Assert.Contains("offset 8: the header claims images of 1000 x 800 = 800000 pixels, but the network takes 784 inputs", message);
    }

    [Fact]
    public void A_gzip_bomb_claiming_more_images_than_labels_is_refused_before_it_is_decompressed()
    {
        byte[] header = IdxBuilder.Images(50_000, 28, 28, payloadBytes: 0);
        string images = Write("images.gz", IdxBuilder.Gzip([.. header, .. new byte[50_000 * 784]]));
        string labels = Write("labels", IdxBuilder.Labels(1, 2, 3));
        long before = GC.GetAllocatedBytesForCurrentThread();
        string message = ErrorOf(() => Dataset.FromIdx(images, labels, 10, inputSize: 784));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the pixels must not be decompressed");
        Assert.Contains("images.gz: offset 4: the header claims 50000 images, but the label file holds 3 labels", message);
        Assert.Contains(labels, message);
    }

    [Fact]
    public void A_gzip_stream_holding_more_than_its_claim_is_refused()
    {
        string path = Write("long.gz", IdxBuilder.Gzip(IdxBuilder.Images(2, 2, 2, payloadBytes: 9)));
        Assert.Contains("long.gz: offset 24 (decompressed): trailing garbage after 2 images of 2 x 2", ErrorOf(() => IdxFile.ReadImages(path)));
    }

    [Fact]
    public void Corrupt_gzip_data_is_reported_with_the_file()
    {
        byte[] packed = IdxBuilder.Gzip(IdxBuilder.Images(50, 28, 28));
        for (int i = 20; i < packed.Length - 10; i += 3) packed[i] ^= 0x5A;
        string path = Write("corrupt.gz", packed);
        Assert.Contains("corrupt.gz", ErrorOf(() => IdxFile.ReadImages(path)));
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        string images = Write("images", IdxBuilder.Images(3, 2, 2));
        string labels = Write("labels", IdxBuilder.Labels(1, 2));
        string message = ErrorOf(() => Dataset.FromIdx(images, labels));
        Assert.Contains("claims 3 images", message);
        Assert.Contains("holds 2 labels", message);
    }

    [Fact]
    public void A_folder_missing_a_file_says_what_it_looked_for()
    {
        File.WriteAllBytes(Path.Combine(Folder, "train-images-idx3-ubyte"), IdxBuilder.Images(1, 2, 2));
        var ex = Assert.Throws<FileNotFoundException>(() => MnistFolder.Load(Folder));
        Assert.Contains("train-labels-idx1-ubyte.gz", ex.Message);
        Assert.Throws<DirectoryNotFoundException>(() => MnistFolder.Load(Path.Combine(Folder, "nope")));
    }

    [Fact]
    public void The_embedded_digits_are_8000_train_and_2000_test_real_digits()
    {
        DataSplit split = Backprop.Simd.Cli.EmbeddedDigits.Load();
        Assert.Equal((8000, 2000), (split.Train.Count, split.Test.Count));
        Assert.Equal(784, split.Train.InputSize);
        Assert.InRange(DatasetTests.AllInputs(split.Train).Average(), 0.1, 0.15); // MNIST's mean pixel is about 0.13
        int[] perClass = new int[10];
        foreach (int label in split.Train.Labels) perClass[label]++;
        Assert.All(perClass, n => Assert.InRange(n, 600, 1000));
    }
}
