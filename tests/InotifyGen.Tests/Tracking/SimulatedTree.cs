using InotifyGen.Tests.Semantics;
using InotifyGen.Tests.Support;
using Xunit;

namespace InotifyGen.Tests.Tracking;

/// <summary>
/// The real pipeline (WatchManager, Notifier, EventQueue, TreeTracker, Dispatcher) over a <see cref="SimulatedKernel"/>:
/// no fd, no thread, no timing. Every delivered event is checked as it is delivered, and <see cref="AssertTableMatchesDisk"/>
/// checks the watch table against the simulated disk.
/// </summary>
internal sealed class SimulatedTree : IDisposable
{
    private int _historyCursor;

    public SimulatedTree(NotifierOptions? options = null)
    {
        Clock = new SimulatedClock();
        Kernel = new SimulatedKernel(Clock);
        Log = new ListLogger();
        WatchManager = new WatchManager(Kernel, Kernel, Clock, logger: Log);
        Notifier = new Notifier(WatchManager, new DelegateHandler(Record), options ?? new NotifierOptions(), Log);
    }

    public SimulatedClock Clock { get; }
    public SimulatedKernel Kernel { get; }
    public ListLogger Log { get; }
    public WatchManager WatchManager { get; }
    public Notifier Notifier { get; }

    /// <summary>What the handler received, as <c>"IN_CREATE|IN_ISDIR /w/a"</c> (with <c>" synthetic"</c>, <c>" moved-out"</c>, <c>" lost"</c>, <c>" from /w/x"</c>).</summary>
    public List<string> Delivered { get; } = new();

    /// <summary>Problems found as events were delivered: a path that was not true, a synthesised entry that did not exist.</summary>
    public List<string> Violations { get; } = new();

    /// <summary>Runs in the handler after each delivered event is recorded and checked.</summary>
    public Action<string>? OnDelivered { get; set; }

    /// <summary>Builds a tree before any watch exists: directories end with '/'.</summary>
    public void Build(params string[] paths)
    {
        foreach (var p in paths)
        {
            if (p.EndsWith('/'))
                Kernel.Mkdir(p.TrimEnd('/'));
            else
                Kernel.WriteFile(p);
        }
    }

    public void WatchTree(string root, EventMask mask = EventMask.AllEvents)
    {
        // Every event queued from here on is checked: the set-up reports none of its own reading, and what others do
        // meanwhile is reported with true paths.
        _historyCursor = Kernel.History.Count;
        var added = WatchManager.AddWatch(root, mask, recursive: true, autoAdd: true, quiet: false);
        Assert.All(added.Values, wd => Assert.True(wd > 0));
    }

    /// <summary>Reads and dispatches until the kernel and the notifier hold nothing (bounded: a loop would be a bug).</summary>
    public void Drain()
    {
        for (var round = 0; round < 10_000; round++)
        {
            Notifier.ReadEvents();
            Notifier.ProcessEvents();
            if (Kernel.QueuedEvents == 0)
            {
                Notifier.ProcessEvents();
                return;
            }
        }
        throw new InvalidOperationException("the notifier never drained the simulated kernel");
    }

    /// <summary>Every directory under <paramref name="root"/> has a live watch of its inode at its path, and no other watch is live.</summary>
    public void AssertTableMatchesDisk(string root)
    {
        var onDisk = Kernel.Directories(root);
        var live = WatchManager.Watches.Values.ToList();
        var watched = new SortedSet<string>(live.Select(w => w.Path), StringComparer.Ordinal);
        Assert.True(onDisk.SetEquals(watched),
            $"not watched: [{string.Join(", ", onDisk.Except(watched))}]; watched but not on disk: [{string.Join(", ", watched.Except(onDisk))}]\n"
            + "delivered (without directory reads):\n" + string.Join("\n", Delivered.Where(l => !l.Contains("_NOWRITE") && !l.StartsWith("IN_OPEN") && !l.StartsWith("IN_ACCESS")))
            + "\noperations:\n" + string.Join("\n", Kernel.Operations));
        foreach (var w in live)
            Assert.True(Kernel.WatchOn(w.Path) == w.Wd, $"{w.Path} is watched by wd {w.Wd}, but the kernel's watch on it is {Kernel.WatchOn(w.Path)}");
    }

    public void AssertNoViolations() => Assert.True(Violations.Count == 0, string.Join("\n", Violations)
        + "\ndelivered (without directory reads):\n" + string.Join("\n", Delivered.Where(l => !l.Contains("_NOWRITE") && !l.StartsWith("IN_OPEN") && !l.StartsWith("IN_ACCESS")))
        + "\noperations:\n" + string.Join("\n", Kernel.Operations));

    public void Dispose() => Notifier.Dispose();

    private void Record(InotifyEvent e)
    {
        var line = $"{EventsCodes.MaskName(e.Mask)} {e.PathName}";
        if (e.IsSynthetic) line += " synthetic";
        if ((e.Flags & EventFlags.MovedOut) != 0) line += " moved-out";
        if ((e.Flags & EventFlags.EventsLost) != 0) line += " lost";
        if (e.SrcPathName is { } from) line += " from " + from;
        Delivered.Add(line);
        Check(e);
        OnDelivered?.Invoke(line);
    }

    private void Check(InotifyEvent e)
    {
        if (e.IsSynthetic)
        {
            // Made from a listing: it must describe what the last listing of that directory found.
            if ((e.Mask & (EventMask.Create | EventMask.CloseWrite | EventMask.FileComplete)) != 0 && !(Kernel.LastListing.TryGetValue(e.Path, out var listed) && listed.Contains(e.Name)))
                Violations.Add($"synthesised {e.MaskName} for {e.PathName}, which the last listing of {e.Path} did not find");
            return;
        }
        if (e.Watch is null)
            return;
        if (e.EventType == EventMask.FileComplete)
        {
            // Made from the kernel's IN_CLOSE_WRITE or IN_MOVED_TO of the entry, already read.
            var (wd, name) = (e.Wd, e.Name);
            var last = Kernel.History.FindLastIndex(h => h.Wd == wd && h.Name == name && (h.Mask & (EventMask.CloseWrite | EventMask.MovedTo)) != 0);
            if (last < 0 || !Kernel.EntryPathsSince(last).Contains(e.PathName))
                Violations.Add($"{e.MaskName} {e.PathName} (wd {e.Wd}) follows no IN_CLOSE_WRITE or IN_MOVED_TO of that entry");
            return;
        }
        // A kernel event: its watch's path must be one the directory really had, when the kernel queued the event or
        // since (the table may be ahead of the queue: a listing found the directory at a newer place by its inode).
        var history = Kernel.History;
        for (var i = _historyCursor; i < history.Count; i++)
        {
            var h = history[i];
            if (h.Wd != e.Wd || h.Mask != e.Mask || h.Name != e.Name)
                continue;
            _historyCursor = i + 1;
            var truePaths = Kernel.PathsSince(i);
            if (h.WatchPath is not null && !truePaths.Contains(e.Path))
                Violations.Add($"{e.MaskName} name '{e.Name}' delivered with path {e.Path}, but its directory was at {string.Join(", then ", truePaths)}");
            // And the entry it names must have been at that full path (a directory path from one moment and a name
            // from another make a path nothing ever had).
            var entryPaths = Kernel.EntryPathsSince(i);
            if (h.WatchPath is not null && e.Name.Length > 0 && !entryPaths.Contains(e.PathName))
                Violations.Add($"{e.MaskName} delivered for {e.PathName}, but the entry was at {string.Join(", then ", entryPaths.Select(p => p ?? "(gone)"))}");
            return;
        }
        Violations.Add($"{e.MaskName} {e.PathName} (wd {e.Wd}) was delivered but never queued after the last match");
    }
}
