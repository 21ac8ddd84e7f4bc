namespace InotifyGen.Daemon;

/// <summary>
/// Points this process's standard streams at files, as pyinotify's <c>loop(stdout=..., stderr=...)</c> does for a
/// daemon. It replaces file descriptors 0, 1 and 2 themselves (dup2), so native code and <see cref="Console"/>
/// both follow. Call it before anything writes to the console, so .NET sees the streams as redirected.
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
            Replace(0, stdin, DaemonInterop.O_RDONLY);
        Console.Out.Flush();
        Console.Error.Flush();
        if (stdout is not null)
            Replace(1, stdout, DaemonInterop.O_WRONLY | DaemonInterop.O_CREAT | DaemonInterop.O_APPEND);
        if (stderr is not null)
            Replace(2, stderr, DaemonInterop.O_WRONLY | DaemonInterop.O_CREAT | DaemonInterop.O_APPEND);
    }

    private static void Replace(int target, string path, int flags)
    {
        var full = Path.GetFullPath(path);
        var fd = DaemonInterop.Open(full, flags | DaemonInterop.O_CLOEXEC, Convert.ToInt32("644", 8));
        if (fd < 0)
        {
            var errno = DaemonInterop.LastErrno;
            throw new IOException($"cannot open '{full}' for {StreamName(target)}: {DaemonInterop.Describe(errno)}");
        }
        try
        {
            if (DaemonInterop.Dup2(fd, target) < 0)
            {
                var errno = DaemonInterop.LastErrno;
                throw new IOException($"cannot redirect {StreamName(target)} to '{full}': {DaemonInterop.Describe(errno)}");
            }
        }
        finally
        {
            DaemonInterop.Close(fd);
        }
    }

    private static string StreamName(int fd) => fd switch { 0 => "stdin", 1 => "stdout", _ => "stderr" };
}
