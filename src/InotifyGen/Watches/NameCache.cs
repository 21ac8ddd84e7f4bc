namespace InotifyGen;

/// <summary>
/// One array for each recently seen name of the path tree: the names of a large tree repeat (src, bin, obj, 00-ff,
/// a date per day), and a node's name array was its largest part after the node itself (32 of 170 bytes a watch at
/// a million directories). Direct-mapped and of fixed size: a name that lands on a kept one replaces it, so a tree of
/// distinct names costs its 32 KB and one probe per name, and the cache never grows. Names are never written once
/// made, so nodes can share one. Used only under the manager's lock, like the table.
/// </summary>
internal sealed class NameCache
{
    private const int Slots = 4096; // a power of two
    private const int LongestKept = 32;
    private readonly byte[]?[] _slots = new byte[]?[Slots];

    /// <summary>An array holding <paramref name="name"/>: the kept one when it is there.</summary>
    public byte[] Get(ReadOnlySpan<byte> name)
    {
        if (name.Length > LongestKept)
            return name.ToArray();
        ref var slot = ref _slots[Fnv1a(name) & (Slots - 1)];
        if (slot is { } kept && kept.AsSpan().SequenceEqual(name))
            return kept;
        return slot = name.ToArray();
    }

    private static int Fnv1a(ReadOnlySpan<byte> name)
    {
        var h = 2166136261u;
        foreach (var b in name)
            h = (h ^ b) * 16777619u;
        return (int)(h ^ (h >> 15));
    }
}
