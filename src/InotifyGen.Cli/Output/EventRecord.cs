using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace InotifyGen.Cli.Output;

/// <summary>
/// One event with its paths as bytes: what the formatters print. <see cref="Name"/> is the kernel's bytes
/// (<see cref="InotifyEvent.NameBytes"/>); <see cref="Path"/> is the watch's path, which the library keeps as text for
/// now, so it is that text in UTF-8 (see <see cref="EventPaths"/>: the one place to plug in byte-exact paths).
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

    /// <summary>The watch's path (empty for IN_Q_OVERFLOW).</summary>
    public ReadOnlySpan<byte> Path { get; }

    /// <summary>On a paired IN_MOVED_TO, the full path the entry moved from.</summary>
    public ReadOnlySpan<byte> SrcPathName { get; }

    public bool HasSrcPathName { get; }

    public bool HasWatch => Event.Watch is not null;

    /// <summary>inotifywait's %w: the watch's path, with a trailing slash when it is a directory.</summary>
    public void AppendWatchPath(ArrayBufferWriter<byte> w)
    {
        w.Append(Path);
        var watchIsDir = !Name.IsEmpty || (Event.Watch?.IsDir ?? Event.IsDir);
        if (watchIsDir && (Path.IsEmpty || Path[^1] != (byte)'/'))
            w.Append((byte)'/');
    }
}

/// <summary>
/// Turns events into <see cref="EventRecord"/>s: encodes each watch's path once (until it changes), and keeps the
/// exact bytes of an IN_MOVED_FROM whose path is not valid UTF-8, because the library hands the paired IN_MOVED_TO
/// its source as text (<see cref="InotifyEvent.SrcPathName"/>), where such bytes are already replaced.
/// </summary>
internal sealed class EventPaths
{
    /// <summary>Moves whose halves never meet (the IN_MOVED_TO was not delivered) are forgotten past this many.</summary>
    private const int MaxPendingSources = 1024;

    private readonly Dictionary<uint, byte[]> _sources = new();
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private Watch? _watch;
    private string? _path;
    private byte[] _pathBytes = [];

    public EventRecord Record(in InotifyEvent e)
    {
        var path = PathOf(e.Watch);
        if (e.EventType == EventMask.QueueOverflow && e.Watch is null)
            _sources.Clear(); // the halves of the moves in flight may be lost
        if (e.EventType == EventMask.MovedFrom && (e.Flags & EventFlags.MovedOut) == 0)
            RememberSource(e.Cookie, path, e.NameBytes);
        if (e.SrcPathName is not { } src)
            return new EventRecord(e, path, default, hasSrc: false);
        if (_sources.Remove(e.Cookie, out var exact))
            return new EventRecord(e, path, exact, hasSrc: true);
        _scratch.ResetWrittenCount();
        _scratch.AppendText(src);
        return new EventRecord(e, path, _scratch.WrittenSpan, hasSrc: true);
    }

    /// <summary>
    /// The UTF-8 of the watch's path. When the library keeps paths as bytes, this returns them instead, and every
    /// format is byte-exact for paths too.
    /// </summary>
    private ReadOnlySpan<byte> PathOf(Watch? w)
    {
        if (w is null)
            return default;
        var path = w.Path;
        if (!ReferenceEquals(w, _watch) || !ReferenceEquals(path, _path))
        {
            _watch = w;
            _path = path;
            _pathBytes = Encoding.UTF8.GetBytes(path);
        }
        return _pathBytes;
    }

    private void RememberSource(uint cookie, ReadOnlySpan<byte> path, ReadOnlySpan<byte> name)
    {
        if (Utf8.IsValid(name) && Utf8.IsValid(path))
            return; // the text the library passes on is exact
        if (_sources.Count >= MaxPendingSources)
            _sources.Clear();
        _scratch.ResetWrittenCount();
        _scratch.AppendJoined(path, name);
        _sources[cookie] = _scratch.WrittenSpan.ToArray();
    }
}
