namespace InotifyGen.Interop;

/// <summary>
/// The kernel side of a watch manager: add and remove watches, and the events to read. The real one is an inotify
/// fd (<see cref="InotifyInstance"/>); tests put a simulated kernel here.
/// </summary>
internal interface IKernelWatches : IDisposable
{
    /// <summary>The inotify fd, or -1 where there is none.</summary>
    int Fd { get; }

    bool IsClosed { get; }

    /// <summary>inotify_add_watch: the wd, or the negated errno.</summary>
    int Add(string path, EventMask mask);

    /// <summary><see cref="Add(string, EventMask)"/> with the path's exact bytes, NUL-terminated (a walk's path, never made a string).</summary>
    int Add(ReadOnlySpan<byte> path, EventMask mask) => Add(FileNames.Decode(path[..^1]), mask);

    /// <summary>inotify_rm_watch: 0, or the negated errno.</summary>
    int Remove(int wd);

    /// <summary>The reader's view of this instance's events (with its own wake-up).</summary>
    IEventSource OpenEvents();
}

/// <summary>One inotify instance (inotify_init1 with CLOEXEC and NONBLOCK).</summary>
internal sealed class InotifyInstance : IKernelWatches
{
    private readonly FileDescriptorHandle _handle;

    public InotifyInstance()
    {
        var fd = Libc.InotifyInit1(Libc.IN_CLOEXEC | Libc.IN_NONBLOCK);
        if (fd < 0)
            throw InotifyErrors.ForInit(InotifyErrors.LastErrno);
        _handle = new FileDescriptorHandle(fd);
    }

    public int Fd => _handle.Fd;

    public bool IsClosed => _handle.IsClosed;

    public int Add(string path, EventMask mask)
    {
        var wd = Libc.InotifyAddWatch(_handle, path, (uint)mask);
        return wd >= 0 ? wd : -InotifyErrors.LastErrno;
    }

    public unsafe int Add(ReadOnlySpan<byte> path, EventMask mask)
    {
        fixed (byte* p = path)
        {
            var wd = Libc.InotifyAddWatch(_handle, p, (uint)mask);
            return wd >= 0 ? wd : -InotifyErrors.LastErrno;
        }
    }

    public int Remove(int wd) => Libc.InotifyRmWatch(_handle, wd) == 0 ? 0 : -InotifyErrors.LastErrno;

    public IEventSource OpenEvents() => new KernelEventSource(_handle);

    public void Dispose() => _handle.Dispose();
}
