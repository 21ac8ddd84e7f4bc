using Microsoft.Extensions.Logging;

namespace InotifyGen.Daemon;

/// <summary>The daemon helpers' log messages (ids 100 and up), source-generated.</summary>
internal static partial class DaemonLog
{
    [LoggerMessage(100, LogLevel.Warning, "Stopping process {Pid}, which holds pid file {Path} (force-kill).")]
    public static partial void Killing(ILogger logger, int pid, string path);

    [LoggerMessage(101, LogLevel.Information, "Taking over stale pid file {Path} (its pid {Pid} is not running).")]
    public static partial void TakingOver(ILogger logger, string path, int? pid);

    [LoggerMessage(102, LogLevel.Warning, "Could not remove pid file {Path}: {Reason}")]
    public static partial void RemoveFailed(ILogger logger, string path, string reason);
}
