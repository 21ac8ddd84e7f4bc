namespace InotifyGen;

/// <summary>A failed inotify call. The message names the cause and the fix; <see cref="Errno"/> is the raw error.</summary>
public class InotifyException : IOException
{
    /// <summary>Creates the exception.</summary>
    public InotifyException(int errno, string? path, string message) : base(message)
    {
        Errno = errno;
        Path = path;
    }

    /// <summary>The errno the kernel returned (e.g. 28 for ENOSPC).</summary>
    public int Errno { get; }

    /// <summary>The path the call was about, if any.</summary>
    public string? Path { get; }
}
