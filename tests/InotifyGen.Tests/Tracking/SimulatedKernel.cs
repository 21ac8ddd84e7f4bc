using System.Buffers.Binary;
using InotifyGen.Interop;

namespace InotifyGen.Tests.Tracking;

/// <summary>A clock that moves only when the simulated kernel is waited on.</summary>
internal sealed class SimulatedClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// A file system of inodes and one inotify instance over it, emitting the events Linux emits for each operation in
/// the order it emits them: the kernel, the file system and the clock of the real tracker classes, with nothing of
/// the real kernel's timing. Reads can be cut short (<see cref="ReadSizes"/>) to split event pairs across reads,
/// the queue overflows at <see cref="MaxQueuedEvents"/>, and <see cref="BeforeCall"/> runs before every call the
/// tracker makes, so a test can change the tree at exactly the moment a race would.
/// </summary>
internal sealed class SimulatedKernel : IKernelWatches, IEventSource, IFileSystem
{
    private sealed class Inode(int id, bool isDirectory)
    {
        public readonly int Id = id;
        public readonly bool IsDirectory = isDirectory;
        public readonly SortedDictionary<string, Inode> Children = new(StringComparer.Ordinal);
        public int Writers;       // open file descriptions with write access
        public int Wd;            // its watch in this instance, 0 for none
        public EventMask Mask;
        public readonly List<(int Since, string? Path)> Paths = new(); // where it was from which History index on
    }

    private readonly record struct Queued(int Wd, EventMask Mask, uint Cookie, byte[] Name);

    private readonly Inode _root;
    private readonly Dictionary<int, Inode> _watches = new();
    private readonly LinkedList<Queued> _queue = new();
    private readonly SimulatedClock _clock;
    private int _nextInode = 1, _nextWd = 1;
    private uint _nextCookie = 1000;
    private bool _woken, _closed, _inHook;

    public SimulatedKernel(SimulatedClock clock)
    {
        _clock = clock;
        _root = new Inode(_nextInode++, isDirectory: true);
    }

    /// <summary>How many events the queue holds before it overflows (fs.inotify.max_queued_events).</summary>
    public int MaxQueuedEvents { get; set; } = 16384;

    /// <summary>The most events each read returns, in turn; empty means no limit.</summary>
    public Queue<int> ReadSizes { get; } = new();

    /// <summary>Runs before each call the tracker makes into the kernel or the file system, with the call's name and path.</summary>
    public Action<string, string?>? BeforeCall { get; set; }

    /// <summary>Every event queued so far, with the true path of its watch at the moment it was queued.</summary>
    public List<(int Wd, EventMask Mask, string Name, string? WatchPath)> History { get; } = new();

    private readonly List<Inode?> _historyInodes = new();
    private readonly List<Inode?> _historySubjects = new();

    /// <summary>
    /// Every path the directory of History entry <paramref name="index"/> had from the moment the event was queued
    /// until now (null when it left the tree), oldest first.
    /// </summary>
    public List<string?> PathsSince(int index) => PathsSince(_historyInodes[index], index, History[index].WatchPath);

    /// <summary>Every path the entry an event of History entry <paramref name="index"/> names had from then until now.</summary>
    public List<string?> EntryPathsSince(int index) =>
        PathsSince(_historySubjects[index], index, History[index].WatchPath is { } w ? PathText.Join(w, History[index].Name) : null);

    private static List<string?> PathsSince(Inode? inode, int index, string? fallback)
    {
        if (inode is null)
            return [fallback];
        var paths = new List<string?>();
        for (var k = 0; k < inode.Paths.Count; k++)
        {
            var next = k + 1 < inode.Paths.Count ? inode.Paths[k + 1].Since : int.MaxValue;
            if (next > index)
                paths.Add(inode.Paths[k].Path);
        }
        return paths;
    }

    /// <summary>The names the last listing of each path returned.</summary>
    public Dictionary<string, HashSet<string>> LastListing { get; } = new(StringComparer.Ordinal);

    /// <summary>Every change made to the tree, for failure messages.</summary>
    public List<string> Operations { get; } = new();

    public int Fd => -1;

    public bool IsClosed => _closed;

    public int QueuedEvents => _queue.Count;

    // ---- the tree, as a test changes it ----

    public void Mkdir(string path)
    {
        Operations.Add($"mkdir {path}");
        Make(path, isDirectory: true);
    }

    /// <summary>Creates, writes and closes a file: IN_CREATE, IN_MODIFY, IN_CLOSE_WRITE on its directory.</summary>
    public void WriteFile(string path)
    {
        Operations.Add($"write {path}");
        var inode = Make(path, isDirectory: false);
        var (parent, name) = Split(path);
        Emit(Resolve(parent)!, EventMask.Open, 0, name, inode);
        Emit(Resolve(parent)!, EventMask.Modify, 0, name, inode);
        Emit(Resolve(parent)!, EventMask.CloseWrite, 0, name, inode);
    }

    /// <summary>Creates a file and keeps it open for writing (IN_CREATE, IN_OPEN, IN_MODIFY) until <see cref="CloseFile"/>.</summary>
    public void OpenFile(string path)
    {
        Operations.Add($"open {path}");
        var inode = Make(path, isDirectory: false);
        inode.Writers++;
        var (parent, name) = Split(path);
        Emit(Resolve(parent)!, EventMask.Open, 0, name, inode);
        Emit(Resolve(parent)!, EventMask.Modify, 0, name, inode);
    }

    /// <summary>Opens an existing file for writing again and writes (IN_OPEN, IN_MODIFY), until <see cref="CloseFile"/>.</summary>
    public void ReopenFile(string path)
    {
        Operations.Add($"reopen {path}");
        var inode = Resolve(path) ?? throw new InvalidOperationException($"no {path}");
        inode.Writers++;
        var (parent, name) = Split(path);
        Emit(Resolve(parent)!, EventMask.Open, 0, name, inode);
        Emit(Resolve(parent)!, EventMask.Modify, 0, name, inode);
    }

    /// <summary>Closes a file <see cref="OpenFile"/> opened: IN_CLOSE_WRITE on the directory it is in now.</summary>
    public void CloseFile(string path)
    {
        Operations.Add($"close {path}");
        var inode = Resolve(path) ?? throw new InvalidOperationException($"no {path}");
        inode.Writers--;
        var (parent, name) = Split(path);
        Emit(Resolve(parent)!, EventMask.CloseWrite, 0, name, inode);
    }

    /// <summary>rename(2); the destination must not exist. IN_MOVED_FROM, IN_MOVED_TO, then IN_MOVE_SELF, as Linux queues them.</summary>
    public void Rename(string from, string to)
    {
        Operations.Add($"mv {from} {to}");
        var (fromParent, fromName) = Split(from);
        var (toParent, toName) = Split(to);
        var source = Resolve(fromParent) ?? throw new InvalidOperationException($"no {fromParent}");
        var target = Resolve(toParent) ?? throw new InvalidOperationException($"no {toParent}");
        var inode = source.Children[fromName];
        if (target.Children.ContainsKey(toName))
            throw new InvalidOperationException($"{to} exists");
        source.Children.Remove(fromName);
        target.Children[toName] = inode;
        var cookie = _nextCookie++;
        var dir = inode.IsDirectory ? EventMask.IsDir : 0;
        Emit(source, EventMask.MovedFrom | dir, cookie, fromName, inode);
        NotePaths(inode, PathOf(inode)); // the IN_MOVED_FROM still names the old place
        Emit(target, EventMask.MovedTo | dir, cookie, toName, inode);
        EmitSelf(inode, EventMask.MoveSelf);
    }

    /// <summary><c>rm -r</c>: children first; for each, IN_DELETE_SELF and IN_IGNORED on its own watch, then IN_DELETE on its parent.</summary>
    public void Remove(string path)
    {
        Operations.Add($"rm {path}");
        var (parentPath, name) = Split(path);
        var parent = Resolve(parentPath) ?? throw new InvalidOperationException($"no {parentPath}");
        RemoveEntry(parent, name);
    }

    /// <summary>Whether <paramref name="path"/> exists.</summary>
    public bool Exists(string path) => Resolve(path) is not null;

    /// <summary>The path of every directory at or below <paramref name="top"/>.</summary>
    public SortedSet<string> Directories(string top)
    {
        var all = new SortedSet<string>(StringComparer.Ordinal);
        void Walk(string path, Inode inode)
        {
            all.Add(path);
            foreach (var (name, child) in inode.Children)
                if (child.IsDirectory)
                    Walk(PathText.Join(path, name), child);
        }
        if (Resolve(top) is { IsDirectory: true } start)
            Walk(top, start);
        return all;
    }

    /// <summary>The path of every file and directory strictly below <paramref name="top"/>.</summary>
    public List<string> Entries(string top)
    {
        var all = new List<string>();
        void Walk(string path, Inode inode)
        {
            foreach (var (name, child) in inode.Children)
            {
                var p = PathText.Join(path, name);
                all.Add(p);
                if (child.IsDirectory)
                    Walk(p, child);
            }
        }
        if (Resolve(top) is { IsDirectory: true } start)
            Walk(top, start);
        return all;
    }

    /// <summary>The wd of the watch on the inode at <paramref name="path"/>, 0 for none.</summary>
    public int WatchOn(string path) => Resolve(path)?.Wd ?? 0;

    /// <summary>The true path of the inode watched by <paramref name="wd"/> now, or null when it is gone from the tree.</summary>
    public string? PathOf(int wd) => _watches.TryGetValue(wd, out var inode) ? PathOf(inode) : null;

    // ---- IKernelWatches ----

    public int Add(string path, EventMask mask)
    {
        Hook("add_watch", path);
        if (_closed)
            return -Libc.EBADF;
        var inode = ResolveForWatch(path, out var errno);
        if (inode is null)
            return -errno;
        if ((mask & EventMask.OnlyDir) != 0 && !inode.IsDirectory)
            return -Libc.ENOTDIR;
        if (inode.Wd == 0)
        {
            inode.Wd = _nextWd++;
            _watches[inode.Wd] = inode;
        }
        inode.Mask = mask & (EventMask.AllEvents | EventMask.OneShot);
        return inode.Wd;
    }

    public int Remove(int wd)
    {
        Hook("rm_watch", null);
        if (!_watches.Remove(wd, out var inode))
            return -Libc.EINVAL;
        Queue(new Queued(wd, EventMask.Ignored, 0, []), PathOf(inode), inode);
        inode.Wd = 0;
        return 0;
    }

    public IEventSource OpenEvents() => this;

    // ---- IEventSource ----

    public int Read(Span<byte> buffer)
    {
        Hook("read", null);
        if (_closed)
            return 0;
        var limit = ReadSizes.Count > 0 ? ReadSizes.Dequeue() : int.MaxValue;
        var written = 0;
        var count = 0;
        while (_queue.First is { } first && count < limit)
        {
            var e = first.Value;
            var padded = e.Name.Length == 0 ? 0 : (e.Name.Length + 1 + 15) / 16 * 16;
            if (written + 16 + padded > buffer.Length)
                break;
            var record = buffer[written..];
            BinaryPrimitives.WriteInt32LittleEndian(record, e.Wd);
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)e.Mask);
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], e.Cookie);
            BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)padded);
            record.Slice(16, padded).Clear();
            e.Name.CopyTo(record[16..]);
            written += 16 + padded;
            count++;
            _queue.RemoveFirst();
        }
        return written;
    }

    public int Pending()
    {
        Hook("fionread", null);
        return _closed ? 0 : _queue.Sum(e => 16 + (e.Name.Length == 0 ? 0 : (e.Name.Length + 1 + 15) / 16 * 16));
    }

    public bool Wait(TimeSpan? timeout, bool forEvents)
    {
        Hook("poll", null);
        if (_woken || _closed)
            return false;
        if (forEvents && _queue.Count > 0)
            return true;
        // Nothing will happen by itself in a simulation: the time passes at once.
        _clock.Now += timeout ?? TimeSpan.Zero;
        return forEvents && _queue.Count > 0;
    }

    public void Wake() => _woken = true;

    // ---- IFileSystem ----

    public List<DirectoryEntry> List(string directory, bool directoriesOnly = false)
    {
        Hook("list", directory);
        var inode = Resolve(directory);
        if (inode is not { IsDirectory: true })
            return [];
        EmitReading(directory, inode);
        LastListing[directory] = inode.Children.Keys.ToHashSet(StringComparer.Ordinal);
        return inode.Children.Where(c => !directoriesOnly || c.Value.IsDirectory)
            .Select(c => new DirectoryEntry(c.Key, c.Value.IsDirectory, !c.Value.IsDirectory)).ToList();
    }

    /// <summary>Another process lists <paramref name="directory"/> (<c>ls</c>): the events of a reading, and nothing else.</summary>
    public void ReadDirectory(string directory)
    {
        Operations.Add($"ls {directory}");
        EmitReading(directory, Resolve(directory) ?? throw new InvalidOperationException($"no {directory}"));
    }

    /// <summary>What the kernel watch on the inode at <paramref name="path"/> asks for (None without a watch).</summary>
    public EventMask MaskOn(string path) => Resolve(path) is { Wd: not 0 } inode ? inode.Mask : EventMask.None;

    /// <summary>Reading a directory: IN_OPEN, IN_ACCESS and IN_CLOSE_NOWRITE on it and, with its name, on its parent.</summary>
    private void EmitReading(string directory, Inode inode)
    {
        var (parentPath, name) = directory == "/" ? ("/", "") : Split(directory);
        var parent = directory == "/" ? null : Resolve(parentPath);
        foreach (var m in new[] { EventMask.Open, EventMask.Access, EventMask.CloseNoWrite })
        {
            EmitSelf(inode, m | EventMask.IsDir);
            if (parent is not null)
                Emit(parent, m | EventMask.IsDir, 0, name, inode);
        }
    }

    public bool IsDirectory(string path, bool followLinks)
    {
        Hook("stat", path);
        return Resolve(path) is { IsDirectory: true };
    }

    public WriteState Writers(string path)
    {
        Hook("probe", path);
        if (Resolve(path) is not { IsDirectory: false } inode)
            return WriteState.Unreadable;
        var (parent, name) = Split(path);
        Emit(Resolve(parent)!, EventMask.Open, 0, name, inode);
        Emit(Resolve(parent)!, EventMask.CloseNoWrite, 0, name, inode);
        return inode.Writers > 0 ? WriteState.OpenForWriting : WriteState.Closed;
    }

    public void Dispose() => _closed = true;

    // ---- the machinery ----

    private void Hook(string call, string? path)
    {
        if (_inHook || BeforeCall is null)
            return;
        _inHook = true;
        try { BeforeCall(call, path); }
        finally { _inHook = false; }
    }

    private Inode Make(string path, bool isDirectory)
    {
        var (parentPath, name) = Split(path);
        var parent = Resolve(parentPath) ?? throw new InvalidOperationException($"no {parentPath}");
        if (parent.Children.ContainsKey(name))
            throw new InvalidOperationException($"{path} exists");
        var inode = new Inode(_nextInode++, isDirectory);
        parent.Children[name] = inode;
        inode.Paths.Add((History.Count, path));
        Emit(parent, EventMask.Create | (isDirectory ? EventMask.IsDir : 0), 0, name, inode);
        return inode;
    }

    private void RemoveEntry(Inode parent, string name)
    {
        var inode = parent.Children[name];
        foreach (var child in inode.Children.Keys.ToList())
            RemoveEntry(inode, child);
        parent.Children.Remove(name);
        EmitSelf(inode, EventMask.DeleteSelf);
        if (inode.Wd != 0)
        {
            Queue(new Queued(inode.Wd, EventMask.Ignored, 0, []), null, inode);
            _watches.Remove(inode.Wd);
            inode.Wd = 0;
        }
        Emit(parent, EventMask.Delete | (inode.IsDirectory ? EventMask.IsDir : 0), 0, name, inode);
        inode.Paths.Add((History.Count, null));
    }

    /// <summary>A directory moved: it and everything below it have new paths from now on.</summary>
    private void NotePaths(Inode inode, string? path)
    {
        inode.Paths.Add((History.Count, path));
        foreach (var (name, child) in inode.Children)
            NotePaths(child, path is null ? null : PathText.Join(path, name));
    }

    private void Emit(Inode directory, EventMask mask, uint cookie, string name, Inode subject)
    {
        if (directory.Wd != 0 && (directory.Mask & mask & EventMask.AllEvents) != 0)
            Queue(new Queued(directory.Wd, mask, cookie, FileNames.Encode(name)), PathOf(directory), directory, subject);
    }

    private void EmitSelf(Inode inode, EventMask mask)
    {
        if (inode.Wd != 0 && (inode.Mask & mask & EventMask.AllEvents) != 0)
            Queue(new Queued(inode.Wd, mask, 0, []), PathOf(inode), inode);
    }

    private void Queue(Queued e, string? watchPath, Inode? of = null, Inode? subject = null)
    {
        if (_closed)
            return;
        // The kernel merges an event equal to the last one queued, and past the limit queues one IN_Q_OVERFLOW.
        if (_queue.Last is { } last && last.Value.Wd == e.Wd && last.Value.Mask == e.Mask && last.Value.Cookie == e.Cookie
            && last.Value.Name.AsSpan().SequenceEqual(e.Name))
            return;
        if (_queue.Count >= MaxQueuedEvents)
        {
            if (_queue.Last!.Value.Mask != EventMask.QueueOverflow)
            {
                _queue.AddLast(new Queued(-1, EventMask.QueueOverflow, 0, []));
                History.Add((-1, EventMask.QueueOverflow, "", null));
                _historyInodes.Add(null);
                _historySubjects.Add(null);
            }
            return;
        }
        _queue.AddLast(e);
        History.Add((e.Wd, e.Mask, FileNames.Decode(e.Name), watchPath));
        _historyInodes.Add(of);
        _historySubjects.Add(subject ?? of);
    }

    private string? PathOf(Inode target)
    {
        string? Find(Inode at, string path)
        {
            if (ReferenceEquals(at, target))
                return path;
            foreach (var (name, child) in at.Children)
                if (child.IsDirectory || ReferenceEquals(child, target))
                    if (Find(child, PathText.Join(path, name)) is { } found)
                        return found;
            return null;
        }
        return Find(_root, "/");
    }

    private Inode? Resolve(string path) => ResolveForWatch(path, out _);

    private Inode? ResolveForWatch(string path, out int errno)
    {
        errno = Libc.ENOENT;
        var at = _root;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!at.IsDirectory)
            {
                errno = Libc.ENOTDIR;
                return null;
            }
            if (!at.Children.TryGetValue(part, out var next))
                return null;
            at = next;
        }
        return at;
    }

    private static (string Parent, string Name) Split(string path) => (PathText.Parent(path)!, PathText.Name(path));
}
