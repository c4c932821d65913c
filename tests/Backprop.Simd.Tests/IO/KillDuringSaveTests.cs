using System.Diagnostics;
using Backprop.Simd.Tests.Data;

namespace Backprop.Simd.Tests.IO;

/// <summary>
/// A `backprop train` process that saves its model after every epoch (a few milliseconds apart on
/// a 200-sample data set) is killed with SIGKILL at random moments: every time, the model file on
/// disk must load and be a complete model, never a torn write.
/// </summary>
public sealed class KillDuringSaveTests() : TemporaryFolder("kill-tests-")
{
    [Fact]
    public async Task A_process_killed_while_saving_leaves_a_loadable_model()
    {
        string data = Path.Combine(Folder, "data");
        Directory.CreateDirectory(data);
        byte[] labels = Enumerable.Range(0, 200).Select(i => (byte)(i % 10)).ToArray();
        File.WriteAllBytes(Path.Combine(data, MnistFolder.FileNames[0]), IdxBuilder.Images(200, 28, 28));
        File.WriteAllBytes(Path.Combine(data, MnistFolder.FileNames[1]), IdxBuilder.Labels(labels));
        File.WriteAllBytes(Path.Combine(data, MnistFolder.FileNames[2]), IdxBuilder.Images(200, 28, 28));
        File.WriteAllBytes(Path.Combine(data, MnistFolder.FileNames[3]), IdxBuilder.Labels(labels));
        string model = Path.Combine(Folder, "model.bpsimd");
        string tool = Path.Combine(AppContext.BaseDirectory, "backprop.dll");
        var random = new Random(7);
        int kills = 0;
        for (int round = 0; round < 6; round++)
        {
            var start = new ProcessStartInfo("dotnet", ["exec", tool, "train", "--data", data, "--layers", "784,100,10", "--epochs", "1000000", "--batch", "100", "--json", "--out", model])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using Process process = Process.Start(start)!;
            // Wait for the first epoch line, then let it save a random number of times more.
            string? line = process.StandardOutput.ReadLine();
            if (line is null || !line.StartsWith("{\"epoch\":", StringComparison.Ordinal))
            {
                Assert.Fail($"backprop train did not start: {line} {process.StandardError.ReadToEnd()}");
            }

            // Keep reading so the child never blocks on a full pipe; kill it while it saves.
            var drain = process.StandardOutput.ReadToEndAsync();
            await Task.Delay(random.Next(5, 120));
            process.Kill();
            await process.WaitForExitAsync();
            await drain;
            kills++;

            SavedModel saved = ModelFile.Load(model); // throws if the file were torn
            Assert.Equal(784, saved.Network.Layout.InputSize);
        }

        Assert.Equal(6, kills);
    }
}
