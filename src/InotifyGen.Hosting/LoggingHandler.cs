using Microsoft.Extensions.Logging;

namespace InotifyGen.Hosting;

/// <summary>The hosted service's default handler: logs every event (mask names and path) at Information level.</summary>
public sealed partial class LoggingHandler : ProcessEvent
{
    private readonly ILogger _logger;

    /// <summary>Creates the handler; events are written to <paramref name="logger"/>.</summary>
    public LoggingHandler(ILogger<LoggingHandler> logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        Logger = logger;
    }

    /// <inheritdoc/>
    protected override EventMask HandledEvents => EventMask.AllEvents;

    /// <inheritdoc/>
    protected override bool DispatchEvent(in InotifyEvent e)
    {
        if (e.EventType == EventMask.QueueOverflow)
            return base.DispatchEvent(in e);
        if (_logger.IsEnabled(LogLevel.Information))
            LogEvent(_logger, e.MaskName, e.PathName);
        return false;
    }

    [LoggerMessage(200, LogLevel.Information, "{Mask} {PathName}")]
    private static partial void LogEvent(ILogger logger, string mask, string pathName);
}
