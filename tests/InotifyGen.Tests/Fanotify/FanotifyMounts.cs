using System.Diagnostics;

namespace InotifyGen.Tests.Fanotify;

/// <summary>
/// A tmpfs and a loop-mounted ext4 image of its own for the fanotify tests: a filesystem mark sees the whole file
/// system, so each test class gets file systems nobody else writes to. Unmounted and deleted afterwards.
/// </summary>
public sealed class FanotifyMounts : IDisposable
{
    private readonly string _base = Path.Combine(Path.GetTempPath(), "inotifygen-fan-" + Guid.NewGuid().ToString("N")[..8]);

    public FanotifyMounts()
    {
        Tmpfs = Path.Combine(_base, "tmpfs");
        Ext4 = Path.Combine(_base, "ext4");
        Directory.CreateDirectory(Tmpfs);
        Directory.CreateDirectory(Ext4);
        var image = Path.Combine(_base, "ext4.img");
        Run("mount", "-t", "tmpfs", "-o", "size=256m", "inotifygen-fan", Tmpfs);
        using (var f = File.Create(image))
            f.SetLength(64L << 20);
        Run("mkfs.ext4", "-q", "-F", "-N", "65536", image);
        Run("mount", "-o", "loop", image, Ext4);
    }

    public string Tmpfs { get; }

    public string Ext4 { get; }

    /// <summary>The mount for a theory's file system name.</summary>
    public string For(string fileSystem) => fileSystem == "ext4" ? Ext4 : Tmpfs;

    /// <summary>A fresh directory on <paramref name="fileSystem"/>.</summary>
    public string NewDirectory(string fileSystem) =>
        Directory.CreateDirectory(Path.Combine(For(fileSystem), Guid.NewGuid().ToString("N")[..8])).FullName;

    public void Dispose()
    {
        foreach (var mount in new[] { Tmpfs, Ext4 })
            Run("umount", mount);
        Directory.Delete(_base, recursive: true);
    }

    private static void Run(string program, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({p.ExitCode}): {error}");
    }
}
