using Xunit;

namespace InotifyGen.Tests.Tracking;

/// <summary>
/// One race of the tree bookkeeping, written as data: the tree before, the operations (all done before anything is
/// read, so the table catches up with a stream that is already ahead of it), operations run at an exact point of the
/// tracker's work (a call it makes, or an event it delivers), how reads are cut, and what must be delivered. Every
/// case also requires that the watch table equals the simulated disk at the end and that every delivered path was true.
/// </summary>
public sealed record ReplayCase(string Name)
{
    public string[] Before { get; init; } = [];
    public EventMask Mask { get; init; } = EventMask.AllEvents;
    public string[] Ops { get; init; } = [];
    /// <summary>"list /w/a" (the tracker lists /w/a), "add_watch /w/a", or "delivered IN_CREATE|IN_ISDIR /w/a" (a prefix of a delivered line): each runs its operations once, the first time.</summary>
    public (string When, string[] Ops)[] During { get; init; } = [];
    /// <summary>As <see cref="During"/>, but while AddWatch sets the tree up (only calls: "list /w/a", "add_watch /w/a").</summary>
    public (string When, string[] Ops)[] DuringSetUp { get; init; } = [];
    public int[] ReadSizes { get; init; } = [];
    public int MaxQueuedEvents { get; init; } = 16384;
    public bool Rescan { get; init; }
    /// <summary>Lines that must be delivered, in this order (others may come between).</summary>
    public string[] Delivers { get; init; } = [];
    /// <summary>Prefixes no delivered line may start with.</summary>
    public string[] NeverDelivers { get; init; } = [];
    /// <summary>Lines that must be delivered exactly once.</summary>
    public string[] Once { get; init; } = [];
    /// <summary><see cref="NotifierOptions.CompleteFiles"/>.</summary>
    public bool CompleteFiles { get; init; } = true;

    public override string ToString() => Name;
}

public class ReplayTests
{
    public static readonly ReplayCase[] Cases =
    [
        new("a tree made before its IN_CREATE is read: every entry reported once")
        {
            Before = ["/w/"],
            Ops = ["mkdir /w/a", "mkdir /w/a/b", "mkdir /w/a/b/c", "write /w/a/b/c/f", "write /w/a/g"],
            Delivers = ["IN_CREATE|IN_ISDIR /w/a", "IN_CREATE|IN_ISDIR /w/a/b synthetic", "IN_CREATE /w/a/g synthetic",
                "IN_CREATE|IN_ISDIR /w/a/b/c synthetic", "IN_CREATE /w/a/b/c/f synthetic"],
            NeverDelivers = ["IN_CREATE /w/a/g\n", "IN_CREATE|IN_ISDIR /w/a/b\n"],
        },
        new("a directory made while the set-up walks, after its parent's watch and before its listing, is watched and reported")
        {
            // What the walk's old mtime check existed for: here the watch comes first, so the kernel reports it too.
            Before = ["/w/", "/w/a/"],
            DuringSetUp = [("list /w/a", ["mkdir /w/a/late", "mkdir /w/a/late/deeper"]), ("list /w/a/late/deeper", ["mkdir /w/b"])],
            Delivers = ["IN_CREATE|IN_ISDIR /w/a/late", "IN_CREATE|IN_ISDIR /w/b"],
            Once = ["IN_CREATE|IN_ISDIR /w/a/late", "IN_CREATE|IN_ISDIR /w/b"],
            // late was watched by the walk: its content was never missed, so nothing is synthesised for it.
            NeverDelivers = ["IN_CREATE|IN_ISDIR /w/a/late/deeper"],
        },
        new("a set-up with the listing events asked for reports none of its own reading, and a later reading by anyone")
        {
            Before = ["/w/", "/w/a/", "/w/a/b/", "/w/c/"],
            Ops = ["ls /w/a/b"],
            // From b's parent (with b's name) and from b's own watch: both paths are /w/a/b.
            Delivers = ["IN_OPEN|IN_ISDIR /w/a/b", "IN_OPEN|IN_ISDIR /w/a/b", "IN_ACCESS|IN_ISDIR /w/a/b", "IN_ACCESS|IN_ISDIR /w/a/b",
                "IN_CLOSE_NOWRITE|IN_ISDIR /w/a/b", "IN_CLOSE_NOWRITE|IN_ISDIR /w/a/b"],
            NeverDelivers = ["IN_OPEN|IN_ISDIR /w\n", "IN_OPEN|IN_ISDIR /w/a\n", "IN_OPEN|IN_ISDIR /w/c", "IN_ACCESS|IN_ISDIR /w/c",
                "IN_CLOSE_NOWRITE|IN_ISDIR /w/c"],
        },
        new("a move pair split across two reads is still paired")
        {
            Before = ["/w/", "/w/x/", "/w/y/"],
            Ops = ["mv /w/x /w/y/x"],
            ReadSizes = [1, 1, 1],
            Delivers = ["IN_MOVED_FROM|IN_ISDIR /w/x", "IN_MOVED_TO|IN_ISDIR /w/y/x from /w/x", "IN_MOVE_SELF /w/y/x"],
            NeverDelivers = ["IN_MOVED_FROM|IN_ISDIR /w/x moved-out"],
        },
        new("a directory moved in from outside, into one that then moved inside the tree before its new parent was listed")
        {
            // The issue's lost watch: X's IN_MOVED_TO names a/p, which has moved to b/p (b is new, not yet watched, so
            // the move has no IN_MOVED_TO). X cannot be watched at a/p/x; listing b finds p by its inode, and what
            // was missed below a/p is below b/p now.
            Before = ["/w/", "/w/a/", "/w/a/p/", "/out/", "/out/x/", "/out/x/deep/"],
            Ops = ["mv /out/x /w/a/p/x", "mkdir /w/b", "mv /w/a/p /w/b/p"],
            // p's IN_MOVE_SELF is not reported: from its unpaired IN_MOVED_FROM until the stream reaches b's listing,
            // p is at no place an event names (it might have moved on with a directory above it, as the next case's
            // does); arrived, what it holds is reported.
            Delivers = ["IN_MOVED_TO|IN_ISDIR /w/a/p/x", "IN_CREATE|IN_ISDIR /w/b", "IN_CREATE|IN_ISDIR /w/b/p synthetic",
                "IN_MOVED_FROM|IN_ISDIR /w/a/p", "IN_CREATE|IN_ISDIR /w/b/p/x/deep synthetic", "IN_CREATE|IN_ISDIR /w/b/p/x synthetic"],
            // p did not leave the tree: the listing of b found it there.
            NeverDelivers = ["IN_MOVED_FROM|IN_ISDIR /w/a/p moved-out", "IN_MOVE_SELF /w/a/p"],
        },
        new("the same, one level deeper: the new directory's parent sat below the one that moved")
        {
            Before = ["/w/", "/w/a/", "/w/a/p/", "/w/a/p/q/", "/out/", "/out/x/"],
            Ops = ["mv /out/x /w/a/p/q/x", "mkdir /w/b", "mv /w/a/p /w/b/p"],
        },
        new("a directory deleted while it is being listed")
        {
            Before = ["/w/"],
            Ops = ["mkdir /w/a", "mkdir /w/a/b"],
            During = [("list /w/a", ["rm /w/a"])],
        },
        new("a directory moved inside the tree while it is being listed")
        {
            Before = ["/w/", "/w/d/"],
            Ops = ["mkdir /w/a", "mkdir /w/a/b"],
            During = [("list /w/a", ["mv /w/a /w/d/a2"])],
        },
        new("a directory replaced by a new one of the same name while it is being listed")
        {
            Before = ["/w/"],
            Ops = ["mkdir /w/a", "mkdir /w/a/old"],
            During = [("list /w/a", ["mv /w/a /w/a2", "mkdir /w/a", "mkdir /w/a/new"])],
        },
        new("a listing finds a directory at its new place by its inode; its queued IN_MOVE_SELF drops nothing added below it")
        {
            // CatchUpTests' first case, replayed: c moves under in/p/q (q not watched yet), t arrives under c/d first.
            Before = ["/w/", "/w/a/", "/w/a/c/", "/w/a/c/d/", "/out/", "/out/in/", "/out/in/p/", "/out/in/p/q/", "/out/t/", "/out/t/u/"],
            Mask = EventMask.Create | EventMask.Delete | EventMask.Move,
            Ops = ["mv /out/in /w/in", "mv /out/t /w/a/c/d/t", "mv /w/a/c /w/in/p/q/m"],
            Delivers = ["IN_CREATE|IN_ISDIR /w/in/p/q/m/d/t/u synthetic"],
        },
        new("a directory moved where no watch saw, then on again before a listing found it: its events in between name no false place")
        {
            // The churn loop's seed 4210: m moves into x (x is new, never watched, so the move has no IN_MOVED_TO), a
            // directory arrives in m/c and is deleted, and x moves on into in (moved in, not yet watched). Listing in
            // finds m by its inode; m's unpaired IN_MOVED_FROM is where it arrived, but where it was in between (below
            // n/x) no watch ever said, and the final place (in/x2/m) is not where m/c/m2 ever was.
            Before = ["/w/", "/w/a/", "/w/a/m/", "/w/a/m/c/", "/w/b/", "/w/b/src/", "/out/", "/out/in/"],
            Ops = ["mkdir /w/n", "mkdir /w/n/x", "mv /out/in /w/in", "mv /w/a/m /w/n/x/m", "mv /w/b/src /w/n/x/m/c/m2",
                "rm /w/n/x/m/c/m2", "mv /w/n/x /w/in/x2", "write /w/in/x2/m/c/f"],
            // Its events while away are not reported; what it holds when it arrives is, once.
            Delivers = ["IN_CREATE|IN_ISDIR /w/in/x2/m synthetic", "IN_MOVED_FROM|IN_ISDIR /w/a/m", "IN_CREATE /w/in/x2/m/c/f synthetic"],
            Once = ["IN_CREATE /w/in/x2/m/c/f synthetic"],
            NeverDelivers = ["IN_MOVED_FROM|IN_ISDIR /w/a/m moved-out"],
        },
        new("a directory moved into one that then left the tree goes with it")
        {
            // CatchUpTests' second case: when sub is reported, a/x moves into it, and sub leaves the tree.
            Before = ["/w/", "/w/a/", "/w/a/x/", "/w/a/x/y/", "/out/"],
            Mask = EventMask.Create | EventMask.Delete | EventMask.Move,
            Ops = ["mkdir /w/d", "mkdir /w/d/sub"],
            During = [("delivered IN_CREATE|IN_ISDIR /w/d/sub synthetic", ["mv /w/a/x /w/d/sub/m", "mv /w/d/sub /out/sub"])],
            Delivers = ["IN_MOVED_FROM|IN_ISDIR /w/a/x moved-out"],
        },
        new("an entry made after the watch and before the listing is reported once, not by both")
        {
            Before = ["/w/"],
            Ops = ["mkdir /w/a"],
            During = [("list /w/a", ["mkdir /w/a/late", "write /w/a/f"])],
            Delivers = ["IN_CREATE|IN_ISDIR /w/a", "IN_CREATE /w/a/f synthetic", "IN_CREATE|IN_ISDIR /w/a/late synthetic"],
            NeverDelivers = ["IN_CREATE|IN_ISDIR /w/a/late\n", "IN_CREATE /w/a/f\n"],
        },
        new("a directory created inside one moved in from outside while the moved one is listed")
        {
            Before = ["/w/", "/out/", "/out/m/", "/out/m/n/"],
            Ops = ["mv /out/m /w/m"],
            During = [("list /w/m", ["mkdir /w/m/late", "mkdir /w/m/n/late"])],
        },
        new("a name that is not UTF-8 is watched and reported with its bytes, at every depth")
        {
            Before = ["/w/", "/w/x\uDCFFy/"],
            Ops = ["mkdir /w/x\uDCFFy/z\uDCFE", "mkdir /w/x\uDCFFy/z\uDCFE/in", "write /w/x\uDCFFy/z\uDCFE/in/f"],
            Delivers = ["IN_CREATE|IN_ISDIR /w/x\uDCFFy/z\uDCFE", "IN_CREATE|IN_ISDIR /w/x\uDCFFy/z\uDCFE/in synthetic",
                "IN_CREATE /w/x\uDCFFy/z\uDCFE/in/f synthetic"],
        },
        new("an overflow with rescan: the table matches the disk, and the tree hears once that events were lost")
        {
            Before = ["/w/", "/w/a/", "/w/a/b/"],
            MaxQueuedEvents = 4,
            Rescan = true,
            Ops = ["mkdir /w/n1", "mkdir /w/n1/n2", "mkdir /w/n1/n2/n3", "mv /w/a /w/n1/a", "rm /w/n1/a/b", "mkdir /w/c",
                "mkdir /w/c/d", "write /w/c/f", "mkdir /w/e", "mkdir /w/e/f", "write /w/e/g"],
            Delivers = ["IN_Q_OVERFLOW ", "IN_Q_OVERFLOW /w synthetic lost"],
        },
        new("overflows during every rescan: rescans stop after a few, and the next read catches up")
        {
            // Each listing of the rescan floods the queue again, as a rescan of a busy tree can.
            Before = ["/w/", "/w/a/", "/w/b/"],
            MaxQueuedEvents = 4,
            Rescan = true,
            Ops = ["mkdir /w/c", "mkdir /w/d", "mkdir /w/e", "mkdir /w/f", "mkdir /w/g"],
            During = [("list /w/a", ["write /w/b/1", "write /w/b/2", "write /w/b/3", "write /w/b/4"])],
        },
        new("a file written before its directory's watch existed is closed once, by the listing")
        {
            Before = ["/w/"],
            Mask = EventMask.AllEvents | EventMask.FileComplete,
            Ops = ["mkdir /w/a", "write /w/a/f"],
            Delivers = ["IN_CREATE /w/a/f synthetic", "IN_CLOSE_WRITE /w/a/f synthetic", "IN_FILE_COMPLETE /w/a/f synthetic"],
            Once = ["IN_CLOSE_WRITE /w/a/f synthetic", "IN_FILE_COMPLETE /w/a/f synthetic"],
            // The probe that asked whether f is still open is not reported.
            NeverDelivers = ["IN_CLOSE_WRITE /w/a/f\n", "IN_OPEN /w/a/f", "IN_CLOSE_NOWRITE /w/a/f"],
        },
        new("a file written and closed after the watch, before the listing: its queued IN_CLOSE_WRITE is not a second one")
        {
            Before = ["/w/"],
            Mask = EventMask.AllEvents | EventMask.FileComplete,
            Ops = ["mkdir /w/a"],
            During = [("list /w/a", ["write /w/a/f"])],
            Once = ["IN_CLOSE_WRITE /w/a/f synthetic", "IN_FILE_COMPLETE /w/a/f synthetic"],
            NeverDelivers = ["IN_CLOSE_WRITE /w/a/f\n", "IN_FILE_COMPLETE /w/a/f\n"],
        },
        new("a file still open for writing when its directory is listed gets only the kernel's IN_CLOSE_WRITE, later")
        {
            Before = ["/w/"],
            Mask = EventMask.AllEvents | EventMask.FileComplete,
            Ops = ["mkdir /w/a", "open /w/a/f"],
            // Closed after the listing asked (the listing's own IN_ACCESS is read after it).
            During = [("delivered IN_ACCESS|IN_ISDIR /w/a", ["close /w/a/f"])],
            Delivers = ["IN_CREATE /w/a/f synthetic", "IN_CLOSE_WRITE /w/a/f", "IN_FILE_COMPLETE /w/a/f"],
            Once = ["IN_CLOSE_WRITE /w/a/f", "IN_FILE_COMPLETE /w/a/f"],
            NeverDelivers = ["IN_CLOSE_WRITE /w/a/f synthetic", "IN_FILE_COMPLETE /w/a/f synthetic"],
        },
        new("a file renamed into place, or moved in, is complete once under its final name")
        {
            Before = ["/w/", "/out/", "/out/g"],
            Mask = EventMask.FileComplete,
            Ops = ["write /w/.f.tmp", "mv /w/.f.tmp /w/f", "mv /out/g /w/g"],
            Delivers = ["IN_FILE_COMPLETE /w/.f.tmp", "IN_FILE_COMPLETE /w/f", "IN_FILE_COMPLETE /w/g"],
            Once = ["IN_FILE_COMPLETE /w/f", "IN_FILE_COMPLETE /w/g"],
        },
        new("a file renamed into place while still open for writing is complete when it is closed")
        {
            Before = ["/w/"],
            Mask = EventMask.FileComplete | EventMask.MovedTo,
            Ops = ["open /w/.f.tmp", "mv /w/.f.tmp /w/f"],
            During = [("delivered IN_MOVED_TO /w/f", ["close /w/f"])],
            Once = ["IN_FILE_COMPLETE /w/f"],
        },
        new("pyinotify's stream (CompleteFiles off): a listed file gets its IN_CREATE only")
        {
            Before = ["/w/"],
            CompleteFiles = false,
            Ops = ["mkdir /w/a", "write /w/a/f"],
            Delivers = ["IN_CREATE /w/a/f synthetic"],
            NeverDelivers = ["IN_CLOSE_WRITE /w/a/f"],
        },
    ];

    public static TheoryData<string> CaseNames => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Replay(string name)
    {
        var c = Cases.Single(x => x.Name == name);
        using var tree = Run(c);
        tree.AssertNoViolations();
        tree.AssertTableMatchesDisk("/w");
        var lines = tree.Delivered.Select(l => l + "\n").ToList();
        var at = 0;
        foreach (var expected in c.Delivers)
        {
            var found = lines.FindIndex(at, l => l == expected + "\n");
            Assert.True(found >= 0, $"'{expected}' not delivered (in order); delivered:\n{string.Join("", lines)}");
            at = found + 1;
        }
        foreach (var never in c.NeverDelivers)
            Assert.DoesNotContain(lines, l => l.StartsWith(never, StringComparison.Ordinal));
        foreach (var once in c.Once)
            Assert.True(lines.Count(l => l == once + "\n") == 1, $"'{once}' not delivered exactly once; delivered:\n{string.Join("", lines)}");
    }

    [Theory]
    [InlineData(EventMask.AllEvents, true)]
    [InlineData(EventMask.Create | EventMask.Delete, false)]
    public void SetUp_WithholdsTheListingEvents_UntilEachDirectoryIsListed_AndOnlyWhenAskedFor(EventMask mask, bool widens)
    {
        using var tree = new SimulatedTree();
        tree.Build("/w/", "/w/a/", "/w/a/b/", "/w/c/");
        var adds = new List<string>();
        var masks = new Dictionary<string, EventMask>();
        tree.Kernel.BeforeCall = (call, path) =>
        {
            if (call == "add_watch")
                adds.Add(path!);
            if (call == "list")
            {
                masks[path!] = tree.Kernel.MaskOn(path!);
                // While a directory is listed, neither it nor its parent may ask for what the listing causes.
                if (PathText.Parent(path!) is { } parent && parent.StartsWith("/w", StringComparison.Ordinal))
                    Assert.Equal(EventMask.None, tree.Kernel.MaskOn(parent) & WatchManager.ListingEvents);
            }
        };
        tree.WatchTree("/w", mask);
        tree.Kernel.BeforeCall = null;
        Assert.All(masks.Values, m => Assert.Equal(EventMask.None, m & WatchManager.ListingEvents));
        foreach (var d in new[] { "/w", "/w/a", "/w/a/b", "/w/c" })
            Assert.Equal(widens ? WatchManager.ListingEvents : EventMask.None, tree.Kernel.MaskOn(d) & WatchManager.ListingEvents);
        // One add_watch per directory, and one more for each widening.
        Assert.Equal(widens ? 8 : 4, adds.Count);
        tree.Drain();
        Assert.DoesNotContain(tree.Delivered, l => l.Contains("IN_OPEN", StringComparison.Ordinal) || l.Contains("IN_ACCESS", StringComparison.Ordinal)
            || l.Contains("IN_CLOSE_NOWRITE", StringComparison.Ordinal));
        tree.AssertNoViolations();
    }

    [Fact]
    public void Replay_NotUtf8Names_DeliverTheExactBytes()
    {
        using var tree = Run(Cases.Single(c => c.Name.StartsWith("a name that is not UTF-8", StringComparison.Ordinal)));
        var watch = tree.WatchManager.Watches.Values.Single(w => w.Path.EndsWith("/in", StringComparison.Ordinal));
        Assert.Equal(new byte[] { (byte)'/', (byte)'w', (byte)'/', (byte)'x', 0xFF, (byte)'y', (byte)'/', (byte)'z', 0xFE, (byte)'/', (byte)'i', (byte)'n' },
            FileNames.Encode(watch.Path));
    }

    [Fact]
    public void Replay_RescansThatKeepOverflowing_AreBounded()
    {
        using var tree = Run(Cases.Single(c => c.Name.StartsWith("overflows during every rescan", StringComparison.Ordinal)));
        var lost = tree.Delivered.Count(l => l.EndsWith(" lost", StringComparison.Ordinal));
        Assert.InRange(lost, 1, 1 + OverflowRecovery.MaxChained);
    }

    [Fact]
    public void Replay_ARescanWhoseEveryListingOverflowsAgain_DoesNotChainWithoutBound()
    {
        // Each time the tracker asks how much the kernel holds (the end of a rescan's window among them), the small
        // queue has just been read and is flooded once more, as a busy tree can be while it is rescanned, for as long
        // as the budget lasts: unbounded, each rescan's window would overflow again and ask for another.
        using var tree = new SimulatedTree(new NotifierOptions { RescanOnOverflow = true });
        tree.Build("/w/", "/w/a/", "/w/b/", "/w/c/");
        tree.WatchTree("/w", EventMask.Create);
        tree.Kernel.MaxQueuedEvents = 4;
        var floods = 0;
        tree.Kernel.BeforeCall = (call, _) =>
        {
            if (call != "fionread" || floods >= 60)
                return;
            for (var i = 0; i < 6; i++)
                tree.Kernel.WriteFile($"/w/a/f{floods}-{i}");
            floods++;
        };
        ReplayTests.Apply(tree.Kernel, ["mkdir /w/d", "mkdir /w/e", "mkdir /w/f", "mkdir /w/g", "mkdir /w/h"]);
        tree.Drain();
        var rescans = tree.Delivered.Count(l => l == "IN_Q_OVERFLOW /w synthetic lost");
        Assert.True(floods < 60, $"the floods ran out ({floods}): the rescans did not stop by themselves");
        Assert.InRange(rescans, 2, 1 + OverflowRecovery.MaxChained);
        Assert.True(tree.Log.Lines.Any(l => l.Text.Contains("rescanning is suspended", StringComparison.Ordinal)), $"rescans {rescans}, floods {floods}, overflows {tree.Delivered.Count(l => l == "IN_Q_OVERFLOW ")}:\n" + string.Join("\n", tree.Delivered.Where(l => l.Contains("OVERFLOW") || l.Contains("ISDIR"))));
    }

    internal static SimulatedTree Run(ReplayCase c)
    {
        var tree = new SimulatedTree(new NotifierOptions { RescanOnOverflow = c.Rescan, CompleteFiles = c.CompleteFiles });
        tree.Build(c.Before);
        var setUp = c.DuringSetUp.ToList();
        tree.Kernel.BeforeCall = (call, path) =>
        {
            var i = setUp.FindIndex(s => $"{call} {path}".StartsWith(s.When, StringComparison.Ordinal));
            if (i < 0)
                return;
            var ops = setUp[i].Ops;
            setUp.RemoveAt(i);
            Apply(tree.Kernel, ops);
        };
        tree.WatchTree("/w", c.Mask);
        Assert.True(setUp.Count == 0, $"the set-up never made the call {string.Join(", ", setUp.Select(s => s.When))}");
        tree.Kernel.MaxQueuedEvents = c.MaxQueuedEvents;
        foreach (var size in c.ReadSizes)
            tree.Kernel.ReadSizes.Enqueue(size);
        var pending = c.During.ToList();
        void Trigger(string what)
        {
            for (var i = 0; i < pending.Count; i++)
            {
                if (!what.StartsWith(pending[i].When, StringComparison.Ordinal))
                    continue;
                var ops = pending[i].Ops;
                pending.RemoveAt(i);
                Apply(tree.Kernel, ops);
                return;
            }
        }
        tree.Kernel.BeforeCall = (call, path) => Trigger(path is null ? call : $"{call} {path}");
        // Run inside the handler, as a handler that changes the disk would.
        tree.OnDelivered = line => Trigger("delivered " + line);
        Apply(tree.Kernel, c.Ops);
        tree.Drain();
        return tree;
    }

    internal static void Apply(SimulatedKernel kernel, IEnumerable<string> ops)
    {
        foreach (var op in ops)
        {
            var parts = op.Split(' ');
            switch (parts[0])
            {
                case "mkdir": kernel.Mkdir(parts[1]); break;
                case "write": kernel.WriteFile(parts[1]); break;
                case "open": kernel.OpenFile(parts[1]); break;
                case "close": kernel.CloseFile(parts[1]); break;
                case "mv": kernel.Rename(parts[1], parts[2]); break;
                case "rm": kernel.Remove(parts[1]); break;
                case "ls": kernel.ReadDirectory(parts[1]); break;
                default: throw new ArgumentException($"unknown operation '{op}'");
            }
        }
    }
}
