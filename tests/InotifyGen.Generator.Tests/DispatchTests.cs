using InotifyGen.Generator.Tests.Handlers;
using InotifyGen.Tests.Support;

namespace InotifyGen.Generator.Tests;

/// <summary>
/// Generated handlers against real inotify events: which method ran decides each lookup rule (specialised beats
/// family beats default, across the class hierarchy) and chaining.
/// </summary>
public sealed class DispatchTests
{
    [Fact]
    public void Close_SpecialisedBeatsFamilyBeatsDefault()
    {
        using var dir = new TempDir(tmpfs: true);
        var handler = new CloseLookup();
        using var watching = Watch(dir.Path, handler);

        File.WriteAllText(dir["a"], "x");
        _ = File.ReadAllText(dir["a"]);
        handler.WaitFor("process_IN_CLOSE IN_CLOSE_NOWRITE a");

        Assert.Contains("process_IN_CLOSE_WRITE IN_CLOSE_WRITE a", handler.Calls);
        Assert.Contains("process_default IN_CREATE a", handler.Calls);
        Assert.Contains("process_default IN_OPEN a", handler.Calls);
        AssertEachEventWentTo(handler, new()
        {
            ["IN_CLOSE_WRITE"] = "process_IN_CLOSE_WRITE",
            ["IN_CLOSE_NOWRITE"] = "process_IN_CLOSE",
        }, otherwise: "process_default");
    }

    [Fact]
    public void FileComplete_ByAttribute_NoMaskAsksForIt_AndEachArrivalIsCompleteOnce()
    {
        using var dir = new TempDir(tmpfs: true);
        var handler = new CompleteFiles();
        Assert.Equal(EventMask.FileComplete, handler.HandledMask);
        using var watching = Watch(dir.Path, handler, EventMask.None); // no mask: what the handler handles

        File.WriteAllText(dir["in-place"], "x");
        File.WriteAllText(dir[".tmp"], "y");
        File.Move(dir[".tmp"], dir["renamed"]);
        handler.WaitFor("Complete IN_FILE_COMPLETE renamed");

        Assert.Equal(["Complete IN_FILE_COMPLETE in-place", "Complete IN_FILE_COMPLETE .tmp", "Complete IN_FILE_COMPLETE renamed"], handler.Calls);
    }

    [Fact]
    public void FileComplete_ByName_ASpecialisedMethod_TheDefaultOneGetsTheRest()
    {
        using var dir = new TempDir(tmpfs: true);
        var handler = new CompleteFilesByName();
        // A default method asks for the kernel's events, not for InotifyGen's own: the specialised method does.
        Assert.Equal(EventMask.AllEvents | EventMask.FileComplete, handler.HandledMask);
        using var watching = Watch(dir.Path, handler, EventMask.None);

        File.WriteAllText(dir["a"], "x");
        handler.WaitFor("process_IN_FILE_COMPLETE IN_FILE_COMPLETE a");
        Assert.Contains("process_default IN_CLOSE_WRITE a", handler.Calls);
    }

    [Fact]
    public void Delete_FamilyMethodAlsoTakesDeleteSelf()
    {
        using var dir = new TempDir(tmpfs: true);
        var file = dir.WriteFile("doomed");
        var handler = new DeleteLookup();
        using var watching = Watch(dir.Path, handler);
        watching.Manager.AddWatch(file, EventMask.AllEvents, quiet: false);

        File.Delete(file);
        // The two watches' events can come in either order.
        handler.WaitFor("process_default IN_IGNORED ");
        handler.WaitFor("process_IN_DELETE IN_DELETE doomed");

        Assert.Contains("process_IN_DELETE IN_DELETE_SELF ", handler.Calls);
        AssertEachEventWentTo(handler, new()
        {
            ["IN_DELETE"] = "process_IN_DELETE",
            ["IN_DELETE_SELF"] = "process_IN_DELETE",
        }, otherwise: "process_default");
    }

    [Fact]
    public void Move_MovedFamilyTakesMovedFromAndTo_MoveFamilyTakesOnlyMoveSelf()
    {
        using var dir = new TempDir(tmpfs: true);
        dir.WriteFile("a");
        var sub = dir.CreateDirectory("sub");
        var handler = new MoveLookup();
        using var watching = Watch(dir.Path, handler);
        watching.Manager.AddWatch(sub, EventMask.AllEvents, quiet: false);

        File.Move(dir["a"], dir["b"]);
        Directory.Move(sub, dir["sub2"]);
        handler.WaitFor("process_IN_MOVE IN_MOVE_SELF ");

        Assert.Contains("process_IN_MOVED IN_MOVED_FROM a", handler.Calls);
        Assert.Contains("process_IN_MOVED IN_MOVED_TO b", handler.Calls);
        Assert.Contains("process_IN_MOVED IN_MOVED_TO sub2", handler.Calls);
        AssertEachEventWentTo(handler, new()
        {
            ["IN_MOVED_FROM"] = "process_IN_MOVED",
            ["IN_MOVED_TO"] = "process_IN_MOVED",
            ["IN_MOVE_SELF"] = "process_IN_MOVE",
        }, otherwise: "process_default");
    }

    [Fact]
    public void Attributes_FollowTheSameLookupOrder()
    {
        using var dir = new TempDir(tmpfs: true);
        var handler = new AttributeLookup();
        using var watching = Watch(dir.Path, handler);

        File.WriteAllText(dir["a"], "x");
        _ = File.ReadAllText(dir["a"]);
        File.SetUnixFileMode(dir["a"], UnixFileMode.UserRead);
        File.Delete(dir["a"]);
        handler.WaitFor("DeletedOrChanged IN_DELETE a");

        Assert.Contains("Created IN_CREATE a", handler.Calls);
        Assert.Contains("Closed IN_CLOSE_WRITE a", handler.Calls);
        Assert.Contains("ClosedAfterReading IN_CLOSE_NOWRITE a", handler.Calls);
        Assert.Contains("DeletedOrChanged IN_ATTRIB a", handler.Calls);
        AssertEachEventWentTo(handler, new()
        {
            ["IN_CREATE"] = "Created",
            ["IN_DELETE"] = "DeletedOrChanged",
            ["IN_ATTRIB"] = "DeletedOrChanged",
            ["IN_CLOSE_WRITE"] = "Closed",
            ["IN_CLOSE_NOWRITE"] = "ClosedAfterReading",
        }, otherwise: "Other");
    }

    [Fact]
    public void Inheritance_RankDecidesAcrossThreeLevels()
    {
        using var dir = new TempDir(tmpfs: true);
        var handler = new Child();
        using var watching = Watch(dir.Path, handler);

        File.WriteAllText(dir["a"], "x");
        _ = File.ReadAllText(dir["a"]);
        File.Delete(dir["a"]);
        handler.WaitFor("Child.process_IN_DELETE IN_DELETE a");

        AssertEachEventWentTo(handler, new()
        {
            // A private specialised method two levels up beats the default one level up.
            ["IN_CREATE"] = "Grandparent.process_IN_CREATE",
            // A specialised method here beats the family method two levels up...
            ["IN_CLOSE_WRITE"] = "Child.Written",
            // ...which beats the default method one level up.
            ["IN_CLOSE_NOWRITE"] = "Grandparent.process_IN_CLOSE",
            // An override is the method itself.
            ["IN_DELETE"] = "Child.process_IN_DELETE",
        }, otherwise: "Parent.process_default");
        Assert.Contains("Parent.process_default IN_OPEN a", handler.Calls);
        Assert.Contains("Grandparent.process_IN_CREATE IN_CREATE a", handler.Calls);
        Assert.Contains("Grandparent.process_IN_CLOSE IN_CLOSE_NOWRITE a", handler.Calls);
        Assert.Contains("Child.Written IN_CLOSE_WRITE a", handler.Calls);
    }

    [Fact]
    public void GenericNestedHandler_Dispatches()
    {
        using var dir = new TempDir(tmpfs: true);
        var handler = new Outer<int>.Nested<string>();
        using var watching = Watch(dir.Path, handler);

        dir.WriteFile("a");

        handler.WaitFor("Int32.String IN_CREATE a");
    }

    [Fact]
    public void Chain_NextReturningTrue_StopsTheChain()
    {
        using var dir = new TempDir(tmpfs: true);
        var filter = new SkipFilter();
        var handler = new Collector(next: filter);
        using var watching = Watch(dir.Path, handler);

        dir.WriteFile("skip1");
        dir.WriteFile("keep1");
        handler.WaitFor("process_default IN_CLOSE_WRITE keep1");

        Assert.Contains("process_default IN_CREATE skip1", filter.Calls);
        Assert.Contains("process_default IN_CREATE keep1", filter.Calls);
        Assert.DoesNotContain(handler.Calls, c => c.EndsWith("skip1", StringComparison.Ordinal));
        Assert.Contains("process_default IN_CREATE keep1", handler.Calls);
    }

    [Fact]
    public void Chain_BoolSpecialisedMethod_StopsOnlyItsEvent()
    {
        using var dir = new TempDir(tmpfs: true);
        var stopCreates = new StopCreates();
        var handler = new Collector(next: stopCreates);
        using var watching = Watch(dir.Path, handler);

        dir.WriteFile("a");
        handler.WaitFor("process_default IN_CLOSE_WRITE a");

        Assert.Contains("process_IN_CREATE IN_CREATE a", stopCreates.Calls);
        Assert.Contains("process_default IN_CLOSE_WRITE a", stopCreates.Calls);
        Assert.DoesNotContain("process_default IN_CREATE a", handler.Calls);
    }

    [Fact]
    public void Chain_ChainIfTrue_LetsThroughOnlyWhatThePredicateAccepts()
    {
        using var dir = new TempDir(tmpfs: true);
        var handler = new Collector(next: new ChainIfTrue(e => !e.Name.StartsWith("skip", StringComparison.Ordinal)));
        using var watching = Watch(dir.Path, handler);

        dir.WriteFile("skip1");
        dir.WriteFile("keep1");
        handler.WaitFor("process_default IN_CLOSE_WRITE keep1");

        Assert.DoesNotContain(handler.Calls, c => c.EndsWith("skip1", StringComparison.Ordinal));
    }

    [Fact]
    public void HandledMask_NoMaskGiven_WatchAsksForWhatTheHandlerHandles()
    {
        using var dir = new TempDir(tmpfs: true);
        var handler = new ReadmeHandler();
        using var watching = Watch(dir.Path, handler, mask: EventMask.None);

        var wd = watching.Manager.GetWd(dir.Path)!.Value;
        Assert.Equal(EventMask.Create | EventMask.Delete | EventMask.DeleteSelf, watching.Manager.GetWatch(wd)!.Mask);
        dir.WriteFile("a");
        File.Delete(dir["a"]);
        handler.WaitFor("Removing IN_DELETE a");
        Assert.Equal(new[] { "process_IN_CREATE IN_CREATE a", "Removing IN_DELETE a" }, handler.Calls);
    }

    [Fact]
    public void HandledMask_ReflectsEveryRankAndTheChain()
    {
        Assert.Equal(EventMask.AllEvents, new CloseLookup().HandledMask);
        Assert.Equal(EventMask.Create | EventMask.Delete | EventMask.DeleteSelf, new ReadmeHandler().HandledMask);
        Assert.Equal(EventMask.AllEvents | EventMask.QueueOverflow, new OverflowAware().HandledMask);
        Assert.Equal(EventMask.Create, new Outer<int>.Nested<int>().HandledMask);
        Assert.Equal(EventMask.Create | EventMask.Close, new Grandparent().HandledMask);
        Assert.Equal(EventMask.AllEvents, new Child().HandledMask);
        Assert.Equal(EventMask.AllEvents, new Collector(next: new ReadmeHandler()).HandledMask);
    }

    [Fact]
    public void QueueOverflow_GoesOnlyToASpecialisedMethod_NeverToDefault()
    {
        using var dir = new TempDir(tmpfs: true);
        var defaultOnly = new Collector();
        var handler = new OverflowAware(next: defaultOnly);
        using var wm = KernelLimits.CreateWithQueueOf(4);
        using var notifier = new Notifier(wm, handler);
        wm.AddWatch(dir.Path, EventMask.AllEvents, quiet: false);

        for (var i = 0; i < 10; i++)
            dir.WriteFile("f" + i);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!handler.Calls.Any(c => c.StartsWith("Overflowed", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            if (notifier.CheckEvents(TimeSpan.FromMilliseconds(200)))
            {
                notifier.ReadEvents();
                notifier.ProcessEvents();
            }
        }

        Assert.Contains("Overflowed IN_Q_OVERFLOW ", handler.Calls);
        Assert.DoesNotContain(handler.Calls, c => c.Contains("process_default IN_Q_OVERFLOW", StringComparison.Ordinal));
        Assert.DoesNotContain(defaultOnly.Calls, c => c.Contains("IN_Q_OVERFLOW", StringComparison.Ordinal));
        Assert.Contains("process_default IN_CREATE f0", defaultOnly.Calls);
    }

    [Fact]
    public void OverrideOnlySubclass_NotPartial_TheBasesSwitchCallsTheOverride()
    {
        using var dir = new TempDir(tmpfs: true);
        var handler = new OverrideOnly();
        using var watching = Watch(dir.Path, handler, EventMask.Create | EventMask.Delete);

        File.WriteAllText(dir["a"], "x");
        File.Delete(dir["a"]);
        handler.WaitFor("process_default IN_DELETE a");

        AssertEachEventWentTo(handler, new() { ["IN_CREATE"] = "OverrideOnly.process_IN_CREATE" }, otherwise: "process_default");
    }

    [Fact]
    public void HandlersWhoseNamesDifferOnlyInCase_BothDispatch()
    {
        using var first = new TempDir(tmpfs: true);
        using var second = new TempDir(tmpfs: true);
        var lower = new Uploads();
        var upper = new UpLoads();
        using var watching = Watch(first.Path, lower, EventMask.Create);
        watching.Manager.AddWatch(second.Path, EventMask.Create, handler: upper, quiet: false);

        File.WriteAllText(first["a"], "x");
        File.WriteAllText(second["b"], "x");
        lower.WaitFor("Uploads.Created IN_CREATE a");
        upper.WaitFor("UpLoads.Created IN_CREATE b");

        Assert.Equal(EventMask.Create, lower.HandledMask);
        Assert.Equal(EventMask.Create, upper.HandledMask);
    }

    /// <summary>Checks every recorded call: the method named for its event, or <paramref name="otherwise"/>.</summary>
    private static void AssertEachEventWentTo(RecordingHandler handler, Dictionary<string, string> expected, string otherwise)
    {
        foreach (var call in handler.Calls)
        {
            var parts = call.Split(' ');
            var want = expected.TryGetValue(parts[1], out var m) ? m : otherwise;
            Assert.True(parts[0] == want, $"{parts[1]} went to {parts[0]}, expected {want}; calls:\n{string.Join("\n", handler.Calls)}");
        }
    }

    private static Watching Watch(string path, ProcessEvent handler, EventMask mask = EventMask.AllEvents)
    {
        var wm = new WatchManager();
        var notifier = new ThreadedNotifier(wm, handler);
        wm.AddWatch(path, mask, quiet: false);
        notifier.Start();
        return new Watching(wm, notifier);
    }

    private sealed record Watching(WatchManager Manager, ThreadedNotifier Notifier) : IDisposable
    {
        public void Dispose()
        {
            Notifier.Stop();
            Manager.Dispose();
            if (Notifier.Fault is { } fault)
                throw new InvalidOperationException("the notifier thread failed", fault);
        }
    }
}
