using System.Diagnostics;
using InotifyGen.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace InotifyGen.Tests.Semantics;

[Collection(nameof(SemanticsCollection))]
public class StressTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    // With every event, the test's own walks flood the queue, so overflows and rescans happen mid-run, and the rescan
    // races the mutator: the watch table gets ahead of the queued events (see CatchUpTests and Tracking/ReplayTests
    // for the cases that once left one sub-tree wrong here). Rescans can no longer chain without bound
    // (OverflowRecovery.MaxChained), which is what once hung this variant. INOTIFYGEN_STRESS_SEED=N explores other
    // seeds; INOTIFYGEN_STRESS_DUMP=/tmp/x writes the events and operations.
    [InlineData(true)]
    public void Stress_10000DirectoryTree_SubTreesCreatedMovedDeleted_EveryPathTrueAndWatchSetMatchesDisk(bool allEvents)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("INOTIFYGEN_STRESS_SEED"), out var s) ? s : 20261122;
        output.WriteLine(Run(new StressSettings([10, 10, 10, 10], 600, allEvents, Rescan: true, SlowHandler: false, seed)));
    }

    /// <summary>
    /// The churn that once lost watches with no overflow: every event, a handler slow enough for the mutator to run
    /// ahead, and 400 creates, moves inside, out and in, and deletes on a 730-directory tree, 50 rounds in a row.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Churn_730DirectoryTree_SlowHandler_50Rounds_WatchSetMatchesDiskEveryRound(bool rescan)
    {
        Repeat.Run(output, $"churn (ALL_EVENTS, slow handler, rescan {rescan})", 50, i =>
            Run(new StressSettings([10, 8, 8], 400, AllEvents: true, rescan, SlowHandler: true,
                Seed: int.TryParse(Environment.GetEnvironmentVariable("INOTIFYGEN_STRESS_SEED"), out var s) ? s : 4200 + i)));
    }

    /// <summary>The shape of one stress run: the tree's fan-out per level, the operations, and how the notifier runs.</summary>
    public sealed record StressSettings(int[] Levels, int Operations, bool AllEvents, bool Rescan, bool SlowHandler, int Seed);

    private static string Run(StressSettings settings)
    {
        var allEvents = settings.AllEvents;
        using var dir = new TempDir(tmpfs: true);
        using var outside = new TempDir(tmpfs: true);
        var root = dir.Path;
        // Every path that exists at any time during the run is recorded here *before* it can exist, so an event
        // whose path is not in it reports a place nothing ever was: a stale path.
        var everExisted = new HashSet<string>(StringComparer.Ordinal) { root };
        var clock = Stopwatch.StartNew();
        void Build(string at, int level)
        {
            if (level == settings.Levels.Length)
                return;
            for (var i = 0; i < settings.Levels[level]; i++)
            {
                var sub = Path.Combine(at, $"{(char)('a' + level)}{i}");
                Directory.CreateDirectory(sub);
                Build(sub, level + 1);
            }
        }
        Build(root, 0);
        var initial = MoveTests.DirectoriesOnDisk(root);
        everExisted.UnionWith(initial);
        var built = clock.Elapsed;

        var events = new List<OwnedInotifyEvent>();
        var log = new ListLogger();
        using var wm = new WatchManager(logger: log);
        var handled = 0;
        using var notifier = new ThreadedNotifier(wm, new DelegateHandler(e =>
        {
            var o = e.ToOwned();
            lock (events) events.Add(o);
            // Slightly slow: the mutator runs ahead, so listings and moves race what is still queued.
            if (settings.SlowHandler && ++handled % 64 == 0)
                Thread.Sleep(1);
        }), logger: log)
        {
            RescanOnOverflow = settings.Rescan,
        };
        clock.Restart();
        // Every event except the three that merely reading a directory causes: the test's own walks of the tree
        // would otherwise flood the queue with them (the overflow path has its own tests).
        var mask = allEvents ? EventMask.AllEvents : EventMask.AllEvents & ~(EventMask.Open | EventMask.Access | EventMask.CloseNoWrite);
        var added = wm.AddWatch(root, mask, recursive: true, autoAdd: true);
        var watchTime = clock.Elapsed;
        Assert.Equal(initial.Count, added.Count);
        Assert.All(added.Values, wd => Assert.True(wd > 0));
        notifier.Start();

        // A fixed seed, so a failure can be replayed.
        var seed = settings.Seed;
        var rng = new Random(seed);
        var live = new List<string>(initial.Where(p => p != root));
        var serial = 0;
        string Pick() => live[rng.Next(live.Count)];
        void Forget(string top) => live.RemoveAll(p => p == top || p.StartsWith(top + "/", StringComparison.Ordinal));
        void Note(IEnumerable<string> paths)
        {
            lock (everExisted) everExisted.UnionWith(paths);
        }
        string[] SubTree(string top) =>
            [top, .. Directory.EnumerateFileSystemEntries(top, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })];

        clock.Restart();
        var operations = new Dictionary<string, int>();
        for (var op = 0; op < settings.Operations; op++)
        {
            if (live.Count < 50)
                break;
            var kind = rng.Next(6);
            try
            {
                switch (kind)
                {
                    case 0: // create a sub-tree with files at every level
                    {
                        var top = Path.Combine(Pick(), $"n{serial++}");
                        var paths = new[] { top, top + "/x", top + "/x/y", top + "/f", top + "/x/f", top + "/x/y/f" };
                        Note(paths);
                        Directory.CreateDirectory(top + "/x/y");
                        foreach (var f in paths.Where(p => p.EndsWith("/f", StringComparison.Ordinal)))
                            File.WriteAllText(f, "x");
                        live.AddRange(paths.Take(3));
                        Count(operations, "create");
                        break;
                    }
                    case 1: // move a sub-tree somewhere else inside the tree
                    {
                        var from = Pick();
                        var parent = Pick();
                        if (parent == from || parent.StartsWith(from + "/", StringComparison.Ordinal))
                            break;
                        var to = Path.Combine(parent, $"m{serial++}");
                        var content = SubTree(from);
                        Note(content.Select(p => to + p[from.Length..]));
                        Directory.Move(from, to);
                        Trace($"move {from} -> {to}");
                        var moved = live.Where(p => p == from || p.StartsWith(from + "/", StringComparison.Ordinal)).ToList();
                        Forget(from);
                        live.AddRange(moved.Select(p => to + p[from.Length..]));
                        File.WriteAllText(Path.Combine(to, "after-move"), ""); // must be reported under the new path
                        Note([Path.Combine(to, "after-move")]);
                        Count(operations, "move inside");
                        break;
                    }
                    case 2: // delete a sub-tree
                    {
                        var victim = Pick();
                        Directory.Delete(victim, recursive: true);
                        Trace($"delete {victim}");
                        Forget(victim);
                        Count(operations, "delete");
                        break;
                    }
                    case 3: // move a sub-tree out of the tree, then keep using it there
                    {
                        var from = Pick();
                        var to = outside[$"out{serial++}"];
                        var content = SubTree(from);
                        Note(content.Select(p => to + p[from.Length..]));
                        Directory.Move(from, to);
                        Trace($"move out {from} -> {to}");
                        Forget(from);
                        File.WriteAllText(Path.Combine(to, "outside-now"), ""); // never reported: not in the tree
                        Count(operations, "move out");
                        break;
                    }
                    case 4: // move a sub-tree in from outside
                    {
                        var staging = outside[$"in{serial++}"];
                        Directory.CreateDirectory(staging + "/p/q");
                        File.WriteAllText(staging + "/p/q/f", "");
                        var to = Path.Combine(Pick(), Path.GetFileName(staging));
                        Note([to, to + "/p", to + "/p/q", to + "/p/q/f"]);
                        Directory.Move(staging, to);
                        live.AddRange([to, to + "/p", to + "/p/q"]);
                        Count(operations, "move in");
                        break;
                    }
                    default: // write a file somewhere
                    {
                        var f = Path.Combine(Pick(), $"w{serial++}");
                        Note([f]);
                        File.WriteAllText(f, "x");
                        Count(operations, "write");
                        break;
                    }
                }
            }
            catch (DirectoryNotFoundException)
            {
                // A random pick raced with nothing (single-threaded mutator), so this would be a test bug: fail.
                throw;
            }
        }
        var mutateTime = clock.Elapsed;

        // Wait until every event caused so far is dispatched: a marker created last is dispatched last.
        clock.Restart();
        // Writes a marker and waits (up to the deadline) until it is dispatched; whether it was.
        bool Dispatched(string marker, TimeSpan within)
        {
            Note([marker]);
            File.WriteAllText(marker, "");
            var deadline = DateTime.UtcNow + within;
            while (!Snapshot(events).Any(e => e.PathName == marker) && DateTime.UtcNow < deadline)
                Thread.Sleep(10);
            return Snapshot(events).Any(e => e.PathName == marker);
        }
        // A marker inside a window that an overflow rescan superseded is (rightly) not delivered: try another.
        var marker = "";
        var markers = 0;
        var drained = false;
        while (!drained && markers < 30)
            drained = Dispatched(marker = Path.Combine(root, $"done{markers++}"), TimeSpan.FromSeconds(2));
        // The bookkeeping may defer a step to the end of what was queued when it listed a directory, which can
        // include the marker's own events: a second marker, written once the first was dispatched, comes after all
        // of that.
        if (drained)
            Dispatched(marker = Path.Combine(root, "settled"), TimeSpan.FromSeconds(10));
        var drainTime = clock.Elapsed;

        var all = Snapshot(events);
        if (Environment.GetEnvironmentVariable("INOTIFYGEN_STRESS_DUMP") is { Length: > 0 } dump)
            File.WriteAllLines(dump + "." + Path.GetFileName(root), all.Select(TreeRecorder.Describe).Append("WATCHES").Concat(wm.Watches.Values.Select(w => w.ToString())));
        Assert.True(all.Any(e => e.PathName == marker),
            $"not drained: {all.Count} events so far, notifier alive {notifier.IsAlive}, fault: {notifier.Fault}; last: {all.LastOrDefault()}");
        var stale = all.Where(e => e.Path.Length > 0 && (!everExisted.Contains(e.PathName) || (e.SrcPathName is { } s && !everExisted.Contains(s)))).ToList();
        Assert.True(stale.Count == 0, $"{stale.Count} events with a path that never existed, e.g.:\n" + string.Join("\n", stale.Take(10).Select(TreeRecorder.Describe)));
        Assert.DoesNotContain(all, e => e.PathName.StartsWith(outside.Path, StringComparison.Ordinal));
        var onDisk = MoveTests.DirectoriesOnDisk(root);
        var watched = new SortedSet<string>(wm.Watches.Values.Select(w => w.Path), StringComparer.Ordinal);
        var missing = onDisk.Except(watched).ToList();
        var context = missing.Count == 0 ? "" : "\nevents around the first: \n" + string.Join("\n", all
            .Where(e => (e.EventType & (EventMask.Open | EventMask.Access | EventMask.CloseNoWrite)) == 0)
            .Where(e => e.PathName.Contains("/m78", StringComparison.Ordinal) || (e.SrcPathName?.Contains("/m78", StringComparison.Ordinal) ?? false) || e.Name == "m78" || e.Name == "n277")
            .Take(40).Select(TreeRecorder.Describe));
        if (missing.Count > 0)
            for (var up = missing[0]; up.Length > root.Length; up = Path.GetDirectoryName(up)!)
                context += $"\nwatch at {up}: {wm.GetWd(up)}";
        context += "\nlog: " + string.Join("\n", log.Lines.Where(l => l.Level > LogLevel.Debug).Take(10));
        // Without a rescan an overflow loses events for good, and no table could match the disk after it.
        Assert.True(settings.Rescan || !all.Any(e => e.EventType == EventMask.QueueOverflow),
            "the kernel queue overflowed in a run without RescanOnOverflow (the machine was too slow for this mutator): the run proves nothing");
        Assert.True(onDisk.SetEquals(watched),
            $"missing watches: {string.Join(", ", missing.Take(10))}; extra watches: {string.Join(", ", watched.Except(onDisk).Take(10))}" + context);
        var overflows = all.Count(e => e.EventType == EventMask.QueueOverflow);
        var line = $"stress ({(allEvents ? "ALL_EVENTS" : "all but OPEN/ACCESS/CLOSE_NOWRITE")}): {initial.Count} directories built in {built.TotalMilliseconds:F0} ms, watched in {watchTime.TotalMilliseconds:F0} ms; " +
                   $"{operations.Values.Sum()} operations (seed {seed}: {string.Join(", ", operations.Select(kv => $"{kv.Key} {kv.Value}"))}) in {mutateTime.TotalMilliseconds:F0} ms, " +
                   $"drained {drainTime.TotalMilliseconds:F0} ms later ({markers} marker(s)); {all.Count} events checked, 0 stale; " +
                   $"{onDisk.Count} directories on disk = {watched.Count} watches; overflows: {overflows}; " +
                   $"warnings logged: {log.Lines.Count(l => l.Level >= LogLevel.Warning)}";
        ResultsFile.Append(line);
        Assert.DoesNotContain(log.Lines, l => l.Level >= LogLevel.Error);
        return line;
    }

    private static void Trace(string line)
    {
        if (Environment.GetEnvironmentVariable("INOTIFYGEN_STRESS_DUMP") is { Length: > 0 } dump)
            File.AppendAllText(dump + ".ops", line + "\n");
    }

    private static List<OwnedInotifyEvent> Snapshot(List<OwnedInotifyEvent> events)
    {
        lock (events) return events.ToList();
    }

    private static void Count(Dictionary<string, int> counts, string kind) =>
        counts[kind] = counts.GetValueOrDefault(kind) + 1;
}
