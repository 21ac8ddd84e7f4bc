
namespace InotifyGen.Cli.Output;

/// <summary>
/// One event with its paths as bytes: what the formatters print. <see cref="Name"/> is the kernel's bytes
/// (<see cref="InotifyEvent.NameBytes"/>); <see cref="Path"/> and <see cref="SrcPathName"/> are the library's paths
/// turned back into their exact bytes (<see cref="FileNames"/>).
/// </summary>
internal readonly ref struct EventRecord
{
    public EventRecord(in InotifyEvent e, ReadOnlySpan<byte> path, ReadOnlySpan<byte> srcPathName, bool hasSrc)
    {
        Event = e;
        Path = path;
        SrcPathName = srcPathName;
        HasSrcPathName = hasSrc;
    }

    public InotifyEvent Event { get; }

    public ReadOnlySpan<byte> Name => Event.NameBytes;

    /// <summary>The event's directory, <see cref="InotifyEvent.Path"/> (empty for IN_Q_OVERFLOW).</summary>
    public ReadOnlySpan<byte> Path { get; }

    /// <summary>On a paired IN_MOVED_TO, the full path the entry moved from.</summary>
    public ReadOnlySpan<byte> SrcPathName { get; }

    public bool HasSrcPathName { get; }

    public bool HasWatch => Event.Watch is not null;

    /// <summary>inotifywait's %w: the watch's path, with a trailing slash when it is a directory.</summary>
    public void AppendWatchPath(ByteBuffer w)
    {
        w.Append(Path);
        var watchIsDir = !Name.IsEmpty || (Event.Watch?.IsDir ?? Event.IsDir);
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
