using InotifyGen.Nats.State;
using InotifyGen.Tests.Support;

namespace InotifyGen.Nats.Tests;

/// <summary>The persisted tree state and its comparison with the tree, on real directories (no server).</summary>
public sealed class StateTests
{
    [Fact]
    public void Diff_ChangesWhileDown_AreCreatedWrittenAndDeleted()
    {
        using var dir = new TempDir();
        var kept = dir.WriteFile("kept.txt", "same");
        var changed = dir.WriteFile("changed.txt", "old");
        var gone = dir.WriteFile("gone.txt");
        dir.CreateDirectory("sub");
        var state = new TreeState(TreeState.Scan([(dir.Path, true)]));

        File.WriteAllText(changed, "new and longer");
        File.Delete(gone);
        var created = dir.WriteFile("sub/new.txt");
        var changes = state.Diff(TreeState.Scan([(dir.Path, true)]));

        Assert.Equal(
            [(gone, EventMask.Delete), (changed, EventMask.CloseWrite), (created, EventMask.Create), (created, EventMask.CloseWrite)],
            changes.Select(c => (c.Path, c.Mask)));
        Assert.DoesNotContain(changes, c => c.Path == kept);
    }

    [Fact]
    public void Diff_NotRecursive_SeesOnlyTheRootsEntries()
    {
        using var dir = new TempDir();
        dir.CreateDirectory("sub");
        var state = new TreeState(TreeState.Scan([(dir.Path, false)]));
        dir.WriteFile("sub/deep.txt");
        var top = dir.WriteFile("top.txt");
        Assert.Equal([top, top], state.Diff(TreeState.Scan([(dir.Path, false)])).Select(c => c.Path));
    }

    [Fact]
    public void Diff_PathReplacedByAnotherFile_IsDeletedThenCreated()
    {
        using var dir = new TempDir();
        var path = dir.WriteFile("a.txt", "one");
        var state = new TreeState(TreeState.Scan([(dir.Path, true)]));
        var other = dir.WriteFile("b.txt", "two"); // a new inode, moved over a.txt
        File.Move(other, path, overwrite: true);
        Assert.Equal([EventMask.Delete, EventMask.Create, EventMask.CloseWrite],
            state.Diff(TreeState.Scan([(dir.Path, true)])).Select(c => c.Mask));
    }

    [Fact]
    public void SaveThenLoad_GivesTheSameEntries_AndRemoveTakesTheSubtree()
    {
        using var dir = new TempDir();
        dir.CreateDirectory("d/e");
        dir.WriteFile("d/e/f.txt");
        dir.WriteFile("g.txt");
        var state = new TreeState(TreeState.Scan([(dir.Path, true)]));
        var file = dir["state"];
        state.Save(file);
        var loaded = TreeState.Load(file)!;
        Assert.Equal(state.Count, loaded.Count);
        Assert.DoesNotContain(loaded.Diff(TreeState.Scan([(dir.Path, true)])), c => !c.Path.EndsWith("state", StringComparison.Ordinal));

        loaded.Remove(dir["d"]);
        Assert.False(loaded.TryGet(dir["d/e/f.txt"], out _));
        Assert.True(loaded.TryGet(dir["g.txt"], out _));
        Assert.False(File.Exists(file + ".tmp"));
    }

    [Fact]
    public void Load_MissingFile_IsNull_DamagedFile_NamesTheFix()
    {
        using var dir = new TempDir();
        Assert.Null(TreeState.Load(dir["none"]));
        var bad = dir.WriteFile("bad", "not a state");
        var e = Assert.Throws<InvalidDataException>(() => TreeState.Load(bad));
        Assert.Contains(bad, e.Message, StringComparison.Ordinal);
        Assert.Contains("delete it", e.Message, StringComparison.Ordinal);
    }
}
