using InotifyGen.Tests.Support;
using Xunit.Abstractions;

namespace InotifyGen.Tests.Semantics;

[Collection(nameof(SemanticsCollection))]
public class AllocationTests(ITestOutputHelper output)
{
    [Fact]
    public void PlainEventsInATrackedTree_DispatchAllocatesNothing()
    {
        // The tree bookkeeping must not tax the events it does not need: MODIFY in a recursive autoAdd tree.
        using var dir = new TempDir(tmpfs: true);
        Directory.CreateDirectory(dir["sub"]);
        using var wm = new WatchManager();
        var seen = 0;
        EventMask last = default;
        using var notifier = new Notifier(wm, new DelegateHandler(e => { seen++; last = e.Mask; }), timeout: TimeSpan.FromSeconds(5));
        wm.AddWatch(dir.Path, EventMask.Modify | EventMask.Create, recursive: true, autoAdd: true);
        using var a = new FileStream(dir["sub/a"], FileMode.Create);
        using var b = new FileStream(dir["sub/b"], FileMode.Create);

        var allocated = BytesAllocatedDispatching(notifier, a, b);
        output.WriteLine($"{seen} events dispatched; {allocated} bytes allocated over the last 10,000 (last mask {last})");
        ResultsFile.Append($"allocation: 10,000 MODIFY events in a recursive autoAdd tree dispatched with {allocated} bytes allocated");
        Assert.True(seen >= 15000, $"only {seen} events");
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void HandlerReadingThePath_InADirectoryWhoseParentMoved_AllocatesNothingOnceDerived()
    {
        // The path is derived from the names and cached per watch: after a move above it, the first event derives it
        // once, and the rest read the cache.
        using var dir = new TempDir(tmpfs: true);
        Directory.CreateDirectory(dir["p/sub"]);
        using var wm = new WatchManager();
        var seen = 0;
        var lengths = 0L;
        using var notifier = new Notifier(wm, new DelegateHandler(e => { seen++; lengths += e.Path.Length; }), timeout: TimeSpan.FromSeconds(5));
        wm.AddWatch(dir.Path, EventMask.Modify | EventMask.Create, recursive: true, autoAdd: true);
        Directory.Move(dir["p"], dir["q"]);
        using var a = new FileStream(dir["q/sub/a"], FileMode.Create);
        using var b = new FileStream(dir["q/sub/b"], FileMode.Create);

        var allocated = BytesAllocatedDispatching(notifier, a, b); // its warm-up round derives the moved path
        output.WriteLine($"{seen} events dispatched; {allocated} bytes allocated over the last 10,000 (path lengths {lengths})");
        ResultsFile.Append($"allocation: 10,000 MODIFY events whose handler reads e.Path, below a moved directory, dispatched with {allocated} bytes allocated");
        Assert.True(seen >= 15000, $"only {seen} events");
        Assert.Equal(dir["q/sub"], wm.GetPath(wm.GetWd(dir["q/sub"])!.Value));
        Assert.Equal(0, allocated);
    }

    /// <summary>
    /// Bytes this thread allocated dispatching 10,000 MODIFY events (two rounds of 5,000 written alternately to
    /// <paramref name="a"/> and <paramref name="b"/>, so the kernel cannot merge them), after a warm-up round.
    /// </summary>
    private static long BytesAllocatedDispatching(Notifier notifier, FileStream a, FileStream b)
    {
        long allocated = 0;
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 5000; i++)
            {
                (i % 2 == 0 ? a : b).WriteByte(1);
                (i % 2 == 0 ? a : b).Flush();
            }
            notifier.CheckEvents();
            notifier.ReadEvents();
            var before = GC.GetAllocatedBytesForCurrentThread();
            notifier.ProcessEvents();
            while (notifier.CheckEvents(TimeSpan.FromMilliseconds(200)))
            {
                notifier.ReadEvents();
                notifier.ProcessEvents();
            }
            if (round > 0)
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
        }
        return allocated;
    }
}
