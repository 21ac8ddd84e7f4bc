using System.Buffers.Binary;

namespace InotifyGen.Nats.State;

/// <summary>One difference between the persisted state and the tree now, as the event it stands for.</summary>
internal readonly record struct TreeChange(string Path, EventMask Mask, FileStamp Stamp);

/// <summary>
/// The watched trees as of the last acknowledged publish: a stamp per path (<see cref="FileStamp"/>), updated when
/// JetStream acknowledges an event and saved atomically (a temporary file, fsync, rename), so that a watcher that
/// starts again can tell what changed while it was down (<see cref="Diff"/>). Thread-safe.
/// </summary>
internal sealed class TreeState
{
    private const uint Magic = 0x53474E49; // "INGS"
    private const int Version = 1;

    private readonly Dictionary<string, FileStamp> _entries;
    private readonly object _lock = new();

    public TreeState(Dictionary<string, FileStamp>? entries = null) => _entries = entries ?? new(StringComparer.Ordinal);

    /// <summary>Whether something changed since the last <see cref="Save"/>.</summary>
    public bool Dirty { get; private set; }

    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    public bool TryGet(string path, out FileStamp stamp)
    {
        lock (_lock)
            return _entries.TryGetValue(path, out stamp);
    }

    public void Set(string path, FileStamp stamp)
    {
        lock (_lock)
        {
            _entries[path] = stamp;
            Dirty = true;
        }
    }

    /// <summary>Forgets <paramref name="path"/> and, for a directory, everything below it.</summary>
    public void Remove(string path)
    {
        lock (_lock)
        {
            if (_entries.Remove(path, out var old) && old.IsDir)
            {
                var prefix = path.EndsWith('/') ? path : path + "/";
                foreach (var key in _entries.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
                    _entries.Remove(key);
            }
            Dirty = true;
        }
    }

    /// <summary>Records <paramref name="directory"/> and what is below it now (a directory that appeared or moved in).</summary>
    public void SetTree(string directory)
    {
        var now = Scan([(directory, true)]);
        if (FileStamp.Of(directory) is { } top)
            now[directory] = top;
        lock (_lock)
        {
            foreach (var (path, stamp) in now)
                _entries[path] = stamp;
            Dirty = true;
        }
    }

    /// <summary>
    /// The entries below <paramref name="roots"/> now (a root that is a file: the file itself), with the runtime's
    /// directory walk and listing; a root that is not recursive gives only its own entries.
    /// </summary>
    public static Dictionary<string, FileStamp> Scan(IEnumerable<(string Root, bool Recursive)> roots)
    {
        var found = new Dictionary<string, FileStamp>(StringComparer.Ordinal);
        foreach (var (root, recursive) in roots)
        {
            if (FileStamp.Of(root) is not { } top)
                continue;
            if (!top.IsDir)
            {
                found[root] = top;
                continue;
            }
            DirectoryWalk.Run(root, dir =>
            {
                foreach (var entry in LinuxFileSystem.Instance.List(dir))
                {
                    var path = PathText.Join(dir, entry.Name);
                    if (FileStamp.Of(path) is { } stamp)
                        found[path] = stamp;
                }
                return recursive;
            });
        }
        return found;
    }

    /// <summary>
    /// What differs between this state and <paramref name="now"/>, as events: IN_CREATE (and IN_CLOSE_WRITE for a file)
    /// for what is new, IN_CLOSE_WRITE for a file whose size or modification time changed, IN_DELETE for what is gone,
    /// and IN_DELETE then IN_CREATE (IN_CLOSE_WRITE) for a path whose inode changed. Parents come before their children
    /// for creations, children before parents for deletions.
    /// </summary>
    public List<TreeChange> Diff(Dictionary<string, FileStamp> now)
    {
        var deletes = new List<TreeChange>();
        var creates = new List<TreeChange>();
        lock (_lock)
        {
            foreach (var (path, old) in _entries)
                if (!now.TryGetValue(path, out var current) || current.Inode != old.Inode || current.IsDir != old.IsDir)
                    deletes.Add(new TreeChange(path, EventMask.Delete | (old.IsDir ? EventMask.IsDir : 0), old));
            foreach (var (path, current) in now)
            {
                var known = _entries.TryGetValue(path, out var old) && old.Inode == current.Inode && old.IsDir == current.IsDir;
                if (!known)
                    creates.Add(new TreeChange(path, EventMask.Create | (current.IsDir ? EventMask.IsDir : 0), current));
                if (!current.IsDir && (!known || current.ContentDiffers(old)))
                    creates.Add(new TreeChange(path, EventMask.CloseWrite, current));
            }
        }
        deletes.Sort((a, b) => string.CompareOrdinal(b.Path, a.Path));
        creates.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path) is var c && c != 0 ? c : a.Mask == EventMask.CloseWrite ? 1 : -1);
        deletes.AddRange(creates);
        return deletes;
    }

    /// <summary>Reads a state saved by <see cref="Save"/>; null when there is none. A damaged file is an error naming it.</summary>
    public static TreeState? Load(string file)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        var entries = new Dictionary<string, FileStamp>(StringComparer.Ordinal);
        try
        {
            var s = bytes.AsSpan();
            if (BinaryPrimitives.ReadUInt32LittleEndian(s) != Magic || BinaryPrimitives.ReadInt32LittleEndian(s[4..]) != Version)
                throw new FormatException("not an InotifyGen state file (or another version)");
            var count = BinaryPrimitives.ReadInt32LittleEndian(s[8..]);
            s = s[12..];
            for (var i = 0; i < count; i++)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(s);
                var path = FileNames.Decode(s.Slice(4, length));
                s = s[(4 + length)..];
                entries[path] = new FileStamp(BinaryPrimitives.ReadUInt64LittleEndian(s), BinaryPrimitives.ReadInt64LittleEndian(s[8..]),
                    BinaryPrimitives.ReadInt64LittleEndian(s[16..]), s[24] != 0);
                s = s[25..];
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException($"The publisher state file '{file}' is damaged ({e.Message}); delete it to start from the tree as it is now.", e);
        }
        return new TreeState(entries);
    }

    /// <summary>Writes the state atomically: a reader (or a restart after a crash) sees the old file or the new one.</summary>
    public void Save(string file)
    {
        byte[] bytes;
        lock (_lock)
        {
            var size = 12 + _entries.Sum(e => 29 + FileNames.ByteCount(e.Key));
            bytes = new byte[size];
            var s = bytes.AsSpan();
            BinaryPrimitives.WriteUInt32LittleEndian(s, Magic);
            BinaryPrimitives.WriteInt32LittleEndian(s[4..], Version);
            BinaryPrimitives.WriteInt32LittleEndian(s[8..], _entries.Count);
            s = s[12..];
            foreach (var (path, stamp) in _entries)
            {
                var length = FileNames.Encode(path, s[4..]);
                BinaryPrimitives.WriteInt32LittleEndian(s, length);
                s = s[(4 + length)..];
                BinaryPrimitives.WriteUInt64LittleEndian(s, stamp.Inode);
                BinaryPrimitives.WriteInt64LittleEndian(s[8..], stamp.Size);
                BinaryPrimitives.WriteInt64LittleEndian(s[16..], stamp.MtimeNs);
                s[24] = stamp.IsDir ? (byte)1 : (byte)0;
                s = s[25..];
            }
            Dirty = false;
        }
        var temporary = file + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, file, overwrite: true);
        }
        catch
        {
            Dirty = true; // not saved: the next save writes it
            throw;
        }
    }
}
