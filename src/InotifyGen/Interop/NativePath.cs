using System.Buffers;

namespace InotifyGen.Interop;

/// <summary>A path as the NUL-terminated exact bytes a system call takes, in a pooled buffer.</summary>
internal readonly ref struct NativePath
{
    private readonly byte[] _rented;

    public NativePath(string path)
    {
        var length = FileNames.ByteCount(path);
        _rented = ArrayPool<byte>.Shared.Rent(length + 1);
        FileNames.Encode(path, _rented);
        _rented[length] = 0;
        Bytes = _rented.AsSpan(0, length + 1);
    }

    /// <summary>The bytes, NUL included.</summary>
    public Span<byte> Bytes { get; }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_rented);
}
