using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace InotifyGen.Cli.Output;

/// <summary>
/// A growable byte buffer that is reused batch after batch: text and numbers are appended as UTF-8, without a string
/// in between. The appends are small and inlined; ArrayBufferWriter's checks on every call cost more than the copy.
/// It is also an <see cref="IBufferWriter{T}"/>, for <see cref="System.Text.Json.Utf8JsonWriter"/>.
/// </summary>
internal sealed class ByteBuffer(int capacity) : IBufferWriter<byte>
{
    private byte[] _bytes = new byte[capacity];
    private int _length;

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, _length);

    public void Clear() => _length = 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(byte b)
    {
        if (_length == _bytes.Length)
            Grow(1);
        _bytes[_length++] = b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_bytes.Length - _length < bytes.Length)
            Grow(bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(_length));
        _length += bytes.Length;
    }

    public void AppendText(string s) => Advance(Encoding.UTF8.GetBytes(s, GetSpan(Encoding.UTF8.GetMaxByteCount(s.Length))));

    public void AppendNumber(long value)
    {
        value.TryFormat(GetSpan(20), out var n, default, CultureInfo.InvariantCulture);
        _length += n;
    }

    public void AppendHex(uint value)
    {
        value.TryFormat(GetSpan(8), out var n, "x", CultureInfo.InvariantCulture);
        _length += n;
    }

    /// <summary>
    /// <paramref name="path"/> joined with <paramref name="name"/> as the library joins them (PathText.Join): the
    /// path alone when there is no name, one '/' between them otherwise.
    /// </summary>
    public void AppendJoined(ReadOnlySpan<byte> path, ReadOnlySpan<byte> name)
    {
        Append(path);
        if (name.IsEmpty)
            return;
        if (path.IsEmpty || path[^1] != (byte)'/')
            Append((byte)'/');
        Append(name);
    }

    public void Advance(int count) => _length += count;

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        if (_bytes.Length - _length < Math.Max(sizeHint, 1))
            Grow(Math.Max(sizeHint, 1));
        return _bytes.AsSpan(_length);
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        GetSpan(sizeHint);
        return _bytes.AsMemory(_length);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int needed) => Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + needed));
}
