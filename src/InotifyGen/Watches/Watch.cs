namespace InotifyGen;

/// <summary>
/// The life of a watch. Live; then Removed (by the user: its last events and IN_IGNORED still reach the handler) or
/// Detached (by the tree bookkeeping, because its path is no longer true: its last events are dropped); then
/// Forgotten once the kernel's IN_IGNORED for it has been processed. Intermediate is no watch at all: a node of the
/// path tree that stands for an unwatched ancestor of watches, never handed out by the table.
/// </summary>
internal enum WatchState : byte
{
    Live,
    Removed,
    Detached,
    Forgotten,
    Intermediate,
}

/// <summary>
/// What AddWatch says about a watch, shared by every watch one AddWatch (or one tree's autoAdd) made, and replaced,
/// never changed in place, so the dispatcher reads it without the lock.
/// </summary>
internal sealed record WatchSettings(EventMask Mask, ProcessEvent? Handler, bool AutoAdd, ExcludeFilter? ExcludeFilter,
    Action<WatchResult>? WatchFailed, TransientFile[]? TransientFiles = null)
{
    /// <summary>The settings of an intermediate node, and of a directory watched only for transient files.</summary>
    public static readonly WatchSettings None = new(EventMask.None, null, false, null, null);

    /// <summary>What a directory autoAdd finds below a watch with these settings inherits (not its transient files).</summary>
    public WatchSettings ForChild => TransientFiles is null ? this : this with { TransientFiles = null };
}

/// <summary>One watched file or directory, pyinotify's <c>Watch</c>.</summary>
public sealed class Watch
{
    // The node in the table's path tree: the name's bytes under the parent, and the children as a doubly linked list
    // (the child index by (parent, name) is the table's). Changed only by WatchTable, under the manager's lock.
    internal Watch? Parent;
    internal byte[] Name = [];
    internal Watch? FirstChild;
    internal Watch? NextSibling;
    internal Watch? PrevSibling;
    // PathGeneration when this node last changed its parent or name: a cached path derived before that, of this
    // node or any node below, is stale.
    internal long MovedAt;

    private WatchSettings _settings;
    // The derived path and the generation it was last known true at (FrozenMark: the watch ended, the path is final).
    private string? _path;
    private long _pathAt;
    private const long FrozenMark = -1;
    private static long s_generation;
    private static readonly object s_pathGate = new();

    internal Watch(int wd, WatchSettings settings, bool isDir)
    {
        Wd = wd;
        _settings = settings;
        IsDir = isDir;
    }

    /// <summary>A node of the path tree that is not a watch (an unwatched ancestor of watches).</summary>
    internal static Watch Intermediate() => new(0, WatchSettings.None, isDir: true) { State = WatchState.Intermediate };

    /// <summary>The watch descriptor.</summary>
    public int Wd { get; }

    /// <summary>
    /// The watched path, absolute and normalised, derived from the names of the watch and its ancestors and cached
    /// until one of them moves. Kept current when the item moves within a watched tree.
    /// </summary>
    public string Path
    {
        get
        {
            var at = Volatile.Read(ref _pathAt);
            var path = Volatile.Read(ref _path);
            if (path is not null && (at == Volatile.Read(ref s_generation) || at == FrozenMark))
                return path;
            return RefreshPath();
        }
    }

    /// <summary>The events asked for; <see cref="EventMask.None"/> on a directory only <see cref="WatchManager.WatchTransientFile"/> watches.</summary>
    public EventMask Mask => _settings.Mask;

    /// <summary>The handler for this watch's events, or null to use the notifier's default handler.</summary>
    public ProcessEvent? Handler => _settings.Handler;

    /// <summary>Whether directories created inside are watched automatically.</summary>
    public bool AutoAdd => _settings.AutoAdd;

    /// <summary>The exclude filter inherited by watches added automatically under this one.</summary>
    public ExcludeFilter? ExcludeFilter => _settings.ExcludeFilter;

    /// <summary>Whether the watched item is a directory.</summary>
    public bool IsDir { get; }

    /// <summary>True once the watch was removed (by RmWatch, by the tree bookkeeping, or by the kernel with IN_IGNORED).</summary>
    public bool IsRemoved => State != WatchState.Live;

    /// <summary>Mask, handler, autoAdd, filter, WatchFailed and transient files, shared with the rest of its tree.</summary>
    internal WatchSettings Settings
    {
        get => _settings;
        set => Volatile.Write(ref _settings, value);
    }

    /// <summary>Where the watch is in its life; only the watch table changes it.</summary>
    internal WatchState State { get; set; }

    /// <summary>Part of a recursive or autoAdd tree: the kernel is also asked for the events that keep paths right.</summary>
    internal bool Tracked { get; set; }

    /// <summary>Detached by the tree bookkeeping (its path is no longer true): its remaining events are not reported.</summary>
    internal bool Silent => State == WatchState.Detached;

    /// <summary>A watch moved inside the tree whose IN_MOVE_SELF is still to come (its path is already the new one).</summary>
    internal bool ExpectMoveSelf { get; set; }

    /// <summary>
    /// WatchTransientFile's watches on this directory, each for one name, on the same wd as the directory's own watch
    /// (the kernel has one per inode).
    /// </summary>
    internal TransientFile[]? TransientFiles => _settings.TransientFiles;

    /// <summary>What the transient files ask of the kernel.</summary>
    internal EventMask TransientMask
    {
        get
        {
            var mask = EventMask.None;
            foreach (var f in TransientFiles ?? [])
                mask |= f.Mask;
            return mask;
        }
    }

    /// <summary>The tree's <see cref="WatchOptions.WatchFailed"/>, inherited by the watches autoAdd adds below.</summary>
    internal Action<WatchResult>? WatchFailed => _settings.WatchFailed;

    /// <summary>The generation now: a node whose chain is <see cref="UnmovedSince"/> it still has the path it had then.</summary>
    internal static long Generation => Volatile.Read(ref s_generation);

    /// <summary>A new generation for a node that moves (called by the table after it re-linked the node).</summary>
    internal static void MarkMoved(Watch node) => Volatile.Write(ref node.MovedAt, Interlocked.Increment(ref s_generation));

    /// <summary><paramref name="node"/> takes the place of <paramref name="old"/>: what moved there, moved it too.</summary>
    internal static void InheritMoves(Watch node, Watch old) =>
        Volatile.Write(ref node.MovedAt, Math.Max(Volatile.Read(ref node.MovedAt), Volatile.Read(ref old.MovedAt)));

    /// <summary>The path as it is now, made final: the watch ended and leaves the tree (called by the table).</summary>
    internal void FreezePath()
    {
        lock (s_pathGate)
        {
            if (_pathAt == FrozenMark)
                return;
            if (_path is null || !UnmovedSince(_pathAt))
                _path = DerivePath();
            Volatile.Write(ref _pathAt, FrozenMark);
        }
    }

    /// <summary><see cref="FreezePath"/> for a live watch that is about to lose its place.</summary>
    internal void FreezeIfLive()
    {
        if (State == WatchState.Live)
            FreezePath();
    }

    /// <summary>The path derived now, without caching it (for bookkeeping that visits many watches once).</summary>
    internal string PathNow()
    {
        var at = Volatile.Read(ref _pathAt);
        var path = Volatile.Read(ref _path);
        return path is not null && (at == FrozenMark || UnmovedSince(at)) ? path : DerivePath();
    }

    // Writers are serialised by the gate, so the generations they store only grow; readers need no lock.
    private string RefreshPath()
    {
        lock (s_pathGate)
        {
            if (_pathAt == FrozenMark)
                return _path!;
            var now = Volatile.Read(ref s_generation);
            if (_path is null || !UnmovedSince(_pathAt))
                _path = DerivePath();
            Volatile.Write(ref _pathAt, now);
            return _path;
        }
    }

    /// <summary>Whether neither this node nor one above it moved after generation <paramref name="at"/>.</summary>
    internal bool UnmovedSince(long at)
    {
        for (var n = this; n is not null; n = n.Parent)
            if (Volatile.Read(ref n.MovedAt) > at)
                return false;
        return true;
    }

    /// <summary>
    /// The names from the root down, joined with '/' and decoded once (surrogateescape, see <see cref="FileNames"/>).
    /// The chain is read once, name by name, into a snapshot: a reader without the manager's lock may race a move,
    /// and then gets a path that was true just before or just after it (the generation check derives it again), never
    /// a torn buffer.
    /// </summary>
    private string DerivePath()
    {
        var names = System.Buffers.ArrayPool<byte[]>.Shared.Rent(64);
        var count = 0;
        var length = 0;
        try
        {
            for (var n = this; n.Parent is { } parent; n = parent)
            {
                if (count == names.Length)
                {
                    var grown = System.Buffers.ArrayPool<byte[]>.Shared.Rent(names.Length * 2);
                    names.AsSpan(0, count).CopyTo(grown);
                    System.Buffers.ArrayPool<byte[]>.Shared.Return(names, clearArray: true);
                    names = grown;
                }
                var name = n.Name;
                names[count++] = name;
                length += name.Length + 1;
            }
            if (length == 0)
                return "/";
            byte[]? rented = null;
            var buffer = length <= 512 ? stackalloc byte[length] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
            var at = 0;
            for (var i = count - 1; i >= 0; i--)
            {
                buffer[at++] = (byte)'/';
                names[i].CopyTo(buffer[at..]);
                at += names[i].Length;
            }
            var path = FileNames.Decode(buffer);
            if (rented is not null)
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            return path;
        }
        finally
        {
            System.Buffers.ArrayPool<byte[]>.Shared.Return(names, clearArray: true);
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"<Watch wd={Wd} path={Path} mask=0x{(uint)Mask:x} auto_add={(AutoAdd ? "True" : "False")} >";
}

/// <summary>One WatchTransientFile watch: events whose name is exactly <paramref name="Name"/> go to its handler.</summary>
internal sealed record TransientFile(byte[] Name, EventMask Mask, ProcessEvent? Handler);
