using System.Buffers.Binary;
using System.Runtime.InteropServices;
using InotifyGen.Interop;

namespace InotifyGen;

/// <summary>Where a directory of an event lies: under the root <see cref="Wd"/>, at <see cref="Relative"/> (empty for the root itself).</summary>
internal readonly record struct DirectoryPlace(int Wd, byte[] Relative);

/// <summary>
/// Directory file handle to its place under a watched root, resolved lazily (open_by_handle_at, then the path of the
/// fd) and kept in a bounded cache: a handle outside every root is remembered as such, so the events of the rest of
/// the file system cost one lookup each. When the cache is full it starts again; a directory rename clears it,
/// since every path below the renamed directory changed.
/// </summary>
internal sealed unsafe class DirectoryPaths(int capacity = DirectoryPaths.DefaultCapacity)
{
    public const int DefaultCapacity = 16 * 1024;

    /// <summary>How deep a chain of directories known only by hints is followed (a deleted tree's depth).</summary>
    private const int MaxHintDepth = 256;

    private readonly Dictionary<HandleKey, DirectoryPlace?> _cache = new();
    private readonly Dictionary<HandleKey, (ulong Fsid, byte[] Parent, byte[] Name)> _hints = new();
    private FanotifyRoot[] _roots = [];

    /// <summary>How many handles are cached (at most the capacity).</summary>
    public int Count => _cache.Count;

    /// <summary>Uses a new set of roots: every cached verdict may have changed.</summary>
    public void SetRoots(FanotifyRoot[] roots)
    {
        _roots = roots;
        Clear();
    }

    /// <summary>Forgets every path, keeping the roots themselves known even once deleted.</summary>
    public void Clear()
    {
        _cache.Clear();
        foreach (var root in _roots)
            if (HandleKey.TryMake(root.Fsid, root.Handle, out var key))
                _cache[key] = new DirectoryPlace(root.Wd, []);
    }

    /// <summary>
    /// The place of the directory with file handle <paramref name="handle"/> (struct file_handle: handle_bytes,
    /// handle_type, f_handle) on file system <paramref name="fsid"/>; null when it lies outside every root or can no
    /// longer be found (deleted before its event was read, and not cached).
    /// </summary>
    public DirectoryPlace? Find(ulong fsid, ReadOnlySpan<byte> handle) => Find(fsid, handle, 0, out _);

    /// <summary>
    /// <see cref="Find(ulong, ReadOnlySpan{byte})"/>, and whether a null means the directory is gone (deleted, with
    /// no record of its deletion among the hints) rather than outside every root.
    /// </summary>
    public DirectoryPlace? Find(ulong fsid, ReadOnlySpan<byte> handle, out bool gone) => Find(fsid, handle, 0, out gone);

    /// <summary>The wd of the watched root whose own file handle is <paramref name="handle"/>, or null.</summary>
    public int? RootOf(ulong fsid, ReadOnlySpan<byte> handle)
    {
        foreach (var root in _roots)
            if (root.Fsid == fsid && handle.SequenceEqual(root.Handle))
                return root.Wd;
        return null;
    }

    /// <summary>
    /// Notes, for the read being translated, that the directory <paramref name="child"/> is (or was, when deleted)
    /// the entry <paramref name="name"/> of <paramref name="parent"/>: the fallback when its handle no longer opens.
    /// </summary>
    public void Hint(ulong fsid, ReadOnlySpan<byte> child, ulong parentFsid, ReadOnlySpan<byte> parent, ReadOnlySpan<byte> name)
    {
        if (fsid == parentFsid && HandleKey.TryMake(fsid, child, out var key))
            _hints[key] = (fsid, parent.ToArray(), name.ToArray());
    }

    /// <summary>The read is translated: its hints are forgotten (the cache keeps what they resolved).</summary>
    public void ClearHints() => _hints.Clear();

    private DirectoryPlace? Find(ulong fsid, ReadOnlySpan<byte> handle, int depth, out bool gone)
    {
        gone = false;
        var cacheable = HandleKey.TryMake(fsid, handle, out var key);
        if (cacheable && _cache.TryGetValue(key, out var known))
            return known;
        if (!TryResolve(fsid, handle, out var place))
        {
            // Gone before its event was read: a deletion in this same read may still say where it was.
            if (!cacheable || depth >= MaxHintDepth || !_hints.TryGetValue(key, out var hint))
            {
                gone = true;
                return null;
            }
            if (Find(hint.Fsid, hint.Parent, depth + 1, out gone) is not { } parent)
                return null;
            place = new DirectoryPlace(parent.Wd, parent.Relative.Length == 0 ? hint.Name : [.. parent.Relative, (byte)'/', .. hint.Name]);
        }
        if (cacheable)
        {
            if (_cache.Count >= capacity)
                Clear();
            _cache[key] = place;
        }
        return place;
    }

    /// <summary>open_by_handle_at and the fd's path. False when the directory cannot be found (deleted); true with null when it lies outside every root.</summary>
    private bool TryResolve(ulong fsid, ReadOnlySpan<byte> handle, out DirectoryPlace? place)
    {
        place = null;
        var mountFd = -1;
        foreach (var root in _roots)
            if (root.Fsid == fsid)
                mountFd = root.MountFd;
        if (mountFd < 0)
            return true;
        int fd;
        fixed (byte* h = handle)
            fd = Libc.OpenByHandleAt(mountFd, h, Libc.O_PATH | Libc.O_CLOEXEC);
        if (fd < 0)
            return false;
        Span<byte> path = stackalloc byte[4096];
        int length;
        try
        {
            Span<byte> link = stackalloc byte[32];
            var written = System.Text.Encoding.ASCII.GetBytes($"/proc/self/fd/{fd}", link);
            link[written] = 0;
            fixed (byte* l = link)
            fixed (byte* p = path)
                length = (int)Libc.ReadLink(l, p, (nuint)path.Length);
            if (length > 0 && path[..length].EndsWith(" (deleted)"u8) && IsUnlinked(fd))
                return false; // removed meanwhile: the kernel's path for it is no longer one
        }
        finally
        {
            Libc.Close(fd);
        }
        place = length <= 0 || path[0] != (byte)'/' ? null : Place(path[..length]);
        return true;
    }

    private static bool IsUnlinked(int fd)
    {
        var statx = stackalloc byte[Libc.StatxSize];
        byte empty = 0;
        return Libc.Statx(fd, &empty, Libc.AT_EMPTY_PATH, StatxNlink, statx) == 0 && *(uint*)(statx + StatxNlinkOffset) == 0;
    }

    private const uint StatxNlink = 0x4;
    private const int StatxNlinkOffset = 16;

    /// <summary>The deepest root at or above <paramref name="path"/> (a deleted directory's " (deleted)" path matches none that is still true).</summary>
    private DirectoryPlace? Place(ReadOnlySpan<byte> path)
    {
        FanotifyRoot? best = null;
        foreach (var root in _roots)
        {
            var top = root.PathBytes;
            var inside = path.StartsWith(top) && (path.Length == top.Length || path[top.Length] == (byte)'/' || top.Length == 1);
            if (inside && (best is null || top.Length > best.PathBytes.Length))
                best = root;
        }
        if (best is null)
            return null;
        var start = best.PathBytes.Length == 1 ? 1 : Math.Min(path.Length, best.PathBytes.Length + 1);
        return new DirectoryPlace(best.Wd, path[start..].ToArray());
    }

    /// <summary>A file handle of up to 32 bytes as a value (every common file system's handles fit); longer ones are resolved each time.</summary>
    [StructLayout(LayoutKind.Auto)]
    private readonly record struct HandleKey(ulong Fsid, int Type, int Length, ulong A, ulong B, ulong C, ulong D)
    {
        public static bool TryMake(ulong fsid, ReadOnlySpan<byte> handle, out HandleKey key)
        {
            var bytes = (int)BinaryPrimitives.ReadUInt32LittleEndian(handle);
            if (bytes > 32 || handle.Length < 8 + bytes)
            {
                key = default;
                return false;
            }
            Span<byte> body = stackalloc byte[32];
            body.Clear();
            handle.Slice(8, bytes).CopyTo(body);
            key = new HandleKey(fsid, BinaryPrimitives.ReadInt32LittleEndian(handle[4..]), bytes,
                BinaryPrimitives.ReadUInt64LittleEndian(body), BinaryPrimitives.ReadUInt64LittleEndian(body[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(body[16..]), BinaryPrimitives.ReadUInt64LittleEndian(body[24..]));
            return true;
        }
    }
}
