using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace InotifyGen;

/// <summary>
/// The one conversion between Linux file names (bytes, not necessarily UTF-8) and .NET strings, lossless both ways.
/// Valid UTF-8 decodes as usual; each byte of an invalid sequence becomes the lone surrogate U+DC00 + byte, and
/// encodes back to that byte. This is Python's <c>surrogateescape</c>, so names and paths read the way pyinotify
/// (Python 3) gives them, and <c>x\xffy</c> and <c>x\xfey</c> stay two different strings.
/// </summary>
public static class FileNames
{
    private const char EscapeBase = '\uDC00';

    /// <summary>The string for a file name or path given as bytes; see <see cref="FileNames"/>.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
            return "";
        if (Utf8.IsValid(bytes))
            return Encoding.UTF8.GetString(bytes);
        // UTF-16 never needs more code units than UTF-8 has bytes, and an escaped byte is one unit.
        var rented = ArrayPool<char>.Shared.Rent(bytes.Length);
        try
        {
            var written = 0;
            while (!bytes.IsEmpty)
            {
                var status = Utf8.ToUtf16(bytes, rented.AsSpan(written), out var read, out var wrote, replaceInvalidSequences: false);
                written += wrote;
                bytes = bytes[read..];
                if (status == OperationStatus.InvalidData)
                {
                    rented[written++] = (char)(EscapeBase + bytes[0]);
                    bytes = bytes[1..];
                }
            }
            return new string(rented, 0, written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>The exact bytes of a name or path made by <see cref="Decode"/> (or given by the user).</summary>
    public static byte[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var buffer = new byte[ByteCount(text)];
        Encode(text, buffer);
        return buffer;
    }

    /// <summary>How many bytes <see cref="Encode(string)"/> gives for <paramref name="text"/>.</summary>
    internal static int ByteCount(ReadOnlySpan<char> text)
    {
        var escape = IndexOfEscape(text);
        if (escape < 0)
            return Encoding.UTF8.GetByteCount(text);
        var count = 0;
        while (escape >= 0)
        {
            count += Encoding.UTF8.GetByteCount(text[..escape]) + 1;
            text = text[(escape + 1)..];
            escape = IndexOfEscape(text);
        }
        return count + Encoding.UTF8.GetByteCount(text);
    }

    /// <summary>Encodes into <paramref name="into"/> (at least <see cref="ByteCount"/> long); returns the bytes written.</summary>
    internal static int Encode(ReadOnlySpan<char> text, Span<byte> into)
    {
        var written = 0;
        var escape = IndexOfEscape(text);
        while (escape >= 0)
        {
            written += Encoding.UTF8.GetBytes(text[..escape], into[written..]);
            into[written++] = (byte)(text[escape] - EscapeBase);
            text = text[(escape + 1)..];
            escape = IndexOfEscape(text);
        }
        return written + Encoding.UTF8.GetBytes(text, into[written..]);
    }

    /// <summary>Where the first escaped byte (U+DC80..U+DCFF, a lone low surrogate) is, or -1.</summary>
    private static int IndexOfEscape(ReadOnlySpan<char> text)
    {
        var i = text.IndexOfAnyInRange('\uDC80', '\uDCFF');
        // A low surrogate right after a high one is half of a real character, not an escape.
        while (i > 0 && char.IsHighSurrogate(text[i - 1]))
        {
            var next = text[(i + 1)..].IndexOfAnyInRange('\uDC80', '\uDCFF');
            i = next < 0 ? -1 : i + 1 + next;
        }
        return i;
    }
}
