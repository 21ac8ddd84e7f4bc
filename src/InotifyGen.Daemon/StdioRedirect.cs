using InotifyGen.Interop;

namespace InotifyGen.Daemon;

/// <summary>
/// Points this process's standard streams at files, as pyinotify's <c>loop(stdout=..., stderr=...)</c> does for a
/// daemon. It replaces file descriptors 0, 1 and 2 themselves (dup2), so native code and <see cref="Console"/>
/// both follow. Call it early, before a logger caches <see cref="Console.Out"/>; it re-points <see cref="Console"/> at the new files.
/// </summary>
public static class StdioRedirect
{
    /// <summary>
    /// Redirects stdout and stderr to <paramref name="stdout"/> and <paramref name="stderr"/> (opened for appending,
    /// created with mode 0644; null leaves that stream as it is), and stdin to <paramref name="stdin"/>
    /// (default <c>/dev/null</c>, as a daemon has no terminal to read).
    /// </summary>
    /// <exception cref="IOException">A file could not be opened; the message names it.</exception>
    public static void Redirect(string? stdout, string? stderr, string? stdin = "/dev/null")
    {
        if (stdin is not null)
            Replace(0, stdin, Libc.O_RDONLY);
        const int append = Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND;
        if (stdout is not null)
        {
            Console.Out.Flush();
            Replace(1, stdout, append);
            // Console keeps a duplicate of the old fd once it was used: point it at the new one.
            Console.SetOut(new StreamWriter(Console.OpenStandardOutput(), Utf8NoBom) { AutoFlush = true });
        }
        if (stderr is not null)
        {
            Console.Error.Flush();
            Replace(2, stderr, append);
            Console.SetError(new StreamWriter(Console.OpenStandardError(), Utf8NoBom) { AutoFlush = true });
        }
    }

    private static readonly System.Text.UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private static void Replace(int target, string path, int flags)
    {
        var full = Path.GetFullPath(path);
        var fd = Libc.Open(full, flags | Libc.O_CLOEXEC, Convert.ToInt32("644", 8));
        if (fd < 0)
        {
            var errno = Libc.LastErrno;
            throw new IOException($"cannot open '{full}' for {StreamName(target)}: {Libc.Describe(errno)}");
        }
        try
        {
            if (Libc.Dup2(fd, target) < 0)
            {
                var errno = Libc.LastErrno;
                throw new IOException($"cannot redirect {StreamName(target)} to '{full}': {Libc.Describe(errno)}");
            }
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    private static string StreamName(int fd) => fd switch { 0 => "stdin", 1 => "stdout", _ => "stderr" };
}
