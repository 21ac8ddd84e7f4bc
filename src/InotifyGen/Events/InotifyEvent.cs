namespace InotifyGen;

/// <summary>
/// One inotify event, pyinotify's <c>Event</c>. It is a view into the notifier's read buffer, valid only
/// during dispatch: reading <see cref="Mask"/>, <see cref="Wd"/>, <see cref="IsDir"/> or <see cref="Cookie"/>
/// allocates nothing, and strings are made only when asked for. Call <see cref="ToOwned"/> to keep it.
/// </summary>
public readonly ref struct InotifyEvent
{
    private readonly Watch? _watch;
    private readonly string? _name;
    private readonly string? _path;
    private readonly EventFlags _flags;

    internal InotifyEvent(int wd, EventMask mask, uint cookie, ReadOnlySpan<byte> nameBytes, Watch? watch,
        string? srcPathName = null, string? name = null, EventFlags flags = EventFlags.None, string? path = null)
    {
        _path = path;
        Wd = wd;
        Mask = mask;
        Cookie = cookie;
        NameBytes = nameBytes;
        _watch = watch;
        _name = name;
        _flags = flags;
        SrcPathName = srcPathName;
    }

    /// <summary>The watch descriptor the event came through (-1 for IN_Q_OVERFLOW).</summary>
    public int Wd { get; }

    /// <summary>The kernel's mask: one event, plus <see cref="EventMask.IsDir"/> when it applies.</summary>
    public EventMask Mask { get; }

    /// <summary>The event without <see cref="EventMask.IsDir"/>: the value handlers are dispatched on.</summary>
    public EventMask EventType => Mask & ~EventMask.IsDir;

    /// <summary>The cookie that ties an IN_MOVED_FROM to its IN_MOVED_TO; 0 for other events.</summary>
    public uint Cookie { get; }

    /// <summary>
    /// Whether the subject is a directory. For IN_DELETE_SELF and IN_MOVE_SELF, where the kernel does not
    /// say, it is whether the watched item was a directory (as in pyinotify).
    /// </summary>
    public bool IsDir => (Mask & EventMask.IsDir) != 0
        || ((Mask & (EventMask.DeleteSelf | EventMask.MoveSelf)) != 0 && _watch is { IsDir: true });

    /// <summary>The entry's name exactly as the kernel gave it; empty when the event is on the watched item itself.</summary>
    public ReadOnlySpan<byte> NameBytes { get; }

    /// <summary>
    /// The entry's name (<c>""</c> when the event is on the watched item itself). A name that is not valid UTF-8
    /// keeps every byte, as a lone surrogate U+DC00 + byte (Python's <c>surrogateescape</c>, see <see cref="FileNames"/>);
    /// <see cref="NameBytes"/> has the exact bytes.
    /// </summary>
    public string Name => _name ?? FileNames.Decode(NameBytes);

    /// <summary>
    /// The directory of the event: the path of the watch it came through (<c>""</c> for IN_Q_OVERFLOW), or with the
    /// fanotify backend the directory below the watched path where it happened.
    /// </summary>
    public string Path => _path ?? _watch?.Path ?? "";

    /// <summary><see cref="Path"/> joined with <see cref="Name"/>, or <see cref="Path"/> when there is no name.</summary>
    public string PathName => PathText.Join(Path, Name);

    /// <summary>On an IN_MOVED_TO paired with its IN_MOVED_FROM: the full path the entry moved from.</summary>
    public string? SrcPathName { get; }

    /// <summary>The IN_* names of <see cref="Mask"/>, e.g. <c>IN_CREATE|IN_ISDIR</c>. Allocation-free.</summary>
    public string MaskName => EventsCodes.MaskName(Mask);

    /// <summary>True when InotifyGen made this event up to report what the kernel could not (see <see cref="EventFlags"/>).</summary>
    public bool IsSynthetic => (_flags & EventFlags.Synthetic) != 0;

    /// <summary>Extra facts about the event beyond what the kernel reported.</summary>
    public EventFlags Flags => _flags;

    /// <summary>The watch the event came through, or null for IN_Q_OVERFLOW.</summary>
    public Watch? Watch => _watch;

    /// <summary>Copies the event into an object that stays valid after dispatch.</summary>
    public OwnedInotifyEvent ToOwned() =>
        new(Wd, Mask, Cookie, NameBytes.ToArray(), Name, Path, IsDir, SrcPathName, _flags, _watch is not null);

    /// <summary>pyinotify's line: <c>&lt;Event dir=False mask=0x100 maskname=IN_CREATE name=foo path=/tmp/w pathname=/tmp/w/foo wd=1 &gt;</c>.</summary>
    public override string ToString() =>
        EventText.Format(Mask, Cookie, Name, Path, IsDir, SrcPathName, Wd, _watch is not null);
}

/// <summary>Facts about an event that the kernel did not report itself.</summary>
[Flags]
public enum EventFlags
{
    /// <summary>A plain kernel event.</summary>
    None = 0,
    /// <summary>
    /// Made up by InotifyGen: for example the IN_CREATE of an entry that appeared in a new directory before
    /// its watch existed, or the per-tree IN_Q_OVERFLOW that follows an overflow rescan.
    /// </summary>
    Synthetic = 1,
    /// <summary>The kernel queue overflowed and events in this watch's tree were lost; a rescan followed.</summary>
    EventsLost = 2,
    /// <summary>
    /// On an IN_MOVED_FROM: its IN_MOVED_TO did not arrive within <see cref="Notifier.MoveWait"/>, so the entry
    /// left the watched tree (treat it as deleted). A directory's watches were removed with it.
    /// </summary>
    MovedOut = 4,
}
