using InotifyGen.Interop;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InotifyGen.Daemon;

/// <summary>
/// A pid file held by this process, pyinotify's <c>pid_file</c> done safely. Who owns it is decided by a lock, not by
/// the file's content: <see cref="Acquire"/> takes an exclusive flock() on <c>PATH.lock</c> beside it and holds it
/// for the life of this object (the kernel drops it when the process dies, even by SIGKILL), so of two daemons
/// started at once exactly one gets it. The holder then writes the pid file atomically (a temporary file renamed
/// into place). A pid file nobody holds the lock for is stale and taken over, unless it names a live process that
/// started before the file was written (a daemon that does not take the lock): that one, like a lock holder, is an
/// error, unless <c>forceKill</c> is given: it is sent SIGTERM, waited for, and sent SIGKILL at the deadline.
/// Dispose (or process exit) removes the pid file, if it still holds this process's pid, and the lock file.
/// </summary>
/// <example><code>
/// using var pid = PidFile.Acquire("/run/mydaemon.pid", forceKill: false);
/// </code></example>
public sealed class PidFile : IDisposable
{
    private readonly ILogger _logger;
    private readonly LockFile _lock;
    private int _released;

    private PidFile(string path, LockFile lockFile, ILogger logger)
    {
        Path = path;
        _lock = lockFile;
        _logger = logger;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>The pid file's full path.</summary>
    public string Path { get; }

    /// <summary>The lock file beside it (<c>PATH.lock</c>), flock'd while this object lives.</summary>
    public string LockPath => _lock.Path;

    /// <summary>The pid written into it: this process's.</summary>
    public int Pid { get; } = Environment.ProcessId;

    /// <summary>How long <see cref="Acquire"/> waits after SIGTERM before it sends SIGKILL, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultKillTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Takes the pid file's lock and writes this process's pid to <paramref name="path"/> (creating its directory),
    /// taking over a stale file.
    /// </summary>
    /// <param name="path">Where the pid file goes, e.g. <c>/run/name.pid</c>.</param>
    /// <param name="forceKill">If a live process holds the pid file, stop it (SIGTERM, then SIGKILL after <paramref name="killTimeout"/>) and take over.</param>
    /// <param name="killTimeout">How long to wait for the old process after SIGTERM; default <see cref="DefaultKillTimeout"/>.</param>
    /// <param name="logger">Logs takeovers and kills.</param>
    /// <exception cref="PidFileException">A live process holds the pid file (and <paramref name="forceKill"/> is false), or it would not die.</exception>
    public static PidFile Acquire(string path, bool forceKill = false, TimeSpan? killTimeout = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        logger ??= NullLogger.Instance;
        var full = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir))
            Directory.CreateDirectory(dir);
        var timeout = killTimeout ?? DefaultKillTimeout;

        var held = LockFile.TryTake(full + ".lock");
        if (held is null)
        {
            // A live process holds the lock: it is the daemon, whatever the pid file says yet.
            var holder = ReadPid(full) is { } p && IsRunning(p) ? p : (int?)null;
            if (!forceKill || holder is null)
                throw Running(full, holder);
            DaemonLog.Killing(logger, holder.Value, full);
            if (!Terminate(holder.Value, timeout))
                throw new PidFileException(full, holder, $"process {holder} (pid file '{full}') did not stop even after SIGKILL");
            // Its lock went with it, unless a third daemon took it meanwhile: then that one is running.
            held = LockFile.TryTake(full + ".lock") ?? throw Running(full, ReadPid(full));
        }

        try
        {
            var self = Environment.ProcessId;
            var owner = ReadPid(full);
            if (owner is { } pid && pid != self && IsOwnerAlive(pid, full))
            {
                // A live process that does not use the lock (an older daemon) wrote it.
                if (!forceKill)
                    throw Running(full, pid);
                DaemonLog.Killing(logger, pid, full);
                if (!Terminate(pid, timeout))
                    throw new PidFileException(full, pid, $"process {pid} (pid file '{full}') did not stop even after SIGKILL");
            }
            else if (owner != self && File.Exists(full))
            {
                DaemonLog.TakingOver(logger, full, owner);
            }
            Write(full, self);
            return new PidFile(full, held, logger);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    private static PidFileException Running(string path, int? pid) => new(path, pid, pid is null
        ? $"another instance is starting (it holds the lock '{path}.lock' of pid file '{path}'); stop it first"
        : $"another instance is running (pid {pid}, pid file '{path}'); stop it first, or use force-kill to stop it and take over");

    /// <summary>Writes the whole content to a temporary file and renames it over <paramref name="path"/>: readers see the old or the new pid, never half.</summary>
    private static void Write(string path, int pid)
    {
        var temp = $"{path}.{pid}.tmp";
        try
        {
            File.WriteAllText(temp, pid.ToString(CultureInfo.InvariantCulture) + "\n");
            if (Libc.Rename(temp, path) != 0)
                throw new PidFileException(path, null, $"cannot write pid file '{path}': {Libc.Describe(Libc.LastErrno)}");
        }
        finally
        {
            try { File.Delete(temp); } catch (IOException) { }
        }
    }

    /// <summary>The pid in <paramref name="path"/>, or null when the file is missing, empty or not a positive number.</summary>
    public static int? ReadPid(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return null; }
        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
    }

    /// <summary>True when process <paramref name="pid"/> exists and has not exited (a zombie counts as exited).</summary>
    public static bool IsRunning(int pid)
    {
        if (pid <= 0)
            return false;
        if (Libc.Kill(pid, 0) != 0 && Libc.LastErrno == Libc.ESRCH)
            return false;
        return ReadState(pid) is not ('Z' or 'X' or null);
    }

    /// <summary>
    /// Stops process <paramref name="pid"/>: SIGTERM, then waits up to <paramref name="timeout"/>, then SIGKILL and
    /// waits up to 5 more seconds. Returns true once it is gone.
    /// </summary>
    public static bool Terminate(int pid, TimeSpan timeout)
    {
        if (!IsRunning(pid))
            return true;
        Libc.Kill(pid, Libc.SIGTERM);
        if (WaitForExit(pid, timeout))
            return true;
        Libc.Kill(pid, Libc.SIGKILL);
        return WaitForExit(pid, TimeSpan.FromSeconds(5));
    }

    /// <summary>Removes the pid file if it still holds this process's pid. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
            return;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        try
        {
            if (ReadPid(Path) == Pid)
                File.Delete(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            DaemonLog.RemoveFailed(_logger, Path, e.Message);
        }
        _lock.Dispose();
    }

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();

    private static bool WaitForExit(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsRunning(pid))
        {
            if (DateTime.UtcNow >= deadline)
                return false;
            Thread.Sleep(10); // another process: no handle to wait on portably; 10 ms polls are cheap and rare
        }
        return true;
    }

    /// <summary>A live pid owns the file only if it started before the file was written; else the pid was reused.</summary>
    private static bool IsOwnerAlive(int pid, string path)
    {
        if (!IsRunning(pid))
            return false;
        var started = ProcessStartTime(pid);
        if (started is null)
            return true; // cannot tell: assume it is the owner (the safe side for a live check)
        var written = File.GetLastWriteTimeUtc(path);
        return started.Value <= written + TimeSpan.FromSeconds(2);
    }

    /// <summary>The process state letter from /proc/pid/stat (R, S, Z, ...), or null if unreadable.</summary>
    private static char? ReadState(int pid)
    {
        var stat = ReadStat(pid);
        return stat is { Length: > 0 } ? stat[0][0] : null;
    }

    /// <summary>/proc/pid/stat fields after the command name (the first is the state).</summary>
    private static string[]? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var close = text.LastIndexOf(')'); // the command name may contain spaces and parentheses
            return close < 0 ? null : text[(close + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static DateTime? ProcessStartTime(int pid)
    {
        var stat = ReadStat(pid);
        // Field 22 of /proc/pid/stat (starttime, clock ticks since boot) is index 19 after the command name.
        if (stat is null || stat.Length < 20 || !ulong.TryParse(stat[19], CultureInfo.InvariantCulture, out var ticks))
            return null;
        var hz = Libc.SysConf(Libc.SC_CLK_TCK);
        var boot = BootTime();
        if (hz <= 0 || boot is null)
            return null;
        return boot.Value.AddSeconds((double)ticks / hz);
    }

    private static DateTime? BootTime()
    {
        foreach (var line in File.ReadLines("/proc/stat"))
            if (line.StartsWith("btime ", StringComparison.Ordinal) && long.TryParse(line.AsSpan(6), CultureInfo.InvariantCulture, out var s))
                return DateTime.UnixEpoch.AddSeconds(s);
        return null;
    }
}

/// <summary>The pid file could not be taken: another instance runs, or the file system refused.</summary>
public sealed class PidFileException : IOException
{
    /// <summary>Creates the exception.</summary>
    public PidFileException(string path, int? ownerPid, string message) : base(message)
    {
        Path = path;
        OwnerPid = ownerPid;
    }

    /// <summary>The pid file.</summary>
    public string Path { get; }

    /// <summary>The pid of the process holding it, when known.</summary>
    public int? OwnerPid { get; }
}
