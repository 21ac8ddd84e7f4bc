using System.Buffers.Binary;
using System.Text;

namespace InotifyGen.Benchmarks;

/// <summary>Buffers laid out exactly as read() returns <c>struct inotify_event</c> records.</summary>
internal static class EventBuffers
{
    /// <summary>The event types the workload produces, in the order a create/write/close/delete cycle does.</summary>
    public static readonly EventMask[] Cycle = [EventMask.Create, EventMask.Modify, EventMask.CloseWrite, EventMask.Delete];

    /// <summary>
    /// Fills <paramref name="size"/> bytes with events named like the workload's files ("file000123.txt": 14 bytes,
    /// NUL-padded to 16 as the kernel pads), cycling through <see cref="Cycle"/>. Returns the buffer and the event count.
    /// </summary>
    public static (byte[] Buffer, int Count) Build(int size, int wd = 1)
    {
        var buffer = new byte[size];
        int offset = 0, count = 0;
        while (true)
        {
            var name = Encoding.ASCII.GetBytes($"file{count / Cycle.Length:D6}.txt");
            var len = (name.Length + 1 + 15) & ~15;
            if (offset + RawEventReader.HeaderSize + len > size)
                break;
            var span = buffer.AsSpan(offset);
            BinaryPrimitives.WriteInt32LittleEndian(span, wd);
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)Cycle[count % Cycle.Length]);
            BinaryPrimitives.WriteUInt32LittleEndian(span[8..], 0);
            BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)len);
            name.CopyTo(span[RawEventReader.HeaderSize..]);
            offset += RawEventReader.HeaderSize + len;
            count++;
        }
        return (buffer.AsSpan(0, offset).ToArray(), count);
    }
}
