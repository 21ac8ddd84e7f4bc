namespace InotifyGen;

/// <summary>One entry of a <see cref="Listing"/>: its name's exact bytes, and whether it is a directory or a regular file.</summary>
internal readonly ref struct ListedEntry(ReadOnlySpan<byte> name, bool isDirectory, bool isFile)
{
    /// <summary>The name's bytes, as the kernel gave them.</summary>
    public ReadOnlySpan<byte> Name { get; } = name;

    public bool IsDirectory { get; } = isDirectory;

    public bool IsFile { get; } = isFile;

    /// <summary>The name as text (lossless, see <see cref="FileNames"/>): made only for a visitor that needs it.</summary>
    public string NameText => FileNames.Decode(Name);
}

/// <summary>
/// The entries of one directory as bytes, in buffers reused from one listing to the next: a walk of a million
/// directories makes no string and no list per directory (<see cref="DirectoryWalk"/>). Names are kept exactly as
/// getdents64 gave them, so a name that is not UTF-8 is never changed on its way to the kernel again.
/// </summary>
internal sealed class Listing
{
    private byte[] _names = new byte[4096];
    private int _used;
    private Slot[] _items = new Slot[64];
    private int _count;

    private readonly record struct Slot(int Offset, int Length, bool IsDirectory, bool IsFile);

    public int Count => _count;

    public ListedEntry this[int index]
    {
        get
        {
            var item = _items[index];
            return new ListedEntry(_names.AsSpan(item.Offset, item.Length), item.IsDirectory, item.IsFile);
        }
    }

    public void Clear()
    {
        _used = 0;
        _count = 0;
    }

    public void Add(ReadOnlySpan<byte> name, bool isDirectory, bool isFile)
    {
        if (_used + name.Length > _names.Length)
            Array.Resize(ref _names, Math.Max(_names.Length * 2, _used + name.Length));
        if (_count == _items.Length)
            Array.Resize(ref _items, _count * 2);
        name.CopyTo(_names.AsSpan(_used));
        _items[_count++] = new Slot(_used, name.Length, isDirectory, isFile);
        _used += name.Length;
    }

    /// <summary>Orders the entries by their names' bytes (for UTF-8 names, the order of their code points).</summary>
    public void Sort()
    {
        if (_count > 1)
            _items.AsSpan(0, _count).Sort(new ByName(_names));
    }

    private readonly struct ByName(byte[] names) : IComparer<Slot>
    {
        public int Compare(Slot a, Slot b) => names.AsSpan(a.Offset, a.Length).SequenceCompareTo(names.AsSpan(b.Offset, b.Length));
    }
}
