using System.Runtime.CompilerServices;

namespace InotifyGen;

/// <summary>
/// The watch table's two hash indexes as open addressing over the nodes themselves: one slot (a reference) per
/// node (and, for names, its hash), no entry objects and no stored keys, because the key is read from the node.
/// Linear probing, deletion by backward shift (no tombstones), at most three quarters full. Written only under the manager's lock; a lookup
/// without it may miss an entry a writer is moving, never find a wrong one.
/// </summary>
internal abstract class NodeIndex
{
    private Watch?[] _slots = new Watch?[16];
    // With keepHashes, each slot's hash beside it: a probe reads this array, not the node, so a miss costs no pointer
    // chase per slot (an unsuccessful search at three quarters full probes about eight slots), and a resize hashes
    // nothing again. Worth its 4 bytes a slot only where the key is costly to read and hash (names).
    private int[]? _hashes;

    protected NodeIndex(bool keepHashes) => _hashes = keepHashes ? new int[16] : null;

    public int Count { get; private set; }

    protected abstract int HashOf(Watch node);

    /// <summary>
    /// The slots, for a subclass's lookup: probe from <c>hash &amp; (length - 1)</c> up to the first null. Read once
    /// per lookup: a resize swaps in a new array, and a reader without the lock keeps probing the one it took.
    /// </summary>
    protected Watch?[] Slots => Volatile.Read(ref _slots);

    /// <summary>The hash of each slot's node (valid where the slot is not null), with keepHashes; only under the manager's lock.</summary>
    protected int[] Hashes => _hashes!;

    /// <summary>Inserts <paramref name="node"/> (another node with its key may be in too, until the caller removes it).</summary>
    public void Add(Watch node) => Add(node, HashOf(node));

    /// <summary><see cref="Add(Watch)"/> with the node's hash, known to the caller already.</summary>
    public void Add(Watch node, int hash)
    {
        if ((Count + 1) * 4 > _slots.Length * 3)
            Resize(_slots.Length * 2);
        Place(_slots, _hashes, node, hash);
        Count++;
    }

    /// <summary>Removes <paramref name="node"/> (by reference; its key must be what it was when added). False if absent.</summary>
    public bool Remove(Watch node)
    {
        var slots = _slots;
        var hashes = _hashes;
        var mask = slots.Length - 1;
        var i = HashOf(node) & mask;
        while (true)
        {
            var s = slots[i];
            if (s is null)
                return false;
            if (ReferenceEquals(s, node))
                break;
            i = (i + 1) & mask;
        }
        slots[i] = null;
        Count--;
        // Backward shift: an entry after the hole moves into it unless its home lies cyclically in (hole, entry].
        for (var j = (i + 1) & mask; slots[j] is { } moving; j = (j + 1) & mask)
        {
            var home = (hashes is null ? HashOf(moving) : hashes[j]) & mask;
            var stays = i <= j ? home > i && home <= j : home > i || home <= j;
            if (stays)
                continue;
            if (hashes is not null)
                hashes[i] = hashes[j];
            slots[i] = moving;
            slots[j] = null;
            i = j;
        }
        // A table that held a large tree gives the space back once most of it is gone.
        if (slots.Length > 16 && Count * 8 < slots.Length)
            Resize(slots.Length / 2);
        return true;
    }

    public void Clear()
    {
        if (_hashes is not null)
            _hashes = new int[16];
        Volatile.Write(ref _slots, new Watch?[16]);
        Count = 0;
    }

    private void Resize(int length)
    {
        var resized = new Watch?[length];
        var hashes = _hashes is null ? null : new int[length];
        for (var i = 0; i < _slots.Length; i++)
            if (_slots[i] is { } s)
                Place(resized, hashes, s, _hashes is null ? HashOf(s) : _hashes[i]);
        _hashes = hashes;
        Volatile.Write(ref _slots, resized);
    }

    private static void Place(Watch?[] slots, int[]? hashes, Watch node, int hash)
    {
        var mask = slots.Length - 1;
        var i = hash & mask;
        while (slots[i] is not null)
            i = (i + 1) & mask;
        if (hashes is not null)
            hashes[i] = hash;
        slots[i] = node;
    }
}

/// <summary>Every node of the path tree, by (parent node, name bytes): the one child index of all directories.</summary>
internal sealed class ChildIndex : NodeIndex
{
    public static int Hash(Watch parent, ReadOnlySpan<byte> name)
    {
        var h = new HashCode();
        h.Add(RuntimeHelpers.GetHashCode(parent));
        h.AddBytes(name);
        return h.ToHashCode();
    }

    public ChildIndex() : base(keepHashes: true) { }

    // Only when a node goes in or out: probes and resizes read the stored hashes.
    protected override int HashOf(Watch node) => Hash(node.Parent!, node.Name);

    /// <summary>The child of <paramref name="parent"/> named <paramref name="name"/>, or null.</summary>
    public Watch? Find(Watch parent, ReadOnlySpan<byte> name) => Find(parent, name, Hash(parent, name));

    /// <summary><see cref="Find(Watch, ReadOnlySpan{byte})"/> with the key's <see cref="Hash"/>, known to the caller already.</summary>
    public Watch? Find(Watch parent, ReadOnlySpan<byte> name, int hash)
    {
        var slots = Slots;
        var hashes = Hashes;
        var mask = slots.Length - 1;
        for (var i = hash & mask; ; i = (i + 1) & mask)
        {
            var s = slots[i];
            if (s is null || (hashes[i] == hash && ReferenceEquals(s.Parent, parent) && s.Name.AsSpan().SequenceEqual(name)))
                return s;
        }
    }
}

/// <summary>Watches by wd: every watch whose IN_IGNORED is still to come (at most one per wd).</summary>
internal sealed class WdIndex : NodeIndex
{
    // The kernel hands wds out in sequence (idr_alloc_cyclic), so the wd itself spreads them with no collisions.
    private static int Hash(int wd) => wd;

    public WdIndex() : base(keepHashes: false) { }

    protected override int HashOf(Watch node) => Hash(node.Wd);

    /// <summary>The watch with descriptor <paramref name="wd"/>, or null.</summary>
    public Watch? Find(int wd)
    {
        var slots = Slots;
        var mask = slots.Length - 1;
        for (var i = Hash(wd) & mask; ; i = (i + 1) & mask)
        {
            var s = slots[i];
            if (s is null || s.Wd == wd)
                return s;
        }
    }

    /// <summary>Every watch in the index (a snapshot).</summary>
    public List<Watch> All()
    {
        var all = new List<Watch>(Count);
        foreach (var s in Slots)
            if (s is not null)
                all.Add(s);
        return all;
    }
}
