using System.Buffers.Binary;
using InotifyGen.Interop;

namespace InotifyGen;

/// <summary>
/// Reads the fanotify group and hands the reader (<see cref="EventQueue"/>) inotify records, so the stages after it
/// are the same for both backends. Each record's wd is the watched root's, and its name is the path below the root:
/// <c>sub/dir/name</c>, <c>sub/dir/</c> for an event on the directory itself, <c>""</c> for the root itself
/// (<see cref="FanotifyRouter"/> splits it again). A merged fanotify record becomes one record per event, in the
/// order of <see cref="Split"/>; a FAN_RENAME becomes IN_MOVED_FROM and IN_MOVED_TO with one cookie, adjacent.
/// </summary>
internal sealed class FanotifyEventSource(FanotifyInstance instance, KernelEventSource kernel) : IEventSource
{
    /// <summary>The order a merged record's events are given in: how one object's events follow each other in time.</summary>
    private static readonly EventMask[] LifeOrder =
    [
        EventMask.Create, EventMask.Open, EventMask.Access, EventMask.Modify, EventMask.Attrib, EventMask.CloseWrite,
        EventMask.CloseNoWrite, EventMask.Delete, EventMask.DeleteSelf,
    ];

    /// <summary>How much one read of the group asks for.</summary>
    private const int ReadSize = 64 * 1024;

    /// <summary>A read, after what the last translation held back (at most one read's worth).</summary>
    private readonly byte[] _in = new byte[2 * ReadSize];
    private readonly DirectoryPaths _paths = new();
    private readonly List<int> _ignored = new();
    private byte[] _out = new byte[64 * 1024];
    private int _outHead, _outTail;
    private FanotifyRoot[]? _roots;
    private uint _cookie;

    /// <summary>
    /// How many bytes at the start of <see cref="_in"/> the last translation held back: from the first record whose
    /// directory was gone with no record of its deletion read yet. rmdir queues that record a moment after the
    /// directory stops opening, so the held records are translated with the next read, and then never held again.
    /// </summary>
    private int _held;

    /// <summary>The cache of directory paths (for tests and the benchmark).</summary>
    internal DirectoryPaths Paths => _paths;

    public int Read(Span<byte> buffer)
    {
        if (_outHead == _outTail)
            Refill();
        var n = 0;
        while (_outHead + n + RawEventReader.HeaderSize <= _outTail)
        {
            var size = RawEventReader.HeaderSize + (int)BinaryPrimitives.ReadUInt32LittleEndian(_out.AsSpan(_outHead + n + 12));
            if (n + size > buffer.Length)
                break;
            n += size;
        }
        _out.AsSpan(_outHead, n).CopyTo(buffer);
        _outHead += n;
        if (_outHead == _outTail)
            _outHead = _outTail = 0;
        return n;
    }

    public int Pending() => _outTail - _outHead + _held + kernel.Pending();

    public bool Wait(TimeSpan? timeout, bool forEvents) =>
        forEvents && (_outHead != _outTail || _held > 0 || HasIgnored()) ? true : kernel.Wait(timeout, forEvents);

    public void Wake() => kernel.Wake();

    public void Dispose() => kernel.Dispose();

    private bool HasIgnored()
    {
        instance.TakeIgnored(_ignored);
        return _ignored.Count > 0;
    }

    /// <summary>Reads the group until a read gives something inside a root, or the group has nothing more.</summary>
    private void Refill()
    {
        instance.TakeIgnored(_ignored);
        foreach (var wd in _ignored)
            Emit(wd, EventMask.Ignored, 0, default, default);
        _ignored.Clear();
        while (_outHead == _outTail)
        {
            var n = Math.Max(0, kernel.Read(_in.AsSpan(_held, ReadSize)));
            // After each read: a root added before an event of this read happened owns it (a directory watched, then
            // deleted, comes as the CREATE|DELETE of its making, merged, queued before it was watched).
            UseCurrentRoots();
            if (n == 0 && _held == 0)
                return;
            // What was held is held no longer: with the next read, or with none when the group had nothing more.
            var length = _held + n;
            var mayHoldFrom = n == 0 ? length : _held > 0 ? RecordEnd(_in.AsSpan(0, length)) : 0;
            var used = Translate(_in.AsSpan(0, length), mayHoldFrom);
            _in.AsSpan(used, length - used).CopyTo(_in);
            _held = length - used;
        }
    }

    /// <summary>Takes the group's roots as they are now; the path cache starts again when they changed.</summary>
    private void UseCurrentRoots()
    {
        if (ReferenceEquals(_roots, instance.Roots))
            return;
        _roots = instance.Roots;
        _paths.SetRoots(_roots);
    }

    /// <summary>Where the first record of <paramref name="records"/> ends.</summary>
    private static int RecordEnd(ReadOnlySpan<byte> records) =>
        records.Length < 4 ? records.Length : Math.Clamp((int)BinaryPrimitives.ReadUInt32LittleEndian(records), 1, records.Length);

    /// <summary>
    /// Turns fanotify records into inotify records and says how many bytes it used. A first pass notes where each
    /// directory created, deleted or moved among them is (its own fid, FAN_REPORT_TARGET_FID): the events inside a
    /// directory deleted before they were read still get its path from the record of its deletion. A record from
    /// <paramref name="mayHoldFrom"/> on whose directory is gone without such a record stops the translation there,
    /// so that it is translated again with the next read, which holds the deletion.
    /// </summary>
    internal int Translate(ReadOnlySpan<byte> records, int mayHoldFrom = int.MaxValue)
    {
        for (var rest = records; Next(ref rest, out var mask, out var dir, out _, out var to, out var self);)
            if ((mask & Libc.FAN_ONDIR) != 0 && self.Valid && (to.Valid ? to : dir) is { Valid: true } place && !place.Name.SequenceEqual("."u8))
                _paths.Hint(self.Fsid, self.Handle, place.Fsid, place.Handle, place.Name);
        var used = 0;
        for (var rest = records; Next(ref rest, out var mask, out var dir, out var from, out var to, out var self); used = records.Length - rest.Length)
        {
            if ((mask & (ulong)EventMask.QueueOverflow) != 0)
            {
                Emit(-1, EventMask.QueueOverflow, 0, default, default);
                continue;
            }
            var isDir = (mask & Libc.FAN_ONDIR) != 0 ? EventMask.IsDir : EventMask.None;
            var rename = (mask & Libc.FAN_RENAME) != 0;
            var goneFrom = false;
            var source = rename ? Find(from, out goneFrom) : null;
            var target = Find(rename ? to : dir, out var gone);
            if ((gone || goneFrom) && used >= mayHoldFrom)
            {
                _paths.ClearHints();
                return used;
            }
            if (rename)
                Rename(source, target, from.Name, to.Name, isDir);
            else if (target is { } place)
                Split((EventMask)(uint)mask, place, dir.Name, isDir);
            if ((mask & ((ulong)EventMask.Delete | Libc.FAN_ONDIR)) == ((ulong)EventMask.Delete | Libc.FAN_ONDIR) && self.Valid
                && _paths.RootOf(self.Fsid, self.Handle) is { } deletedRoot)
            {
                // A watched directory's own IN_DELETE_SELF waits until its inode is evicted, which a reference to its
                // dentry puts off for any time; its removal from its parent is the moment it is gone.
                Emit(deletedRoot, EventMask.DeleteSelf | EventMask.IsDir, 0, default, default, self: true);
                EndRoot(deletedRoot);
            }
        }
        _paths.ClearHints();
        return records.Length;
    }

    private DirectoryPlace? Find(in Info info, out bool gone)
    {
        gone = false;
        return info.Valid ? _paths.Find(info.Fsid, info.Handle, out gone) : null;
    }

    /// <summary>The next record of <paramref name="records"/>: its mask and its directory, rename and object fid records.</summary>
    private static bool Next(ref ReadOnlySpan<byte> records, out ulong mask, out Info dir, out Info from, out Info to, out Info self)
    {
        dir = from = to = self = default;
        mask = 0;
        if (records.Length < Libc.FanMetadataSize)
            return false;
        var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(records);
        if (length < Libc.FanMetadataSize || length > records.Length)
            return false;
        var record = records[..length];
        records = records[length..];
        mask = BinaryPrimitives.ReadUInt64LittleEndian(record[Libc.FanMaskOffset..]);
        var metadataLength = BinaryPrimitives.ReadUInt16LittleEndian(record[6..]);
        for (var info = record[metadataLength..]; info.Length >= 4;)
        {
            var infoLength = BinaryPrimitives.ReadUInt16LittleEndian(info[2..]);
            if (infoLength < 4 || infoLength > info.Length)
                break;
            var body = info[..infoLength];
            switch (info[0])
            {
                case Libc.FAN_EVENT_INFO_TYPE_DFID_NAME: dir = Info.Parse(body); break;
                case Libc.FAN_EVENT_INFO_TYPE_OLD_DFID_NAME: from = Info.Parse(body); break;
                case Libc.FAN_EVENT_INFO_TYPE_NEW_DFID_NAME: to = Info.Parse(body); break;
                case Libc.FAN_EVENT_INFO_TYPE_FID: self = Info.Parse(body); break;
            }
            info = info[infoLength..];
        }
        return true;
    }

    /// <summary>
    /// A merged record's events one by one, in <see cref="LifeOrder"/>. Only when an entry both appeared and went
    /// (IN_CREATE|IN_DELETE) is the order in doubt: if the name exists now, it went first and came back.
    /// </summary>
    private void Split(EventMask mask, DirectoryPlace place, ReadOnlySpan<byte> name, EventMask isDir)
    {
        var self = name.SequenceEqual("."u8);
        if ((mask & (EventMask.Create | EventMask.Delete)) == (EventMask.Create | EventMask.Delete) && Exists(place, name))
        {
            Emit(place.Wd, EventMask.Delete | isDir, 0, place.Relative, name);
            mask &= ~EventMask.Delete;
        }
        foreach (var one in LifeOrder)
            if ((mask & one) != 0)
                Emit(place.Wd, one | isDir, 0, place.Relative, self ? default : name, self);
        if (self && place.Relative.Length == 0 && (mask & EventMask.DeleteSelf) != 0)
            EndRoot(place.Wd); // the watched directory itself is gone: its watch ends, as inotify's does
    }

    /// <summary>
    /// Ends a root whose directory was deleted: IN_IGNORED right after its IN_DELETE_SELF, and the root is no
    /// longer known, so the other report of its deletion (kernel's IN_DELETE_SELF or its parent's IN_DELETE) ends nothing.
    /// </summary>
    private void EndRoot(int wd)
    {
        instance.Remove(wd);
        UseCurrentRoots();
        instance.TakeIgnored(_ignored);
        foreach (var ended in _ignored)
            Emit(ended, EventMask.Ignored, 0, default, default);
        _ignored.Clear();
    }

    /// <summary>Both ends of a move in one record: a pair with a fresh cookie, or one end alone (cookie 0) when the other is outside.</summary>
    private void Rename(DirectoryPlace? source, DirectoryPlace? target, ReadOnlySpan<byte> fromName, ReadOnlySpan<byte> toName, EventMask isDir)
    {
        var cookie = source is not null && target is not null ? NextCookie() : 0;
        if (source is { } s)
            Emit(s.Wd, EventMask.MovedFrom | isDir, cookie, s.Relative, fromName);
        if (target is { } t)
            Emit(t.Wd, EventMask.MovedTo | isDir, cookie, t.Relative, toName);
        if (isDir != 0)
            _paths.Clear(); // every path below the moved directory changed
    }

    private uint NextCookie() => ++_cookie == 0 ? ++_cookie : _cookie;

    private bool Exists(DirectoryPlace place, ReadOnlySpan<byte> name)
    {
        var root = Array.Find(_roots ?? [], r => r.Wd == place.Wd);
        if (root is null)
            return false;
        var path = FileNames.Decode(root.PathBytes) + "/" + FileNames.Decode(place.Relative) + "/" + FileNames.Decode(name);
        unsafe
        {
            var statx = stackalloc byte[Libc.StatxSize];
            return Libc.Statx(Libc.AT_FDCWD, path, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_TYPE, statx) == 0;
        }
    }

    /// <summary>
    /// Appends an inotify record: the path below the root is <paramref name="relative"/>/<paramref name="name"/>, with
    /// a trailing slash for an event on the directory <paramref name="relative"/> itself.
    /// </summary>
    private void Emit(int wd, EventMask mask, uint cookie, ReadOnlySpan<byte> relative, ReadOnlySpan<byte> name, bool self = false)
    {
        var slash = relative.Length > 0 && (self || name.Length > 0) ? 1 : 0;
        var textLength = relative.Length + slash + name.Length;
        var padded = (textLength + 1 + 3) & ~3; // NUL-terminated and padded, as the kernel pads names
        var size = RawEventReader.HeaderSize + padded;
        if (_out.Length - _outTail < size)
        {
            var grown = new byte[Math.Max(_out.Length * 2, _outTail - _outHead + size)];
            _out.AsSpan(_outHead, _outTail - _outHead).CopyTo(grown);
            _outTail -= _outHead;
            _outHead = 0;
            _out = grown;
        }
        var record = _out.AsSpan(_outTail, size);
        BinaryPrimitives.WriteInt32LittleEndian(record, wd);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)mask);
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], cookie);
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)padded);
        var text = record[RawEventReader.HeaderSize..];
        relative.CopyTo(text);
        if (slash != 0)
            text[relative.Length] = (byte)'/';
        name.CopyTo(text[(relative.Length + slash)..]);
        text[textLength..].Clear();
        _outTail += size;
    }

    /// <summary>One fid info record: the file system, the file handle (struct file_handle) and, for DFID_NAME types, the name.</summary>
    private readonly ref struct Info
    {
        public ulong Fsid { get; init; }
        public ReadOnlySpan<byte> Handle { get; init; }
        public ReadOnlySpan<byte> Name { get; init; }
        public bool Valid => !Handle.IsEmpty;

        /// <summary>Header (4 bytes), fsid (8), handle_bytes (4), handle_type (4), f_handle, then a NUL-terminated name.</summary>
        public static Info Parse(ReadOnlySpan<byte> body)
        {
            if (body.Length < 20)
                return default;
            var handleBytes = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[12..]);
            if (20 + handleBytes > body.Length)
                return default;
            var rest = body[(20 + handleBytes)..];
            var nul = rest.IndexOf((byte)0);
            return new Info
            {
                Fsid = BinaryPrimitives.ReadUInt64LittleEndian(body[4..]),
                Handle = body.Slice(12, 8 + handleBytes),
                Name = nul < 0 ? rest : rest[..nul],
            };
        }
    }
}
