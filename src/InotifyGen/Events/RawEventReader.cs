using System.Runtime.InteropServices;

namespace InotifyGen;

/// <summary>
/// Walks <c>struct inotify_event</c> records in place: <c>{ int wd; uint32 mask, cookie, len; char name[len]; }</c>,
/// the name NUL-padded. Nothing is copied; the name is a slice of the buffer.
/// </summary>
internal static class RawEventReader
{
    public const int HeaderSize = 16;
    /// <summary>The smallest read buffer the kernel accepts for one event: header plus NAME_MAX + 1.</summary>
    public const int MinBuffer = HeaderSize + 256;

    public static bool TryRead(ReadOnlySpan<byte> buffer, scoped ref int offset, out int wd, out EventMask mask, out uint cookie,
        out ReadOnlySpan<byte> name)
    {
        if (buffer.Length - offset < HeaderSize)
        {
            wd = 0; mask = 0; cookie = 0; name = default;
            return false;
        }
        var header = buffer.Slice(offset, HeaderSize);
        wd = MemoryMarshal.Read<int>(header);
        mask = (EventMask)MemoryMarshal.Read<uint>(header[4..]);
        cookie = MemoryMarshal.Read<uint>(header[8..]);
        var len = (int)MemoryMarshal.Read<uint>(header[12..]);
        var padded = buffer.Slice(offset + HeaderSize, len);
        var nul = padded.IndexOf((byte)0);
        name = nul < 0 ? padded : padded[..nul];
        offset += HeaderSize + len;
        return true;
    }
}
