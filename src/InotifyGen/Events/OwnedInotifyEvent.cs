namespace InotifyGen;

/// <summary>
/// An inotify event copied out of the read buffer, so that it stays valid after dispatch: for storing,
/// queueing, <c>await foreach</c> and other threads. Made by <see cref="InotifyEvent.ToOwned"/>.
/// </summary>
public sealed class OwnedInotifyEvent
{
    private readonly bool _hasWatch;

    internal OwnedInotifyEvent(int wd, EventMask mask, uint cookie, byte[] nameBytes, string name, string path,
        bool isDir, string? srcPathName, EventFlags flags, bool hasWatch)
    {
        Wd = wd;
        Mask = mask;
        Cookie = cookie;
        NameBytes = nameBytes;
        Name = name;
        Path = path;
        IsDir = isDir;
        SrcPathName = srcPathName;
        Flags = flags;
        _hasWatch = hasWatch;
    }

    /// <inheritdoc cref="InotifyEvent.Wd"/>
    public int Wd { get; }
    /// <inheritdoc cref="InotifyEvent.Mask"/>
    public EventMask Mask { get; }
    /// <inheritdoc cref="InotifyEvent.EventType"/>
    public EventMask EventType => Mask & ~EventMask.IsDir;
    /// <inheritdoc cref="InotifyEvent.Cookie"/>
    public uint Cookie { get; }
    /// <inheritdoc cref="InotifyEvent.NameBytes"/>
    public ReadOnlyMemory<byte> NameBytes { get; }
    /// <inheritdoc cref="InotifyEvent.Name"/>
    public string Name { get; }
    /// <inheritdoc cref="InotifyEvent.Path"/>
    public string Path { get; }
    /// <inheritdoc cref="InotifyEvent.PathName"/>
    public string PathName => PathText.Join(Path, Name);
    /// <inheritdoc cref="InotifyEvent.IsDir"/>
    public bool IsDir { get; }
    /// <inheritdoc cref="InotifyEvent.SrcPathName"/>
    public string? SrcPathName { get; }
    /// <inheritdoc cref="InotifyEvent.MaskName"/>
    public string MaskName => EventsCodes.MaskName(Mask);
    /// <inheritdoc cref="InotifyEvent.Flags"/>
    public EventFlags Flags { get; }
    /// <inheritdoc cref="InotifyEvent.IsSynthetic"/>
    public bool IsSynthetic => (Flags & EventFlags.Synthetic) != 0;

    /// <inheritdoc cref="InotifyEvent.ToString"/>
    public override string ToString() =>
        EventText.Format(Mask, Cookie, Name, Path, IsDir, SrcPathName, Wd, _hasWatch);
}
