namespace InotifyGen.Tests.Support;

/// <summary>A fresh directory for one test, deleted afterwards. Under /dev/shm (tmpfs) when <paramref name="tmpfs"/>.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(bool tmpfs = false)
    {
        var root = tmpfs && Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
        Path = System.IO.Path.Combine(root, "inotifygen-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public string CreateDirectory(string relative) => Directory.CreateDirectory(this[relative]).FullName;

    public string WriteFile(string relative, string text = "x")
    {
        File.WriteAllText(this[relative], text);
        return this[relative];
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (DirectoryNotFoundException) { }
        catch (IOException)
        {
            // .NET cannot name entries whose names are not UTF-8; rm can.
            using var rm = System.Diagnostics.Process.Start("rm", ["-rf", Path]);
            rm.WaitForExit();
        }
    }
}
