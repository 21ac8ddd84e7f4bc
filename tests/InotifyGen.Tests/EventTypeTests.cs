using System.Runtime.InteropServices;
using System.Text;
using InotifyGen.Tests.Support;

namespace InotifyGen.Tests;

/// <summary>Every event of ALL_EVENTS is raised by the real kernel and named as pyinotify names it.</summary>
public partial class EventTypeTests
{
    private static OwnedInotifyEvent Expect(EventRecorder rec, EventMask mask, string name) =>
        rec.WaitFor(e => e.Mask == mask && e.Name == name);

    [Fact]
    public void FileOperations_RaiseEveryDirectoryEvent_WithPyinotifyNames()
    {
        using var dir = new TempDir();
        using var rec = new EventRecorder();
        rec.WatchManager.AddWatch(dir.Path, EventMask.AllEvents, quiet: false);

        File.WriteAllText(dir["f"], "data");                                   // CREATE, OPEN, MODIFY, CLOSE_WRITE
        _ = File.ReadAllBytes(dir["f"]);                                       // OPEN, ACCESS, CLOSE_NOWRITE
        File.SetUnixFileMode(dir["f"], UnixFileMode.UserRead | UnixFileMode.UserWrite); // ATTRIB
        File.Move(dir["f"], dir["g"]);                                         // MOVED_FROM, MOVED_TO
        File.Delete(dir["g"]);                                                 // DELETE

        var expected = new (EventMask Mask, string Name, string MaskName)[]
        {
            (EventMask.Create, "f", "IN_CREATE"),
            (EventMask.Open, "f", "IN_OPEN"),
            (EventMask.Modify, "f", "IN_MODIFY"),
            (EventMask.CloseWrite, "f", "IN_CLOSE_WRITE"),
            (EventMask.Access, "f", "IN_ACCESS"),
            (EventMask.CloseNoWrite, "f", "IN_CLOSE_NOWRITE"),
            (EventMask.Attrib, "f", "IN_ATTRIB"),
            (EventMask.MovedFrom, "f", "IN_MOVED_FROM"),
            (EventMask.MovedTo, "g", "IN_MOVED_TO"),
            (EventMask.Delete, "g", "IN_DELETE"),
        };
        foreach (var (mask, name, maskName) in expected)
        {
            var e = Expect(rec, mask, name);
            Assert.Equal(maskName, e.MaskName);
            Assert.False(e.IsDir);
            Assert.Equal(dir.Path, e.Path);
            Assert.Equal(Path.Combine(dir.Path, name), e.PathName);
        }
    }

    [Fact]
    public void WatchedFile_DeletedAndMoved_RaisesSelfEventsThenIgnored()
    {
        using var dir = new TempDir();
        var moved = dir.WriteFile("moved");
        var deleted = dir.WriteFile("deleted");
        using var rec = new EventRecorder();
        var wds = rec.WatchManager.AddWatch([moved, deleted], EventMask.AllEvents, quiet: false);

        File.Move(moved, dir["moved2"]);
        File.Delete(deleted);

        var moveSelf = rec.WaitFor(e => e.Mask == EventMask.MoveSelf);
        Assert.Equal(wds[moved], moveSelf.Wd);
        Assert.Equal("IN_MOVE_SELF", moveSelf.MaskName);
        Assert.Equal("", moveSelf.Name);
        Assert.Equal(moved, moveSelf.PathName);

        var deleteSelf = rec.WaitFor(e => e.Mask == EventMask.DeleteSelf);
        Assert.Equal(wds[deleted], deleteSelf.Wd);
        Assert.Equal("IN_DELETE_SELF", deleteSelf.MaskName);
        Assert.False(deleteSelf.IsDir);

        var ignored = rec.WaitFor(e => e.Mask == EventMask.Ignored && e.Wd == wds[deleted]);
        Assert.Equal("IN_IGNORED", ignored.MaskName);
        Assert.Equal($"<Event dir=False mask=0x8000 maskname=IN_IGNORED name='' path={deleted} pathname={deleted} wd={wds[deleted]} >", ignored.ToString());
        rec.WaitUntil(_ => rec.WatchManager.GetWatch(wds[deleted]) is null);
    }

    [Fact]
    public void DirectoryEvents_CarryIsDir_AndSelfEventsOfADirectoryWatchAreDirs()
    {
        using var dir = new TempDir();
        var sub = dir.CreateDirectory("watched");
        using var rec = new EventRecorder();
        rec.WatchManager.AddWatch(dir.Path, EventMask.AllEvents, quiet: false);
        rec.WatchManager.AddWatch(sub, EventMask.AllEvents, quiet: false);

        Directory.CreateDirectory(dir["newdir"]);
        Directory.Delete(sub);

        var create = Expect(rec, EventMask.Create | EventMask.IsDir, "newdir");
        Assert.True(create.IsDir);
        Assert.Equal("IN_CREATE|IN_ISDIR", create.MaskName);
        Assert.StartsWith("<Event dir=True mask=0x40000100 maskname=IN_CREATE|IN_ISDIR name=newdir ", create.ToString());

        var deleteSelf = rec.WaitFor(e => e.Mask == EventMask.DeleteSelf);
        Assert.True(deleteSelf.IsDir); // the kernel does not say; the watch knows (as in pyinotify)
        Assert.Equal("IN_DELETE_SELF", deleteSelf.MaskName);
    }

    [Fact]
    public void Rename_MovedFromAndMovedTo_ShareACookie_AndMovedToCarriesTheSource()
    {
        using var dir = new TempDir();
        dir.WriteFile("foo");
        using var rec = new EventRecorder();
        var wd = rec.WatchManager.AddWatch(dir.Path, EventMask.Move)[dir.Path];

        File.Move(dir["foo"], dir["bar"]);

        var from = Expect(rec, EventMask.MovedFrom, "foo");
        var to = Expect(rec, EventMask.MovedTo, "bar");
        Assert.NotEqual(0u, from.Cookie);
        Assert.Equal(from.Cookie, to.Cookie);
        Assert.Equal(dir["foo"], to.SrcPathName);
        Assert.Equal($"<Event cookie={from.Cookie} dir=False mask=0x40 maskname=IN_MOVED_FROM name=foo path={dir.Path} pathname={dir["foo"]} wd={wd} >", from.ToString());
        Assert.Equal($"<Event cookie={to.Cookie} dir=False mask=0x80 maskname=IN_MOVED_TO name=bar path={dir.Path} pathname={dir["bar"]} src_pathname={dir["foo"]} wd={wd} >", to.ToString());
    }

    [Fact]
    public void Unmount_OfTheWatchedFileSystem_RaisesUnmountThenIgnored()
    {
        using var dir = new TempDir();
        var mnt = dir.CreateDirectory("mnt");
        if (!Run("mount", "-t", "tmpfs", "none", mnt))
            Assert.Fail("mount -t tmpfs failed: the tests run as root and need it to raise IN_UNMOUNT");
        try
        {
            using var rec = new EventRecorder();
            var wd = rec.WatchManager.AddWatch(mnt, EventMask.AllEvents, quiet: false)[mnt];
            Assert.True(Run("umount", mnt));
            var e = rec.WaitFor(e => e.EventType == EventMask.Unmount);
            Assert.Equal(wd, e.Wd);
            Assert.Equal("IN_UNMOUNT|IN_ISDIR", e.MaskName); // the kernel flags the mount point as a directory
            rec.WaitFor(e => e.Mask == EventMask.Ignored && e.Wd == wd);
        }
        finally
        {
            Run("umount", mnt);
        }
    }

    [Fact]
    public void NameWithInvalidUtf8_DoesNotThrow_AndNameBytesAreExact()
    {
        using var dir = new TempDir();
        using var rec = new EventRecorder();
        rec.WatchManager.AddWatch(dir.Path, EventMask.Create, quiet: false);
        byte[] name = [(byte)'b', (byte)'a', (byte)'d', 0xff, 0xfe, (byte)'!'];

        var full = Encoding.UTF8.GetBytes(dir.Path + "/").Concat(name).Append((byte)0).ToArray();
        var fd = Creat(full, 0x1a4);
        Assert.True(fd >= 0, $"creat failed: errno {Marshal.GetLastPInvokeError()}");
        Close(fd);

        var e = rec.WaitFor(e => e.Mask == EventMask.Create);
        Assert.Equal(name, e.NameBytes.ToArray());
        Assert.Equal("bad\uDCFF\uDCFE!", e.Name); // surrogateescape, as Python 3 (so pyinotify) decodes it
        Assert.Equal(name, FileNames.Encode(e.Name));
        Assert.Equal(name, FileNames.Encode(e.PathName)[^name.Length..]);
        Assert.Contains("name=bad", e.ToString());
    }

    private static bool Run(string file, params string[] args)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    [LibraryImport("libc", EntryPoint = "creat", SetLastError = true)]
    private static partial int Creat(byte[] path, int mode);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
