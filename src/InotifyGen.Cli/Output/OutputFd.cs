using System.Runtime.InteropServices;
using InotifyGen.Interop;
using Microsoft.Win32.SafeHandles;

namespace InotifyGen.Cli.Output;

/// <summary>
/// Where the event bytes go: fd 1, or the -o file opened with O_APPEND. Every write is a plain write(2), so the file
/// offset is the kernel's: with <c>&gt; log 2&gt;&amp;1</c> stdout and stderr share one offset and neither overwrites
/// the other (a FileStream keeps its own offset and writes with pwrite, which is what lost stderr's lines). Unlike
/// Console's stream it reports a closed pipe (EPIPE), so <c>inotifygen | head -1</c> ends.
/// </summary>
internal sealed partial class OutputFd : IDisposable
{
    private const int O_WRONLY = 1, O_CREAT = 0x40, O_APPEND = 0x400, O_CLOEXEC = 0x80000;
    private const int EPIPE = 32;
    private const short POLLOUT = 0x4;

    private readonly SafeFileHandle _fd;
    private readonly string _name;

    private OutputFd(SafeFileHandle fd, string name)
    {
        _fd = fd;
        _name = name;
    }

    /// <summary>fd 1, not owned: it stays open.</summary>
    public static OutputFd Stdout() => new(new SafeFileHandle(1, ownsHandle: false), "stdout");

    /// <summary>-o FILE, created if need be and appended to, as inotifywait does.</summary>
    public static OutputFd Append(string file)
    {
        var fd = Open([.. FileNames.Encode(file), 0], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, Convert.ToInt32("644", 8));
        if (fd < 0)
            throw new RuntimeFailureException(
                $"cannot open -o file '{file}': {Libc.Describe(Marshal.GetLastPInvokeError())}; check that its directory exists and is writable");
        return new OutputFd(new SafeFileHandle(fd, ownsHandle: true), $"-o file '{file}'");
    }

    /// <summary>Writes all of <paramref name="bytes"/>, waiting when the fd is non-blocking and full.</summary>
    /// <exception cref="OutputWriteException">The write failed; <see cref="OutputWriteException.IsBrokenPipe"/> when the reader is gone.</exception>
    public unsafe void Write(ReadOnlySpan<byte> bytes)
    {
        fixed (byte* start = bytes)
        {
            var p = start;
            var left = (nint)bytes.Length;
            while (left > 0)
            {
                var n = Libc.Write(_fd, p, left);
                if (n >= 0)
                {
                    p += n;
                    left -= n;
                    continue;
                }
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EINTR)
                    continue;
                if (errno == Libc.EAGAIN)
                {
                    WaitWritable();
                    continue;
                }
                throw new OutputWriteException(
                    errno == EPIPE ? $"{_name}: the reader went away" : $"cannot write events to {_name}: {Libc.Describe(errno)}", errno);
            }
        }
    }

    public void Dispose() => _fd.Dispose();

    private unsafe void WaitWritable()
    {
        var pfd = new Libc.PollFd { Fd = (int)_fd.DangerousGetHandle(), Events = POLLOUT };
        Libc.Poll(&pfd, 1, -1);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static partial int Open(byte[] path, int flags, int mode);
}

/// <summary>A write of event output failed.</summary>
internal sealed class OutputWriteException(string message, int errno) : IOException(message, errno)
{
    /// <summary>EPIPE: the read end of the pipe was closed (<c>inotifygen | head -1</c>), which ends the run normally.</summary>
    public bool IsBrokenPipe => HResult == 32;
}
