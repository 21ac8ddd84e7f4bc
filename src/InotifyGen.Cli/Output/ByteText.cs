using System.Buffers;
using System.Globalization;
using System.Text;

namespace InotifyGen.Cli.Output;

/// <summary>Appending text and numbers to a byte buffer as UTF-8, without a string in between.</summary>
internal static class ByteText
{
    public static void Append(this ArrayBufferWriter<byte> w, ReadOnlySpan<byte> bytes) => w.Write(bytes);

    public static void Append(this ArrayBufferWriter<byte> w, byte b)
    {
        w.GetSpan(1)[0] = b;
        w.Advance(1);
    }

    public static void AppendText(this ArrayBufferWriter<byte> w, string s) =>
        w.Advance(Encoding.UTF8.GetBytes(s, w.GetSpan(Encoding.UTF8.GetMaxByteCount(s.Length))));

    public static void AppendNumber(this ArrayBufferWriter<byte> w, long value)
    {
        value.TryFormat(w.GetSpan(20), out var n, default, CultureInfo.InvariantCulture);
        w.Advance(n);
    }

    public static void AppendHex(this ArrayBufferWriter<byte> w, uint value)
    {
        value.TryFormat(w.GetSpan(8), out var n, "x", CultureInfo.InvariantCulture);
        w.Advance(n);
    }

    /// <summary>
    /// <paramref name="path"/> joined with <paramref name="name"/> as the library joins them (PathText.Join): the
    /// path alone when there is no name, one '/' between them otherwise.
    /// </summary>
    public static void AppendJoined(this ArrayBufferWriter<byte> w, ReadOnlySpan<byte> path, ReadOnlySpan<byte> name)
    {
        w.Write(path);
        if (name.IsEmpty)
            return;
        if (path.IsEmpty || path[^1] != (byte)'/')
            w.Append((byte)'/');
        w.Write(name);
    }
}
