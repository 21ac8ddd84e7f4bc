namespace InotifyGen;

/// <summary>
/// The (wd, name) pairs for which a directory listing synthesised an IN_CREATE, so that the kernel's own IN_CREATE
/// for the same entry, if it is still queued, is dropped instead of reported twice. An entry goes when that
/// IN_CREATE (or an IN_MOVED_TO) arrives, when the name is deleted or moved away (a later IN_CREATE is then a new
/// entry), or once the event stream has passed every event queued before the listing (nothing can match it then).
/// Lookups take the name as bytes and allocate nothing.
/// </summary>
internal sealed class SyntheticNames
{
    private sealed class Entry(int wd, byte[] name, long expiry)
    {
        public readonly int Wd = wd;
        public readonly byte[] Name = name;
        public long Expiry = expiry;
        public Entry? Next;
    }

    private readonly Dictionary<(int Wd, int Hash), Entry> _entries = new();
    private long _earliestExpiry = long.MaxValue;

    public int Count { get; private set; }

    /// <summary>Records a synthesised name; it can be matched until the stream position passes <paramref name="expiry"/>.</summary>
    public void Add(int wd, ReadOnlySpan<byte> name, long expiry)
    {
        var key = (wd, Hash(name));
        _entries.TryGetValue(key, out var head);
        for (var e = head; e is not null; e = e.Next)
            if (e.Wd == wd && name.SequenceEqual(e.Name))
            {
                e.Expiry = Math.Max(e.Expiry, expiry);
                return;
            }
        _entries[key] = new Entry(wd, name.ToArray(), expiry) { Next = head };
        Count++;
        _earliestExpiry = Math.Min(_earliestExpiry, expiry);
    }

    /// <summary>Removes the name; true if it was there.</summary>
    public bool Remove(int wd, ReadOnlySpan<byte> name)
    {
        if (Count == 0)
            return false;
        var key = (wd, Hash(name));
        if (!_entries.TryGetValue(key, out var head))
            return false;
        Entry? previous = null;
        for (var e = head; e is not null; previous = e, e = e.Next)
        {
            if (e.Wd != wd || !name.SequenceEqual(e.Name))
                continue;
            if (previous is not null)
                previous.Next = e.Next;
            else if (e.Next is not null)
                _entries[key] = e.Next;
            else
                _entries.Remove(key);
            Count--;
            return true;
        }
        return false;
    }

    /// <summary>Drops the names whose listing is older than every event still to come.</summary>
    public void Expire(long position)
    {
        if (position < _earliestExpiry)
            return;
        var earliest = long.MaxValue;
        List<((int, int) Key, Entry? Head)>? changed = null;
        foreach (var (key, head) in _entries)
        {
            Entry? kept = null, last = null;
            for (var e = head; e is not null; e = e.Next)
            {
                if (e.Expiry <= position)
                {
                    Count--;
                    continue;
                }
                earliest = Math.Min(earliest, e.Expiry);
                if (last is null) kept = e; else last.Next = e;
                last = e;
            }
            if (last is not null)
                last.Next = null;
            if (!ReferenceEquals(kept, head))
                (changed ??= new()).Add((key, kept));
        }
        if (changed is not null)
            foreach (var (key, kept) in changed)
            {
                if (kept is null)
                    _entries.Remove(key);
                else
                    _entries[key] = kept;
            }
        _earliestExpiry = earliest;
    }

    public void Clear()
    {
        _entries.Clear();
        Count = 0;
        _earliestExpiry = long.MaxValue;
    }

    internal static int Hash(ReadOnlySpan<byte> name)
    {
        var h = new HashCode();
        h.AddBytes(name);
        return h.ToHashCode();
    }
}
