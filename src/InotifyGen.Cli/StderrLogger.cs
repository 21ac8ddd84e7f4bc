using Microsoft.Extensions.Logging;

namespace InotifyGen.Cli;

/// <summary>The runtime's log messages on stderr, <c>inotifygen: warning: ...</c>; -v lowers the level to Debug.</summary>
internal sealed class StderrLogger(TextWriter writer, LogLevel minimum) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
            return;
        var level = logLevel switch
        {
            LogLevel.Trace or LogLevel.Debug => "debug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warning",
            _ => "error",
        };
        lock (writer)
        {
            writer.WriteLine($"inotifygen: {level}: {formatter(state, exception)}");
            if (exception is not null && logLevel >= LogLevel.Error)
                writer.WriteLine($"inotifygen: {level}: {exception.GetType().Name}: {exception.Message}");
            writer.Flush();
        }
    }
}
