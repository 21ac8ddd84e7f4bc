using InotifyGen.Tests.Support;

namespace InotifyGen.Tests;

public class SmokeTests
{
    [Fact]
    public void Create_InWatchedDirectory_IsReportedInPyinotifyFormat()
    {
        using var dir = new TempDir();
        using var rec = new EventRecorder();
        var wd = rec.WatchManager.AddWatch(dir.Path, EventMask.Create)[dir.Path];

        dir.WriteFile("foo");

        var e = rec.WaitFor(e => e.Mask == EventMask.Create);
        Assert.Equal(
            $"<Event dir=False mask=0x100 maskname=IN_CREATE name=foo path={dir.Path} pathname={dir["foo"]} wd={wd} >",
            e.ToString());
    }
}
