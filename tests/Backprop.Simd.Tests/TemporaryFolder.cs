namespace Backprop.Simd.Tests;

/// <summary>A fresh folder per test, deleted afterwards (xunit makes one test class instance per test).</summary>
public abstract class TemporaryFolder : IDisposable
{
    protected TemporaryFolder(string prefix) => Folder = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The folder's full path.</summary>
    protected string Folder { get; }

    /// <summary>A path inside the folder.</summary>
    protected string PathOf(string name) => Path.Combine(Folder, name);

    public void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
