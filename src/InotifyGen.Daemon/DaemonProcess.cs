using System.Collections;
using System.Runtime.InteropServices;
using System.Text;
using InotifyGen.Interop;

namespace InotifyGen.Daemon;

/// <summary>
/// <c>--daemon</c> support: detaches from the terminal by starting this same program again in a new session
/// (posix_spawn with POSIX_SPAWN_SETSID, stdin/stdout/stderr on /dev/null or files). .NET cannot fork() safely,
/// so re-executing is the way; the child knows it is the daemon through <see cref="IsDetachedChild"/>.
/// Under systemd use <c>Type=simple</c> and no detaching at all.
/// </summary>
/// <example><code>
/// if (daemon &amp;&amp; !DaemonProcess.IsDetachedChild)
/// {
///     var pid = DaemonProcess.Detach(argsWithoutDaemonFlag, stdout: "out.log", stderr: "err.log");
///     return DaemonProcess.WaitForPidFile(pid, pidFile, TimeSpan.FromSeconds(10)) ? 0 : 1;
/// }
/// </code></example>
public static class DaemonProcess
{
    /// <summary>The environment variable (value "1") that marks the re-executed, detached child.</summary>
    public const string ChildVariable = "INOTIFYGEN_DAEMON_CHILD";

    /// <summary>True in the process that <see cref="Detach(IEnumerable{string}, string?, string?)"/> started.</summary>
    public static bool IsDetachedChild => Environment.GetEnvironmentVariable(ChildVariable) == "1";

    /// <summary>
    /// Starts this program again with <paramref name="arguments"/>, as the leader of a new session with no
    /// controlling terminal, in the current directory, with the current environment plus <see cref="ChildVariable"/>.
    /// Returns the child's pid; the caller normally exits then.
    /// </summary>
    /// <param name="arguments">The command-line arguments for the child (leave out the flag that asked for detaching).</param>
    /// <param name="stdout">The child's stdout file (appended to), or null for /dev/null.</param>
    /// <param name="stderr">The child's stderr file (appended to), or null for /dev/null.</param>
    /// <exception cref="IOException">posix_spawn failed.</exception>
    public static int Detach(IEnumerable<string> arguments, string? stdout = null, string? stderr = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return Detach(arguments.Select(Encoding.UTF8.GetBytes), stdout, stderr);
    }

    /// <summary>
    /// <see cref="Detach(IEnumerable{string}, string?, string?)"/> with each argument's exact bytes, for arguments that
    /// are not valid UTF-8 (a path with such a name).
    /// </summary>
    /// <param name="arguments">The command-line arguments for the child, as the bytes execve passes.</param>
    /// <param name="stdout">The child's stdout file (appended to), or null for /dev/null.</param>
    /// <param name="stderr">The child's stderr file (appended to), or null for /dev/null.</param>
    /// <exception cref="IOException">posix_spawn failed.</exception>
    public static unsafe int Detach(IEnumerable<byte[]> arguments, string? stdout = null, string? stderr = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var exe = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown; cannot re-execute it");
        var argv = new List<byte[]> { Encoding.UTF8.GetBytes(exe) };
        // Run as `dotnet app.dll`: the program is the dll, which GetCommandLineArgs()[0] names.
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet")
            argv.Add(Encoding.UTF8.GetBytes(Environment.GetCommandLineArgs()[0]));
        argv.AddRange(arguments);
        var env = new List<byte[]>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
            if ((string)e.Key != ChildVariable)
                env.Add(Encoding.UTF8.GetBytes($"{e.Key}={e.Value}"));
        env.Add(Encoding.UTF8.GetBytes(ChildVariable + "=1"));

        var attr = NativeMemory.AllocZeroed(1024);    // posix_spawnattr_t is 336 bytes in glibc; room to spare
        var actions = NativeMemory.AllocZeroed(1024); // posix_spawn_file_actions_t is 80 bytes
        var strings = new List<nint>();
        try
        {
            Check(Libc.SpawnAttrInit(attr), "posix_spawnattr_init");
            Check(Libc.SpawnAttrSetFlags(attr, Libc.POSIX_SPAWN_SETSID), "posix_spawnattr_setflags");
            Check(Libc.FileActionsInit(actions), "posix_spawn_file_actions_init");
            const int append = Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND;
            Check(Libc.FileActionsAddOpen(actions, 0, "/dev/null", Libc.O_RDONLY, 0), "addopen(stdin)");
            Check(Libc.FileActionsAddOpen(actions, 1, stdout is null ? "/dev/null" : Path.GetFullPath(stdout), append, 420), "addopen(stdout)");
            Check(Libc.FileActionsAddOpen(actions, 2, stderr is null ? "/dev/null" : Path.GetFullPath(stderr), append, 420), "addopen(stderr)");
            var argvPtr = ToArray(argv, strings);
            var envPtr = ToArray(env, strings);
            int pid;
            Check(Libc.PosixSpawn(&pid, (byte*)argvPtr[0], actions, attr, (byte**)argvPtr, (byte**)envPtr), "posix_spawn");
            return pid;
        }
        finally
        {
            Libc.FileActionsDestroy(actions);
            Libc.SpawnAttrDestroy(attr);
            foreach (var p in strings)
                NativeMemory.Free((void*)p);
            NativeMemory.Free(attr);
            NativeMemory.Free(actions);
        }
    }

    /// <summary>
    /// Waits until <paramref name="pidFile"/> holds <paramref name="childPid"/> (the daemon is up). Returns false if
    /// the child exited first or <paramref name="timeout"/> passed.
    /// </summary>
    public static unsafe bool WaitForPidFile(int childPid, string pidFile, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (PidFile.ReadPid(pidFile) == childPid)
                return true;
            int status;
            if (Libc.WaitPid(childPid, &status, Libc.WNOHANG) == childPid)
                return false; // it exited (and is reaped): startup failed, its stderr says why
            Thread.Sleep(20);
        }
        return false;
    }

    private static unsafe nint* ToArray(List<byte[]> items, List<nint> owned)
    {
        var array = (nint*)NativeMemory.AllocZeroed((nuint)(items.Count + 1), (nuint)sizeof(nint));
        owned.Add((nint)array);
        for (var i = 0; i < items.Count; i++)
        {
            var bytes = items[i];
            var s = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
            bytes.CopyTo(new Span<byte>(s, bytes.Length));
            s[bytes.Length] = 0;
            owned.Add((nint)s);
            array[i] = (nint)s;
        }
        return array;
    }

    private static void Check(int rc, string call)
    {
        // posix_spawn* return the error number instead of setting errno.
        if (rc != 0)
            throw new IOException($"{call} failed: {Libc.Describe(rc)}");
    }
}
