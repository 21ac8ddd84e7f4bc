using InotifyGen.Interop;

namespace InotifyGen;

/// <summary>The inotify fd of a <see cref="WatchManager"/>, read without blocking, and an eventfd to wake a poll().</summary>
internal sealed unsafe class KernelEventSource : IEventSource
{
    private readonly FileDescriptorHandle _inotify;
    private readonly FileDescriptorHandle _wake;

    public KernelEventSource(FileDescriptorHandle inotify)
    {
        _inotify = inotify;
        var fd = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (fd < 0)
            throw InotifyErrors.ForCall("eventfd", InotifyErrors.LastErrno);
        _wake = new FileDescriptorHandle(fd);
    }

    public int Read(Span<byte> buffer)
    {
        if (_inotify.IsClosed)
            return 0;
        try
        {
            fixed (byte* p = buffer)
            {
                var n = Libc.Read(_inotify, p, buffer.Length);
                if (n >= 0)
                    return (int)n;
                var errno = InotifyErrors.LastErrno;
                if (errno is Libc.EAGAIN or Libc.EINTR)
                    return 0;
                throw InotifyErrors.ForCall("read", errno);
            }
        }
        catch (ObjectDisposedException)
        {
            return 0; // closed by another thread meanwhile
        }
    }

    public int Pending()
    {
        if (_inotify.IsClosed)
            return 0;
        try
        {
            return Libc.Ioctl(_inotify, Libc.FIONREAD, out var available) < 0 ? 0 : available;
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }

    /// <summary>poll() on the wake fd and, optionally, the inotify fd. EINTR is retried with the time left.</summary>
    public bool Wait(TimeSpan? timeout, bool forEvents)
    {
        bool addedInotify = false, addedWake = false;
        try
        {
            _inotify.DangerousAddRef(ref addedInotify);
            _wake.DangerousAddRef(ref addedWake);
            var fds = stackalloc Libc.PollFd[2];
            fds[0] = new Libc.PollFd { Fd = _wake.Fd, Events = Libc.POLLIN };
            fds[1] = new Libc.PollFd { Fd = forEvents ? _inotify.Fd : -1, Events = Libc.POLLIN };
            var deadline = timeout is { } t ? DateTime.UtcNow + t : DateTime.MaxValue;
            while (true)
            {
                var ms = timeout is null ? -1 : (int)Math.Clamp(Math.Ceiling((deadline - DateTime.UtcNow).TotalMilliseconds), 0, int.MaxValue);
                var rc = Libc.Poll(fds, 2, ms);
                if (rc < 0)
                {
                    var errno = InotifyErrors.LastErrno;
                    if (errno == Libc.EINTR)
                        continue;
                    throw InotifyErrors.ForCall("poll", errno);
                }
                if (fds[0].REvents != 0)
                    return false;
                return rc > 0 && fds[1].REvents != 0;
            }
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            if (addedInotify) _inotify.DangerousRelease();
            if (addedWake) _wake.DangerousRelease();
        }
    }

    public void Wake()
    {
        ulong one = 1;
        try { Libc.Write(_wake, (byte*)&one, sizeof(ulong)); }
        catch (ObjectDisposedException) { } // already closed: nothing left to wake
    }

    /// <summary>Closes the wake-up fd; the inotify fd belongs to the watch manager.</summary>
    public void Dispose() => _wake.Dispose();
}
