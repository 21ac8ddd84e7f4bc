
namespace InotifyGen.Cli.Output;

/// <summary>
/// One event with its paths as bytes: what the formatters print. <see cref="Name"/> is the kernel's bytes
/// (<see cref="InotifyEvent.NameBytes"/>); <see cref="Path"/> and <see cref="SrcPathName"/> are the library's paths
/// turned back into their exact bytes (<see cref="FileNames"/>).
/// </summary>
internal readonly ref struct EventRecord
{
    public EventRecord(in InotifyEvent e, ReadOnlySpan<byte> path, ReadOnlySpan<byte> srcPathName, bool hasSrc)
        : this(e.Wd, e.Mask, e.Cookie, e.Flags, e.NameBytes, path, e.Watch is not null, e.Watch?.IsDir ?? e.IsDir)
    {
        IsDir = e.IsDir; // also true for the self events of a watched directory, whose mask has no IN_ISDIR
        SrcPathName = srcPathName;
        HasSrcPathName = hasSrc;
    }

    /// <summary>An event made up outside the notifier (a replay after a restart, a lost-events marker).</summary>
    public EventRecord(int wd, EventMask mask, uint cookie, EventFlags flags, ReadOnlySpan<byte> name, ReadOnlySpan<byte> path,
        bool hasWatch, bool watchIsDir)
    {
        Wd = wd;
        Mask = mask;
        Cookie = cookie;
        Flags = flags;
        Name = name;
        Path = path;
        HasWatch = hasWatch;
        WatchIsDir = watchIsDir;
        IsDir = (mask & EventMask.IsDir) != 0;
    }

    public int Wd { get; }

    public EventMask Mask { get; }

    public uint Cookie { get; }

    public EventFlags Flags { get; }

    /// <summary><see cref="InotifyEvent.IsDir"/>: whether the event is about a directory.</summary>
    public bool IsDir { get; }

    /// <summary>The kernel's bytes of the name (<see cref="InotifyEvent.NameBytes"/>).</summary>
    public ReadOnlySpan<byte> Name { get; }

    /// <summary>The event's directory, <see cref="InotifyEvent.Path"/> (empty for IN_Q_OVERFLOW).</summary>
    public ReadOnlySpan<byte> Path { get; }

    /// <summary>On a paired IN_MOVED_TO, the full path the entry moved from.</summary>
    public ReadOnlySpan<byte> SrcPathName { get; }

    public bool HasSrcPathName { get; }

    public bool HasWatch { get; }

    /// <summary>Whether the watch itself is a directory (a file watch reports events with no name).</summary>
    private bool WatchIsDir { get; }

    /// <summary>inotifywait's %w: the watch's path, with a trailing slash when it is a directory.</summary>
    public void AppendWatchPath(ByteBuffer w)
    {
        w.Append(Path);
        var watchIsDir = !Name.IsEmpty || WatchIsDir;
        if (watchIsDir && (Path.IsEmpty || Path[^1] != (byte)'/'))
            w.Append((byte)'/');
    }
}

/// <summary>
/// Turns events into <see cref="EventRecord"/>s, encoding each watch's path once (until it changes) and a move's
/// source path into a reused buffer.
/// </summary>
internal sealed class EventPaths
{
    private readonly ByteBuffer _source = new(256);
    private Watch? _watch;
    private string? _path;
    private byte[] _pathBytes = [];

    public EventRecord Record(in InotifyEvent e)
    {
        var path = PathOf(e.Watch, e.Path);
        if (e.SrcPathName is not { } src)
            return new EventRecord(e, path, default, hasSrc: false);
        _source.Clear();
        _source.Advance(FileNames.Encode(src, _source.GetSpan(FileNames.ByteCount(src))));
        return new EventRecord(e, path, _source.Written, hasSrc: true);
    }

    /// <summary>The event's directory: the watch's path, or with fanotify the directory below it.</summary>
    private ReadOnlySpan<byte> PathOf(Watch? w, string path)
    {
        if (w is null)
            return default;
        if (!ReferenceEquals(w, _watch) || !ReferenceEquals(path, _path))
        {
            _watch = w;
            _path = path;
            _pathBytes = FileNames.Encode(path);
        }
        return _pathBytes;
    }
}
