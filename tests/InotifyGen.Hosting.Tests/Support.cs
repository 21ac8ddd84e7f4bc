using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InotifyGen.Hosting.Tests;

/// <summary>The tests' host: no defaults, an <see cref="EventSink"/>, and the log lines in <paramref name="logs"/> if given.</summary>
public static class TestHost
{
    public static IHost Build(Action<HostApplicationBuilder> configure, CapturingLoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<EventSink>();
        builder.Logging.ClearProviders();
        if (logs is not null)
            builder.Logging.AddProvider(logs);
        configure(builder);
        return builder.Build();
    }
}

/// <summary>A DI service the test handlers depend on: it collects what they saw, and tests wait on it with a deadline.</summary>
public sealed class EventSink
{
    private readonly List<(string Handler, OwnedInotifyEvent Event)> _events = new();

    public void Add(string handler, OwnedInotifyEvent e)
    {
        lock (_events)
        {
            _events.Add((handler, e));
            Monitor.PulseAll(_events);
        }
    }

    public IReadOnlyList<(string Handler, OwnedInotifyEvent Event)> Events
    {
        get { lock (_events) return _events.ToList(); }
    }

    public (string Handler, OwnedInotifyEvent Event) WaitFor(Func<(string Handler, OwnedInotifyEvent Event), bool> match)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        lock (_events)
        {
            while (true)
            {
                foreach (var x in _events)
                    if (match(x))
                        return x;
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    throw new TimeoutException("expected event not seen; got:\n" + string.Join("\n", _events));
                Monitor.Wait(_events, left);
            }
        }
    }
}

/// <summary>A handler with constructor dependencies, resolved from DI.</summary>
public sealed class SinkHandler(EventSink sink, ILogger<SinkHandler> logger) : ProcessEvent
{
    public ILogger<SinkHandler> InjectedLogger { get; } = logger;

    protected override EventMask HandledEvents => EventMask.AllEvents;

    protected override bool DispatchEvent(in InotifyEvent e)
    {
        if (e.Name == "throw")
            throw new InvalidDataException("handler failed on purpose");
        sink.Add(nameof(SinkHandler), e.ToOwned());
        return false;
    }
}

/// <summary>A second handler type, for watches that name different handlers.</summary>
public sealed class OtherHandler(EventSink sink) : ProcessEvent
{
    protected override EventMask HandledEvents => EventMask.AllEvents;

    protected override bool DispatchEvent(in InotifyEvent e)
    {
        sink.Add(nameof(OtherHandler), e.ToOwned());
        return false;
    }
}

/// <summary>Captures every log line of the host, with a deadline-bounded wait.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly List<(string Category, LogLevel Level, string Message, Exception? Exception)> _lines = new();

    public IReadOnlyList<(string Category, LogLevel Level, string Message, Exception? Exception)> Lines
    {
        get { lock (_lines) return _lines.ToList(); }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    public (string Category, LogLevel Level, string Message, Exception? Exception) WaitFor(Func<(string Category, LogLevel Level, string Message, Exception? Exception), bool> match)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        lock (_lines)
        {
            while (true)
            {
                foreach (var x in _lines)
                    if (match(x))
                        return x;
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    throw new TimeoutException("expected log line not seen; got:\n" + string.Join("\n", _lines));
                Monitor.Wait(_lines, left);
            }
        }
    }

    private void Add(string category, LogLevel level, string message, Exception? exception)
    {
        lock (_lines)
        {
            _lines.Add((category, level, message, exception));
            Monitor.PulseAll(_lines);
        }
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                owner.Add(category, logLevel, formatter(state, exception), exception);
        }
    }
}
