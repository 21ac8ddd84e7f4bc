using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using InotifyGen.Cli.Output;
using InotifyGen.Nats.State;

namespace InotifyGen.Nats;

/// <summary>
/// Turns events (live, replayed after a restart, or the lost-events marker) into messages: the body is the CLI's
/// --json object (<see cref="EventJson"/>), and the id is a hash that a re-send of the same event gives again.
/// </summary>
/// <remarks>
/// The id (32 hex digits: the first 128 bits of SHA-256) covers the host, the path's bytes, the mask and a stamp:
/// <list type="bullet">
/// <item>IN_CLOSE_WRITE: the file's inode, size and modification time, read when the message is made. The catch-up
/// after a restart reads the same stamp for a file unchanged since, so its IN_CLOSE_WRITE has the same id and
/// JetStream drops it if the first was stored.</item>
/// <item>IN_CREATE and IN_MOVED_TO: the inode. IN_DELETE and IN_MOVED_FROM: the inode the state last recorded.</item>
/// <item>Every other event, and one whose file is already gone: this run's random id and a sequence number, so it
/// is stable across re-sends within the run only.</item>
/// </list>
/// Not thread-safe: the publisher calls it under its lock.
/// </remarks>
internal sealed class MessageBuilder
{
    private readonly byte[] _host;
    private readonly byte[] _run = Guid.NewGuid().ToByteArray();
    private readonly SubjectTemplate _subjects;
    private readonly EventJson _json = new();
    private readonly EventPaths _paths = new();
    private readonly ByteBuffer _body = new(512);
    private readonly ByteBuffer _key = new(512);
    private string[] _roots = [];
    private long _sequence;

    public MessageBuilder(string host, string subjectTemplate)
    {
        _host = Encoding.UTF8.GetBytes(host);
        _subjects = new SubjectTemplate(subjectTemplate, host);
    }

    /// <summary>The watched paths that <c>{watch}</c> names (an event takes the longest one its path is under).</summary>
    public void SetRoots(IEnumerable<string> roots) =>
        _roots = roots.Select(r => r.Length > 1 ? r.TrimEnd('/') : r).Distinct().OrderByDescending(r => r.Length).ToArray();

    public PendingMessage FromEvent(in InotifyEvent e, TreeState? state)
    {
        var record = _paths.Record(in e);
        var body = Body(in record);
        if (e.Watch is null)
            return new PendingMessage { Subject = _subjects.For(null), Body = body, Id = SequenceId(e.Mask) };
        var path = e.PathName;
        var subject = _subjects.For(RootOf(e.Path));
        _key.Clear();
        _key.AppendJoined(record.Path, record.Name);
        var pathBytes = _key.Written.ToArray();
        switch (e.EventType)
        {
            case EventMask.CloseWrite when FileStamp.Of(path) is { IsDir: false } s:
                return Message(subject, body, ContentId(pathBytes, e.Mask, s), StateUpdate.Set, path, s);
            case EventMask.Create or EventMask.MovedTo when FileStamp.Of(path) is { } s:
                return Message(subject, body, InodeId(pathBytes, e.Mask, s), s.IsDir ? StateUpdate.SetTree : StateUpdate.Set, path, s);
            case EventMask.Delete or EventMask.MovedFrom:
                var id = state is not null && state.TryGet(path, out var old) ? InodeId(pathBytes, e.Mask, old) : SequenceId(e.Mask, pathBytes);
                return Message(subject, body, id, StateUpdate.Remove, path, default);
            default:
                return Message(subject, body, SequenceId(e.Mask, pathBytes), StateUpdate.None, null, default);
        }
    }

    /// <summary>A change the catch-up found, as a synthetic event (<paramref name="wd"/>: the watch of its directory, or -1).</summary>
    public PendingMessage FromChange(TreeChange c, int wd, bool inDirectory)
    {
        var slash = c.Path.LastIndexOf('/');
        var (dir, name) = inDirectory && slash >= 0 ? (slash == 0 ? "/" : c.Path[..slash], c.Path[(slash + 1)..]) : (c.Path, "");
        var dirBytes = FileNames.Encode(dir);
        var nameBytes = FileNames.Encode(name);
        var record = new EventRecord(wd, c.Mask, 0, EventFlags.Synthetic, nameBytes, dirBytes, hasWatch: true, watchIsDir: inDirectory);
        var body = Body(in record);
        _key.Clear();
        _key.AppendJoined(dirBytes, nameBytes);
        var pathBytes = _key.Written.ToArray();
        var subject = _subjects.For(RootOf(dir));
        return (c.Mask & ~EventMask.IsDir) switch
        {
            EventMask.CloseWrite => Message(subject, body, ContentId(pathBytes, c.Mask, c.Stamp), StateUpdate.Set, c.Path, c.Stamp),
            EventMask.Create => Message(subject, body, InodeId(pathBytes, c.Mask, c.Stamp), c.Stamp.IsDir ? StateUpdate.SetTree : StateUpdate.Set, c.Path, c.Stamp),
            _ => Message(subject, body, InodeId(pathBytes, c.Mask, c.Stamp), StateUpdate.Remove, c.Path, default),
        };
    }

    /// <summary>The IN_Q_OVERFLOW (flagged synthetic and events_lost) that follows events dropped by a full buffer.</summary>
    public PendingMessage LostMarker()
    {
        var record = new EventRecord(-1, EventMask.QueueOverflow, 0, EventFlags.Synthetic | EventFlags.EventsLost, default, default,
            hasWatch: false, watchIsDir: false);
        return new PendingMessage { Subject = _subjects.For(null), Body = Body(in record), Id = SequenceId(EventMask.QueueOverflow) };
    }

    private byte[] Body(in EventRecord record)
    {
        _body.Clear();
        _json.Write(in record, _body);
        return _body.Written.ToArray();
    }

    private string? RootOf(string directory)
    {
        foreach (var root in _roots)
            if (directory.StartsWith(root, StringComparison.Ordinal)
                && (directory.Length == root.Length || directory[root.Length] == '/' || root == "/"))
                return root;
        return directory;
    }

    private static PendingMessage Message(string subject, byte[] body, string id, StateUpdate update, string? path, FileStamp stamp) =>
        new() { Subject = subject, Body = body, Id = id, Update = update, Path = path, Stamp = stamp };

    private string ContentId(byte[] path, EventMask mask, FileStamp s) => Id(path, mask, (byte)'c', s.Inode, s.Size, s.MtimeNs, default);

    private string InodeId(byte[] path, EventMask mask, FileStamp s) => Id(path, mask, (byte)'i', s.Inode, 0, 0, default);

    private string SequenceId(EventMask mask, byte[]? path = null) => Id(path ?? [], mask, (byte)'s', 0, 0, ++_sequence, _run);

    private string Id(ReadOnlySpan<byte> path, EventMask mask, byte kind, ulong a, long b, long c, ReadOnlySpan<byte> run)
    {
        _key.Clear();
        _key.Append(_host);
        _key.Append(0);
        _key.Append(path);
        _key.Append(0);
        var fixedPart = _key.GetSpan(29);
        BinaryPrimitives.WriteUInt32LittleEndian(fixedPart, (uint)mask);
        fixedPart[4] = kind;
        BinaryPrimitives.WriteUInt64LittleEndian(fixedPart[5..], a);
        BinaryPrimitives.WriteInt64LittleEndian(fixedPart[13..], b);
        BinaryPrimitives.WriteInt64LittleEndian(fixedPart[21..], c);
        _key.Advance(29);
        _key.Append(run);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(_key.Written, hash);
        return Convert.ToHexString(hash[..16]);
    }
}
