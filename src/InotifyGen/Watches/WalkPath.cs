namespace InotifyGen;

/// <summary>
/// The path of the directory (or entry) a walk is at, as exact bytes in one reused buffer: a directory's path is its
/// parent's with its name appended, so a walk makes no path string unless a visitor asks for one (<see cref="ToString"/>).
/// Kept NUL-terminated for the system calls that take it.
/// </summary>
internal sealed class WalkPath
{
    private byte[] _bytes = new byte[256];
    private int _length;

    /// <summary>The path's bytes (no NUL).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, _length);

    /// <summary>The bytes with the NUL after them, for a system call.</summary>
    public ReadOnlySpan<byte> Terminated => _bytes.AsSpan(0, _length + 1);

    public int Length => _length;

    /// <summary>The last name (empty for "/").</summary>
    public ReadOnlySpan<byte> Name => Bytes[(Bytes.LastIndexOf((byte)'/') + 1)..];

    /// <summary>Makes the path <paramref name="path"/>.</summary>
    public void Set(string path)
    {
        _length = 0;
        Reserve(FileNames.ByteCount(path));
        _length = FileNames.Encode(path, _bytes);
        _bytes[_length] = 0;
    }

    /// <summary>Cuts the path back to its first <paramref name="length"/> bytes (a directory above), then appends "/" and <paramref name="name"/>.</summary>
    public void Enter(int length, ReadOnlySpan<byte> name)
    {
        _length = length;
        var slash = length > 0 && _bytes[length - 1] == (byte)'/' ? 0 : 1; // "/" + name, not "//name"
        Reserve(slash + name.Length);
        if (slash == 1)
            _bytes[_length++] = (byte)'/';
        name.CopyTo(_bytes.AsSpan(_length));
        _length += name.Length;
        _bytes[_length] = 0;
    }

    /// <summary>Cuts the path back to its first <paramref name="length"/> bytes.</summary>
    public void Truncate(int length)
    {
        _length = length;
        _bytes[_length] = 0;
    }

    /// <summary>The path as text (lossless, see <see cref="FileNames"/>).</summary>
    public override string ToString() => FileNames.Decode(Bytes);

    private void Reserve(int more)
    {
        if (_length + more + 1 > _bytes.Length)
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + more + 1));
    }
}
