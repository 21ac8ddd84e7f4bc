using InotifyGen.Daemon;

namespace InotifyGen.Cli;

/// <summary>
/// --daemon, with the daemon helpers of InotifyGen.Daemon. The parent re-executes inotifygen detached
/// (new session, stdin on /dev/null, stdout/stderr on --stdout/--stderr or /dev/null), waits until the daemon has
/// established its watches and written its pid file, and exits 0, or 1 if the daemon failed to start. The daemon
/// takes the pid file once its watches are up, removes it when it stops (SIGTERM), and with --force-kill first stops
/// the process an existing pid file names.
/// </summary>
internal static class DaemonMode
{
    /// <summary>pyinotify's default: /var/run/&lt;program&gt;.pid.</summary>
    public const string DefaultPidFile = "/var/run/inotifygen.pid";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public static string PidFilePath(CliOptions o) => Path.GetFullPath(o.PidFile ?? DefaultPidFile);

    /// <summary>In the parent: starts the daemon and returns the parent's exit code. In the daemon: returns null.</summary>
    public static int? Start(CliOptions o, string[] args)
    {
        if (DaemonProcess.IsDetachedChild)
            return null;
        var pidFile = PidFilePath(o);
        if (!o.ForceKill && PidFile.ReadPid(pidFile) is { } existing && existing != Environment.ProcessId && PidFile.IsRunning(existing))
            throw new RuntimeFailureException(
                $"another inotifygen daemon is running (pid {existing}, pid file '{pidFile}'); stop it first, or add --force-kill to replace it");
        int child;
        try
        {
            // The same arguments, byte for byte (a path may not be UTF-8): the child knows it is the daemon from
            // DaemonProcess.IsDetachedChild.
            child = DaemonProcess.Detach(args.Select(FileNames.Encode), o.StdoutFile, o.StderrFile);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            throw new RuntimeFailureException($"cannot start the daemon: {e.Message}");
        }
        if (DaemonProcess.WaitForPidFile(child, pidFile, StartTimeout))
        {
            if (!o.Quiet)
                Console.Error.WriteLine($"inotifygen: daemon started (pid {child}, pid file '{pidFile}')");
            return Program.ExitOk;
        }
        throw new RuntimeFailureException(o.StderrFile is null
            ? "the daemon stopped during start-up; run the same command without --daemon, or add --stderr FILE, to see why"
            : $"the daemon stopped during start-up; see '{o.StderrFile}' for why");
    }

    /// <summary>In the daemon, once the watches are up: takes the pid file (removed again when it is disposed).</summary>
    public static PidFile AcquirePidFile(CliOptions o)
    {
        try
        {
            return PidFile.Acquire(PidFilePath(o), o.ForceKill);
        }
        catch (IOException e)
        {
            throw new RuntimeFailureException(e.Message);
        }
    }
}
