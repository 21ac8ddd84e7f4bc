using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using InotifyGen.Interop;

namespace InotifyGen;

/// <summary>
/// The fanotify side of a watch manager (<see cref="WatchBackend.Fanotify"/>): one fanotify group, one filesystem
/// mark per file system holding a watched directory, and the watched directories themselves ("roots"), each with
/// a watch descriptor of our own. Events are read and turned into inotify records by <see cref="FanotifyEventSource"/>.
/// </summary>
internal sealed unsafe class FanotifyInstance : IKernelWatches
{
    /// <summary>
    /// Directory fid and name, plus the object's own fid, also on entry events (TARGET_FID): a directory's creation,
    /// deletion or move tells which directory handle it is.
    /// </summary>
    private const uint InitFlags = Libc.FAN_CLASS_NOTIF | Libc.FAN_REPORT_DIR_FID | Libc.FAN_REPORT_NAME | Libc.FAN_REPORT_FID
        | Libc.FAN_REPORT_TARGET_FID;

    /// <summary>open_by_handle_at refuses an O_PATH fd as its mount fd (EBADF): a read-only directory fd it is.</summary>
    private const int MountFdFlags = Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC;

    private readonly FileDescriptorHandle _handle;
    private readonly object _gate = new();
    private readonly Dictionary<string, FanotifyRoot> _byPath = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, int> _mountFds = new(); // fsid to an O_PATH fd on that file system, for open_by_handle_at
    private readonly List<int> _ignored = new();
    private volatile FanotifyRoot[] _roots = [];
    private int _nextWd = 1;

    /// <summary>A new group; throws when fanotify_init is refused.</summary>
    public FanotifyInstance()
        : this(Init(out var errno) is var fd && fd >= 0 ? fd : throw new InotifyException(errno, null, RefusalText(errno, "fanotify_init", null)))
    {
    }

    private FanotifyInstance(int fd) => _handle = new FileDescriptorHandle(fd);

    /// <summary>
    /// A new group that can watch each of <paramref name="paths"/>, or null and the reason it cannot (no
    /// CAP_SYS_ADMIN for a filesystem mark, no CAP_DAC_READ_SEARCH for open_by_handle_at, a file system without
    /// file handles). Each step is tried on the group itself, its probe mark removed again: a throwaway group
    /// would cost an RCU grace period (about 12 ms here) to close.
    /// </summary>
    public static bool TryOpen(IEnumerable<string> paths, [NotNullWhen(true)] out FanotifyInstance? instance,
        [NotNullWhen(false)] out string? reason)
    {
        instance = null;
        var fd = Init(out var errno);
        if (fd < 0)
        {
            reason = RefusalText(errno, "fanotify_init", null);
            return false;
        }
        var group = new FanotifyInstance(fd);
        foreach (var path in paths)
        {
            if ((reason = group.Probe(path)) is not null)
            {
                group.Dispose();
                return false;
            }
        }
        reason = null;
        instance = group;
        return true;
    }

    private static int Init(out int errno)
    {
        var fd = Libc.FanotifyInit(InitFlags | Libc.FAN_CLOEXEC | Libc.FAN_NONBLOCK, Libc.O_RDONLY | Libc.O_CLOEXEC);
        errno = fd < 0 ? InotifyErrors.LastErrno : 0;
        return fd;
    }

    public int Fd => _handle.Fd;

    public bool IsClosed => _handle.IsClosed;

    /// <summary>The watched directories now; a new array whenever they change, so the reader needs no lock.</summary>
    public FanotifyRoot[] Roots => _roots;

    /// <summary>Why this group cannot watch <paramref name="path"/>, or null when it can; nothing stays marked.</summary>
    private string? Probe(string path)
    {
        const ulong probe = (ulong)EventMask.Create | Libc.FAN_ONDIR;
        var fd = _handle.Fd;
        if (Libc.FanotifyMark(fd, Libc.FAN_MARK_ADD | Libc.FAN_MARK_FILESYSTEM, probe, path) < 0)
        {
            var errno = InotifyErrors.LastErrno;
            // A path that is not there is AddWatch's error to report, not a reason to leave fanotify.
            return errno is Libc.ENOENT or Libc.EACCES or Libc.ENAMETOOLONG or Libc.ELOOP ? null : RefusalText(errno, "fanotify_mark", path);
        }
        Libc.FanotifyMark(fd, Libc.FAN_MARK_REMOVE | Libc.FAN_MARK_FILESYSTEM, probe, path);
        var dir = Libc.Open(path, MountFdFlags);
        if (dir < 0)
            return RefusalText(InotifyErrors.LastErrno, "open", path);
        try
        {
            var handle = stackalloc byte[8 + Libc.MaxHandleSize];
            if (!TryGetHandle(dir, handle, out var handleErrno))
                return RefusalText(handleErrno, "name_to_handle_at", path);
            var opened = Libc.OpenByHandleAt(dir, handle, Libc.O_PATH | Libc.O_CLOEXEC);
            if (opened < 0)
                return RefusalText(InotifyErrors.LastErrno, "open_by_handle_at", path);
            Libc.Close(opened);
            return null;
        }
        finally
        {
            Libc.Close(dir);
        }
    }

    /// <summary>Watches the directory <paramref name="path"/> and everything below it; the same path again keeps its wd.</summary>
    public int Add(string path, EventMask mask)
    {
        lock (_gate)
        {
            if (_handle.IsClosed)
                return -Libc.EBADF;
            var fd = Libc.Open(path, MountFdFlags); // opened before the mark, so the mark never reports its own open
            if (fd < 0)
            {
                var errno = InotifyErrors.LastErrno;
                if (errno == Libc.ENOTDIR)
                    throw new InotifyException(errno, path,
                        $"cannot watch '{path}': the fanotify backend watches directories only; watch its directory, or use WatchBackend.Inotify for a single file");
                return -errno;
            }
            var keep = false;
            try
            {
                if (Libc.FanotifyMark(_handle.Fd, Libc.FAN_MARK_ADD | Libc.FAN_MARK_FILESYSTEM, KernelMask(mask), path) < 0)
                {
                    var markErrno = InotifyErrors.LastErrno;
                    if (markErrno is Libc.ENOENT or Libc.ENOTDIR or Libc.EACCES or Libc.ENAMETOOLONG or Libc.ELOOP)
                        return -markErrno;
                    throw new InotifyException(markErrno, path, RefusalText(markErrno, "fanotify_mark", path));
                }
                if (_byPath.GetValueOrDefault(path) is { } existing)
                    return existing.Wd;
                var handle = stackalloc byte[8 + Libc.MaxHandleSize];
                if (!TryGetHandle(fd, handle, out var errno))
                    throw new InotifyException(errno, path, RefusalText(errno, "name_to_handle_at", path));
                var statfs = stackalloc byte[Libc.StatfsSize];
                if (Libc.FStatFs(fd, statfs) < 0)
                    throw InotifyErrors.ForCall("fstatfs", InotifyErrors.LastErrno);
                var fsid = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(statfs + Libc.StatfsFsidOffset, 8));
                if (!_mountFds.ContainsKey(fsid))
                {
                    _mountFds[fsid] = fd;
                    keep = true;
                }
                var handleBytes = new ReadOnlySpan<byte>(handle, 8 + (int)BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(handle, 4))).ToArray();
                var root = new FanotifyRoot(_nextWd++, path, FileNames.Encode(path), fsid, _mountFds[fsid], handleBytes);
                _byPath[path] = root;
                _roots = [.. _byPath.Values];
                return root.Wd;
            }
            finally
            {
                if (!keep)
                    Libc.Close(fd);
            }
        }
    }

    /// <summary>Stops reporting the root <paramref name="wd"/>; its IN_IGNORED follows, as inotify's does.</summary>
    public int Remove(int wd)
    {
        lock (_gate)
        {
            var root = Array.Find(_roots, r => r.Wd == wd);
            if (root is null)
                return -Libc.EINVAL;
            _byPath.Remove(root.Path);
            _roots = [.. _byPath.Values];
            _ignored.Add(wd);
            return 0;
        }
    }

    /// <summary>Moves the IN_IGNORED owed for removed roots into <paramref name="into"/>.</summary>
    public void TakeIgnored(List<int> into)
    {
        lock (_gate)
        {
            into.AddRange(_ignored);
            _ignored.Clear();
        }
    }

    public IEventSource OpenEvents() => new FanotifyEventSource(this, new KernelEventSource(_handle));

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var fd in _mountFds.Values)
                Libc.Close(fd);
            _mountFds.Clear();
            _handle.Dispose();
        }
    }

    /// <summary>
    /// The fanotify mask for the user's events: the bits up to IN_CLOSE_NOWRITE and IN_CREATE/IN_DELETE are the
    /// same; moves come as FAN_RENAME (both ends in one record, which also keeps the path cache right); events on
    /// directories only with FAN_ONDIR. IN_DELETE and IN_DELETE_SELF are always asked for, as inotify ends a watch
    /// whatever its mask: a watched directory's removal from its parent (or, when a rename replaced it, its inode's
    /// end) ends its watch (<see cref="FanotifyEventSource"/>); the dispatcher drops what the mask leaves out.
    /// </summary>
    internal static ulong KernelMask(EventMask mask) =>
        ((ulong)mask & (ulong)(EventMask.Access | EventMask.Modify | EventMask.Attrib | EventMask.CloseWrite | EventMask.CloseNoWrite
            | EventMask.Open | EventMask.Create))
        | (ulong)(EventMask.Delete | EventMask.DeleteSelf) | Libc.FAN_RENAME | Libc.FAN_ONDIR;

    /// <summary>name_to_handle_at on an open fd into <paramref name="handle"/> (struct file_handle, MAX_HANDLE_SZ bytes).</summary>
    private static bool TryGetHandle(int fd, byte* handle, out int errno)
    {
        *(uint*)handle = Libc.MaxHandleSize;
        byte empty = 0;
        if (Libc.NameToHandleAt(fd, &empty, handle, out _, Libc.AT_EMPTY_PATH) < 0)
        {
            errno = InotifyErrors.LastErrno;
            return false;
        }
        errno = 0;
        return true;
    }

    /// <summary>The one text for each way fanotify is refused: what failed, why, and what to do.</summary>
    internal static string RefusalText(int errno, string call, string? path)
    {
        var where = path is null ? "" : $" for '{path}'";
        return errno switch
        {
            Libc.EPERM when call == "open_by_handle_at" =>
                $"fanotify cannot resolve paths{where}: open_by_handle_at needs CAP_DAC_READ_SEARCH; run as root or use the inotify backend",
            Libc.EPERM => $"fanotify refused{where} ({call}: {Libc.Describe(errno)}): a filesystem mark needs CAP_SYS_ADMIN in the initial user namespace; run as root or use the inotify backend",
            Libc.EOPNOTSUPP or Libc.EXDEV or Libc.ENODEV =>
                $"fanotify cannot watch{where}: its file system does not give file handles ({call}: {Libc.Describe(errno)}); use the inotify backend for it",
            Libc.ENOSYS or Libc.EINVAL when call == "fanotify_init" =>
                $"fanotify with directory file handles is not available in this kernel ({call}: {Libc.Describe(errno)}); use the inotify backend",
            Libc.EMFILE when call == "fanotify_init" =>
                "fanotify group limit reached (fs.fanotify.max_user_groups): close unused WatchManagers, or raise the limit",
            _ => $"fanotify refused{where} ({call}: {Libc.Describe(errno)}); use the inotify backend",
        };
    }
}

/// <summary>One watched directory of the fanotify backend: its wd, path (as given and as bytes), file system and handle.</summary>
internal sealed record FanotifyRoot(int Wd, string Path, byte[] PathBytes, ulong Fsid, int MountFd, byte[] Handle);
