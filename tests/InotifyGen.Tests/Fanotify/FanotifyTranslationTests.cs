using System.Buffers.Binary;
using InotifyGen.Interop;

namespace InotifyGen.Tests.Fanotify;

/// <summary>
/// The translation of fanotify records into inotify records, on records built by hand: the handles resolve through
/// the roots and hints only (no mount fd), so what is checked is the splitting, ordering and pairing itself.
/// </summary>
public class FanotifyTranslationTests
{
    private const ulong Fsid = 7;
    private static readonly byte[] Root = [1, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] Dir = [2, 0, 0, 0, 0, 0, 0, 0];

    private static List<(int Wd, EventMask Mask, uint Cookie, string Name)> Translate(params byte[][] records) =>
        Translate((source, _) => source.Translate(records.SelectMany(r => r).ToArray()));

    /// <summary>Runs <paramref name="translate"/> on a source whose one root (wd 5) is <see cref="Root"/>, and reads what it gave.</summary>
    private static List<(int Wd, EventMask Mask, uint Cookie, string Name)> Translate(Action<FanotifyEventSource, FanotifyInstance> translate)
    {
        using var instance = new FanotifyInstance();
        var source = (FanotifyEventSource)instance.OpenEvents();
        using var _ = source;
        // A mount fd on /proc, which has no file handles: no handle opens, as for directories deleted meanwhile.
        using var proc = new FileDescriptorHandle(Libc.Open("/proc", Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC));
        source.Paths.SetRoots([new FanotifyRoot(5, "/nonexistent-root", "/nonexistent-root"u8.ToArray(), Fsid, proc.Fd, Handle(Root))]);
        translate(source, instance);
        var buffer = new byte[64 * 1024];
        var n = source.Read(buffer);
        var result = new List<(int, EventMask, uint, string)>();
        for (var offset = 0; RawEventReader.TryRead(buffer.AsSpan(0, n), ref offset, out var wd, out var mask, out var cookie, out var name);)
            result.Add((wd, mask, cookie, System.Text.Encoding.UTF8.GetString(name)));
        return result;
    }

    [Fact]
    public void MergedRecord_SplitIntoOneEventEach_InLifeOrder()
    {
        var events = Translate(Record(EventMask.CloseWrite | EventMask.Modify | EventMask.Open | EventMask.Create, Info(2, Root, "f")));

        Assert.Equal([EventMask.Create, EventMask.Open, EventMask.Modify, EventMask.CloseWrite], events.Select(e => e.Mask));
        Assert.All(events, e => Assert.Equal((5, 0u, "f"), (e.Wd, e.Cookie, e.Name)));
    }

    [Fact]
    public void CreateAndDeleteMerged_NameGoneNow_CreateFirst()
    {
        var events = Translate(Record(EventMask.Create | EventMask.Delete, Info(2, Root, "tmp")));

        Assert.Equal([EventMask.Create, EventMask.Delete], events.Select(e => e.Mask));
    }

    [Fact]
    public void Rename_BecomesAdjacentPair_WithOneNonZeroCookie_AndIsDir()
    {
        var events = Translate(Record(Libc.FAN_RENAME | Libc.FAN_ONDIR, Info(10, Root, "old"), Info(12, Root, "new")));

        Assert.Equal([(5, EventMask.MovedFrom | EventMask.IsDir, "old"), (5, EventMask.MovedTo | EventMask.IsDir, "new")],
            events.Select(e => (e.Wd, e.Mask, e.Name)));
        Assert.NotEqual(0u, events[0].Cookie);
        Assert.Equal(events[0].Cookie, events[1].Cookie);
    }

    [Fact]
    public void DirectoryGoneBeforeItsEventsWereRead_PathFromItsDeletionRecord()
    {
        var events = Translate(
            Record(EventMask.Delete, Info(2, Dir, "f")),
            Record(EventMask.Delete | (EventMask)Libc.FAN_ONDIR, Info(2, Root, "d"), Info(1, Dir, null)),
            Record(EventMask.DeleteSelf | (EventMask)Libc.FAN_ONDIR, Info(2, Dir, "."), Info(1, Dir, null)));

        Assert.Equal([(EventMask.Delete, "d/f"), (EventMask.Delete | EventMask.IsDir, "d"), (EventMask.DeleteSelf | EventMask.IsDir, "d/")],
            events.Select(e => (e.Mask, e.Name)));
    }

    [Fact]
    public void DirectoryGone_ItsDeletionInTheNextRead_HeldBackUntilThatRead()
    {
        byte[] inside = Record(EventMask.Delete, Info(2, Dir, "f"));
        byte[] deletion = Record(EventMask.Delete | (EventMask)Libc.FAN_ONDIR, Info(2, Root, "d"), Info(1, Dir, null));
        var events = Translate((source, _) =>
        {
            Assert.Equal(0, source.Translate(inside, mayHoldFrom: 0)); // d no longer opens and nothing says where it was
            Assert.Equal(inside.Length + deletion.Length, source.Translate([.. inside, .. deletion], mayHoldFrom: inside.Length));
        });

        Assert.Equal([(EventMask.Delete, "d/f"), (EventMask.Delete | EventMask.IsDir, "d")], events.Select(e => (e.Mask, e.Name)));
    }

    [Fact]
    public void DirectoryGone_HeldOnlyOnce_ThenItsEventsAreDropped()
    {
        byte[] inside = Record(EventMask.Delete, Info(2, Dir, "f"));
        byte[] later = Record(EventMask.Create, Info(2, Root, "g"));
        var events = Translate((source, _) =>
        {
            Assert.Equal(0, source.Translate(inside, mayHoldFrom: 0));
            Assert.Equal(inside.Length + later.Length, source.Translate([.. inside, .. later], mayHoldFrom: inside.Length));
        });

        Assert.Equal([(EventMask.Create, "g")], events.Select(e => (e.Mask, e.Name)));
    }

    [Fact]
    public void UnknownDirectory_AndOverflow_OnlyTheOverflowRemains()
    {
        var events = Translate(Record(EventMask.Create, Info(2, [9, 9, 9, 9, 9, 9, 9, 9], "x")), Record(EventMask.QueueOverflow));

        Assert.Equal([(-1, EventMask.QueueOverflow, "")], events.Select(e => (e.Wd, e.Mask, e.Name)));
    }

    private static byte[] Handle(byte[] body)
    {
        var h = new byte[8 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(h, (uint)body.Length);
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(4), 1);
        body.CopyTo(h, 8);
        return h;
    }

    /// <summary>struct fanotify_event_info_fid: header, fsid, file_handle, then the name (NUL-terminated) for DFID_NAME types; padded to 4.</summary>
    private static byte[] Info(byte type, byte[] handleBody, string? name)
    {
        var handle = Handle(handleBody);
        byte[] nameBytes = name is null ? [] : [.. System.Text.Encoding.UTF8.GetBytes(name), (byte)0];
        var length = (4 + 8 + handle.Length + nameBytes.Length + 3) & ~3;
        var info = new byte[length];
        info[0] = type;
        BinaryPrimitives.WriteUInt16LittleEndian(info.AsSpan(2), (ushort)length);
        BinaryPrimitives.WriteUInt64LittleEndian(info.AsSpan(4), Fsid);
        handle.CopyTo(info, 12);
        nameBytes.CopyTo(info, 12 + handle.Length);
        return info;
    }

    private static byte[] Record(EventMask mask, params byte[][] infos) => Record((ulong)mask, infos);

    /// <summary>struct fanotify_event_metadata (24 bytes, no fd) followed by its info records.</summary>
    private static byte[] Record(ulong mask, params byte[][] infos)
    {
        var length = Libc.FanMetadataSize + infos.Sum(i => i.Length);
        var record = new byte[length];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)length);
        record[4] = 3;
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(6), Libc.FanMetadataSize);
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(8), mask);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(16), -1);
        var offset = Libc.FanMetadataSize;
        foreach (var info in infos)
        {
            info.CopyTo(record, offset);
            offset += info.Length;
        }
        return record;
    }
}
