using InotifyGen;
using Microsoft.Extensions.Logging;

namespace AotDaemon;

/// <summary>
/// Logs every file written and closed in the spool. Resolved from DI (its logger is injected); the InotifyGen source
/// generator writes its dispatch switch and its HandledEvents (IN_CLOSE_WRITE).
/// </summary>
public sealed partial class SpoolHandler(ILogger<SpoolHandler> logger) : ProcessEvent
{
    private int _count;

    /// <summary>A file opened for writing was closed: it is complete.</summary>
    public void process_IN_CLOSE_WRITE(InotifyEvent e)
    {
        var n = Interlocked.Increment(ref _count);
        LogClosed(logger, e.PathName, n);
    }

    [LoggerMessage(1, LogLevel.Information, "CLOSE_WRITE {PathName} (#{Count})")]
    private static partial void LogClosed(ILogger logger, string pathName, int count);
}
