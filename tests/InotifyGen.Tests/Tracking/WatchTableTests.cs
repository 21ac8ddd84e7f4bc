using Xunit;

namespace InotifyGen.Tests.Tracking;

/// <summary>The watch table alone: a tree of (parent, name bytes) nodes, no kernel, no file system.</summary>
public class WatchTableTests
{
    private int _nextWd = 1;

    private Watch Add(WatchTable table, string path, out Watch? displaced)
    {
        var w = new Watch(_nextWd++, WatchSettings.None, isDir: true);
        displaced = table.Add(w, path);
        return w;
    }

    private Watch Add(WatchTable table, string path)
    {
        var w = Add(table, path, out var displaced);
        Assert.Null(displaced);
        return w;
    }

    private static string[] PathsUnder(WatchTable table, string path) => table.Under(path).Select(w => w.Path).ToArray();

    [Fact]
    public void Names_AreShared_BetweenNodesOfTheSameName_AndEveryNameStaysItsOwn()
    {
        var table = new WatchTable();
        var src1 = Add(table, "/w/a/src");
        var src2 = Add(table, "/w/b/src");
        Assert.Same(src1.Name, src2.Name);

        // 20,000 distinct names through a cache of 4,096 slots: collisions replace what is kept, never what a node holds.
        var all = Enumerable.Range(0, 20_000).Select(i => (Path: $"/w/n{i}", Watch: Add(table, $"/w/n{i}"))).ToList();
        Assert.All(all, x => Assert.Equal(x.Path, x.Watch.Path));
        Assert.All(all, x => Assert.Same(x.Watch, table.At(x.Path)));
        Assert.Equal(1 + 20_000 + 5, table.NodeCount); // "/", /w, /w/a, /w/b, the two src, and the 20,000
        Assert.Equal("src", System.Text.Encoding.UTF8.GetString(src1.Name));
    }

    [Fact]
    public void Move_ReparentsOneNode_AndEveryPathBelowFollows()
    {
        var table = new WatchTable();
        var top = Add(table, "/w");
        var a = Add(table, "/w/a");
        var b = Add(table, "/w/a/b");
        var c = Add(table, "/w/a/b/c");
        Assert.Equal("/w/a/b/c", c.Path); // cached now
        var nodes = table.NodeCount;
        var bName = b.Name;

        Assert.Empty(table.Move("/w/a", "/w/z"));

        Assert.Equal("/w/z", a.Path);
        Assert.Equal("/w/z/b", b.Path);
        Assert.Equal("/w/z/b/c", c.Path);
        Assert.Same(bName, b.Name); // the names below were not rewritten
        Assert.Same(a, b.Parent);
        Assert.Equal(nodes, table.NodeCount);
        Assert.Null(table.At("/w/a/b"));
        Assert.Same(b, table.At("/w/z/b"));
        Assert.Same(top, a.Parent);
        Assert.Equal(4, table.LiveCount);
    }

    [Fact]
    public void PathCachedBeforeAMove_IsTheNewOne_AfterTheMovedWatchEnds_AndANodeStandsInForIt()
    {
        // The churn loop's seed 4219: a3 moves (its children's cached paths are stale from then on), then a3's own
        // watch ends and an intermediate node takes its place. That node is new, with no move on record: the stale
        // paths below it must not pass for current.
        var table = new WatchTable();
        Add(table, "/w");
        var a = Add(table, "/w/a3");
        var c = Add(table, "/w/a3/b5/c1");
        Assert.Equal("/w/a3/b5/c1", c.Path); // cached now
        table.Move("/w/a3", "/w/in/p/m143");
        table.End(a, WatchState.Detached);

        Assert.Equal("/w/in/p/m143/b5/c1", c.PathNow());
        Assert.Equal("/w/in/p/m143/b5/c1", c.Path);
    }

    [Fact]
    public void PathDerivedAfterAnAncestorMoved_IsTheNewOne_EvenThroughIntermediateNodes()
    {
        var table = new WatchTable();
        var y = Add(table, "/r/x/y"); // /r and /r/x are intermediate nodes
        var z = Add(table, "/r/x/y/z");
        Assert.Equal("/r/x/y/z", z.Path);
        Assert.Null(table.At("/r/x"));

        table.Move("/r/x", "/r/q");
        Assert.Equal("/r/q/y", y.Path);
        Assert.Equal("/r/q/y/z", z.Path);

        table.Move("/r", "/s"); // the move of an ancestor two levels up, with both paths cached
        Assert.Equal("/s/q/y/z", z.Path);
        Assert.Equal("/s/q/y", y.Path);
        Assert.Same(z, table.At("/s/q/y/z"));
    }

    [Fact]
    public void Under_WalksTheSubtree_ParentsFirst_AndNotTheSiblingsWithTheSamePrefix()
    {
        var table = new WatchTable();
        Add(table, "/w");
        Add(table, "/w/a");
        Add(table, "/w/a/b");
        Add(table, "/w/a/c");
        Add(table, "/w/ab");
        Add(table, "/w/a-");

        var under = PathsUnder(table, "/w/a");
        Assert.Equal(new[] { "/w/a", "/w/a/b", "/w/a/c" }, under.Order(StringComparer.Ordinal));
        Assert.Equal("/w/a", under[0]);
        Assert.Equal(6, PathsUnder(table, "/").Length);
        Assert.Empty(PathsUnder(table, "/nowhere"));
        Assert.Equal(["/w/a/b"], PathsUnder(table, "/w/a/b"));
    }

    [Fact]
    public void NameThatIsNotUtf8_IsStoredAsItsBytes_AndThePathGivesThemBack()
    {
        var table = new WatchTable();
        var ff = FileNames.Decode([(byte)'/', (byte)'w', (byte)'/', (byte)'x', 0xff, (byte)'y']);
        var fe = FileNames.Decode([(byte)'/', (byte)'w', (byte)'/', (byte)'x', 0xfe, (byte)'y']);
        var wff = Add(table, ff);
        var wfe = Add(table, fe);
        var below = Add(table, ff + "/\u00e9t\u00e9");

        Assert.Equal(new byte[] { (byte)'x', 0xff, (byte)'y' }, wff.Name);
        Assert.Equal(new byte[] { (byte)'x', 0xfe, (byte)'y' }, wfe.Name);
        Assert.NotSame(wff, wfe);
        Assert.Equal(ff, wff.Path);
        Assert.Equal(new byte[] { (byte)'/', (byte)'w', (byte)'/', (byte)'x', 0xff, (byte)'y', (byte)'/', 0xc3, 0xa9, (byte)'t', 0xc3, 0xa9 },
            FileNames.Encode(below.Path));
        Assert.Same(below, table.At(ff + "/\u00e9t\u00e9"));

        table.Move(ff, fe + "2");
        Assert.Equal(fe + "2/\u00e9t\u00e9", below.Path);
        Assert.Equal([0x2f, 0x77, 0x2f, 0x78, 0xfe, 0x79, 0x32, 0x2f, 0xc3, 0xa9, 0x74, 0xc3, 0xa9], FileNames.Encode(below.Path));
    }

    [Fact]
    public void WatchDisplacedAtItsPath_IsDetached_KeepsItsPath_AndItsWatchesBelowGoUnderTheNewOne()
    {
        var table = new WatchTable();
        var old = Add(table, "/w/a");
        var child = Add(table, "/w/a/b");

        var fresh = Add(table, "/w/a", out var displaced);

        Assert.Same(old, displaced);
        Assert.Equal(WatchState.Detached, old.State);
        Assert.Equal("/w/a", old.Path);
        Assert.Same(fresh, table.At("/w/a"));
        Assert.Same(fresh, child.Parent);
        Assert.Equal(new[] { fresh, child }, table.Under("/w/a"));
        Assert.Equal(2, table.LiveCount);
        Assert.Same(old, table.ForEvent(old.Wd)); // its last events still map to it until its IN_IGNORED
    }

    [Fact]
    public void MoveOntoWatchedPlace_DisplacesTheCollidingWatches_AndMergesTheRest()
    {
        var table = new WatchTable();
        var a = Add(table, "/w/a");
        var ab = Add(table, "/w/a/b");
        var t = Add(table, "/w/t");
        var tb = Add(table, "/w/t/b");
        var te = Add(table, "/w/t/e");
        var tbx = Add(table, "/w/t/b/x");
        Assert.Equal("/w/t/b", tb.Path);

        var displaced = table.Move("/w/a", "/w/t");

        Assert.Equal(new[] { t, tb }.OrderBy(w => w.Wd), displaced.OrderBy(w => w.Wd));
        Assert.Equal("/w/t", t.Path);
        Assert.Equal("/w/t/b", tb.Path);
        Assert.Same(a, table.At("/w/t"));
        Assert.Same(ab, table.At("/w/t/b"));
        Assert.Same(te, table.At("/w/t/e"));
        Assert.Same(tbx, table.At("/w/t/b/x")); // not displaced: nothing moved onto it
        Assert.Equal("/w/t/b/x", tbx.Path);
        Assert.Null(table.At("/w/a"));
        Assert.Equal(4, table.LiveCount);
    }

    [Fact]
    public void RemovingASubtree_LeavesNoNodeBehind_AndFreezesEveryPath()
    {
        var table = new WatchTable();
        var keep = Add(table, "/w/keep");
        var doomed = new[] { Add(table, "/w/x"), Add(table, "/w/x/y"), Add(table, "/w/x/y/z"), Add(table, "/w/x/q") };
        var nodes = table.NodeCount;

        var under = table.Under("/w/x");
        for (var i = under.Count - 1; i >= 0; i--)
            table.End(under[i], WatchState.Detached);

        Assert.Equal(1, table.LiveCount);
        Assert.Equal(nodes - 4, table.NodeCount);
        Assert.Empty(table.Under("/w/x"));
        Assert.All(doomed, w => Assert.True(w.IsRemoved));
        Assert.Equal(["/w/x", "/w/x/y", "/w/x/y/z", "/w/x/q"], doomed.Select(w => w.Path));
        Assert.Same(keep, table.At("/w/keep"));

        // Frozen: a later move of what was their parent does not change them.
        table.Move("/w", "/v");
        Assert.Equal("/w/x/y/z", doomed[2].Path);
        Assert.Equal("/v/keep", keep.Path);
    }

    [Fact]
    public void EndingAWatchWithWatchesBelow_LeavesThemInPlace_AndAWatchAddedThereTakesThemBack()
    {
        var table = new WatchTable();
        var a = Add(table, "/w/a");
        var b = Add(table, "/w/a/b");
        table.End(a, WatchState.Removed);

        Assert.Null(table.At("/w/a"));
        Assert.Same(b, table.At("/w/a/b"));
        Assert.Equal("/w/a/b", b.Path);
        Assert.Equal([b], table.Under("/w/a"));

        var again = Add(table, "/w/a");
        Assert.Same(again, b.Parent);
        Assert.Equal([again, b], table.Under("/w/a"));
    }

    [Fact]
    public void ForgetAndRetire_ByWd()
    {
        var table = new WatchTable();
        var a = Add(table, "/w/a");
        table.Forget(a);
        Assert.Null(table.ForEvent(a.Wd));
        Assert.True(table.IsRetired(a.Wd));
        Assert.Equal(WatchState.Forgotten, a.State);
        Assert.Equal(0, table.LiveCount);
        Assert.Equal(1, table.NodeCount); // only the root
    }

    [Fact]
    public void ManyWatchesInOneDirectory_AddedAndMostlyEnded_TheRestAreStillFound()
    {
        // Grows both indexes through several sizes, then shrinks them again as the watches end.
        var table = new WatchTable();
        var all = Enumerable.Range(0, 5000).Select(i => Add(table, $"/w/d{i}")).ToList();
        for (var i = 0; i < all.Count; i++)
            if (i % 500 != 7)
                table.End(all[i], WatchState.Detached);
        for (var i = 0; i < all.Count; i++)
            if (i % 500 != 7)
                table.Forget(all[i]);
        var left = all.Where((_, i) => i % 500 == 7).ToList();
        Assert.Equal(left.Count, table.LiveCount);
        Assert.All(left, w => Assert.Same(w, table.At(w.Path)));
        Assert.All(left, w => Assert.Same(w, table.Live(w.Wd)));
        Assert.Equal(left.Select(w => w.Wd).Order(), table.Under("/w").Select(w => w.Wd).Order());
        Assert.Null(table.At("/w/d0"));
        Assert.Null(table.ForEvent(all[0].Wd));
    }

    [Fact]
    public void RootWatch_HoldsEverythingBelow()
    {
        var table = new WatchTable();
        var below = Add(table, "/tmp/x");
        var root = Add(table, "/");
        Assert.Equal("/", root.Path);
        Assert.Equal([root, below], table.Under("/"));
        table.End(root, WatchState.Removed);
        Assert.Same(below, table.At("/tmp/x"));
        Assert.Equal("/tmp/x", below.Path);
    }

    /// <summary>
    /// Random adds, moves and ends on a small universe of paths (a name with invalid UTF-8 among them), checked after
    /// every step against a model that is the table as it was before the tree: a dictionary of path strings, every
    /// path below a move rewritten.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void RandomOperations_AgreeWithThePathStringModel(int seed)
    {
        var random = new Random(seed);
        var names = new[] { "a", "b", "c", FileNames.Decode([0xff]) };
        string RandomPath()
        {
            var depth = random.Next(1, 5);
            return "/" + string.Join("/", Enumerable.Range(0, depth).Select(_ => names[random.Next(names.Length)]));
        }
        var table = new WatchTable();
        var model = new Dictionary<string, Watch>(StringComparer.Ordinal);
        for (var step = 0; step < 3000; step++)
        {
            var op = random.Next(10);
            if (op < 4)
            {
                var p = RandomPath();
                var w = Add(table, p, out var displaced);
                Assert.Same(model.GetValueOrDefault(p), displaced);
                model[p] = w;
            }
            else if (op < 8)
            {
                var from = RandomPath();
                var to = RandomPath();
                if (PathText.IsAtOrBelow(to, from))
                    continue;
                var moved = model.Where(kv => PathText.IsAtOrBelow(kv.Key, from)).ToList();
                foreach (var kv in moved)
                    model.Remove(kv.Key);
                var expected = new List<Watch>();
                foreach (var kv in moved)
                {
                    var target = PathText.Rebase(kv.Key, from, to);
                    if (model.Remove(target, out var stale))
                        expected.Add(stale);
                    model[target] = kv.Value;
                }
                var displaced = table.Move(from, to);
                Assert.Equal(expected.Select(w => w.Wd).Order(), displaced.Select(w => w.Wd).Order());
                Assert.All(displaced, w => Assert.Equal(WatchState.Detached, w.State));
            }
            else if (model.Count > 0)
            {
                var (p, w) = model.ElementAt(random.Next(model.Count));
                model.Remove(p);
                table.End(w, WatchState.Removed);
                Assert.Equal(p, w.Path);
            }

            Assert.Equal(model.Count, table.LiveCount);
            foreach (var (p, w) in model)
            {
                Assert.Equal(p, w.Path);
                Assert.Same(w, table.At(p));
                Assert.Same(w, table.Live(w.Wd));
            }
            var probe = step % 7 == 0 ? "/" : RandomPath();
            var under = table.Under(probe);
            Assert.Equal(model.Where(kv => PathText.IsAtOrBelow(kv.Key, probe)).Select(kv => kv.Value.Wd).Order(), under.Select(w => w.Wd).Order());
            for (var i = 0; i < under.Count; i++) // parents before children
                for (var j = 0; j < i; j++)
                    Assert.False(PathText.IsAtOrBelow(under[j].Path, under[i].Path) && under[j].Path != under[i].Path);
        }
        // Every node left is a live watch or an ancestor of one (intermediate nodes are pruned).
        var ancestors = model.Keys.SelectMany(p => Enumerable.Range(1, p.Count(c => c == '/') - 1)
            .Select(n => string.Join("/", p.Split('/').Take(n + 1)))).Concat(model.Keys).Distinct().Count();
        Assert.Equal(ancestors + 1, table.NodeCount);
    }
}
