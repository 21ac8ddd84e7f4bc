using System.Diagnostics;
using InotifyGen.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace InotifyGen.Tests.Semantics;

/// <summary>
/// A WatchManager and a ThreadedNotifier that record owned copies of every event and every log line, for the
/// tree-semantics tests. Waits have deadlines; nothing sleeps a fixed time.
/// </summary>
public sealed class TreeRecorder : IDisposable
{
    private readonly List<OwnedInotifyEvent> _events = new();

    public TreeRecorder(ExcludeFilter? excludeFilter = null, Action<Notifier>? configure = null)
    {
        Log = new ListLogger();
        WatchManager = new WatchManager(excludeFilter, Log);
        Handler = new DelegateHandler(Record);
        Notifier = new ThreadedNotifier(WatchManager, Handler, logger: Log);
        configure?.Invoke(Notifier);
        Notifier.Start();
    }

    public WatchManager WatchManager { get; }
    public ThreadedNotifier Notifier { get; }
    public ProcessEvent Handler { get; }
    public ListLogger Log { get; }

    public IReadOnlyList<OwnedInotifyEvent> Events
    {
        get { lock (_events) return _events.ToList(); }
    }

    public void Record(InotifyEvent e)
    {
        var owned = e.ToOwned();
        lock (_events)
        {
            _events.Add(owned);
            Monitor.PulseAll(_events);
        }
    }

    public void Clear()
    {
        lock (_events) _events.Clear();
    }

    /// <summary>Waits until <paramref name="done"/> holds for the events so far; throws with them on the deadline.</summary>
    public void WaitUntil(Func<IReadOnlyList<OwnedInotifyEvent>, bool> done, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(10));
        lock (_events)
        {
            while (!done(_events))
            {
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    throw new TimeoutException("condition not met; events:\n" + string.Join("\n", _events.Select(Describe)));
                // Woken by each new event; also re-checks now and then for conditions on watch state.
                Monitor.Wait(_events, left < TimeSpan.FromMilliseconds(20) ? left : TimeSpan.FromMilliseconds(20));
            }
        }
    }

    public OwnedInotifyEvent WaitFor(Func<OwnedInotifyEvent, bool> match, TimeSpan? deadline = null)
    {
        OwnedInotifyEvent? found = null;
        WaitUntil(es => (found = es.FirstOrDefault(match)) is not null, deadline);
        return found!;
    }

    /// <summary>
    /// Makes sure every event caused so far has been dispatched: creates a marker file in <paramref name="dir"/>
    /// (which must be watched for IN_CREATE) and waits for its event.
    /// </summary>
    public void Sync(string dir)
    {
        var name = ".sync-" + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllText(Path.Combine(dir, name), "");
        WaitFor(e => e.Name == name);
        File.Delete(Path.Combine(dir, name));
    }

    public static string Describe(OwnedInotifyEvent e) => e.Flags == EventFlags.None ? e.ToString() : e + " flags=" + e.Flags;

    /// <summary>The paths of the live watches.</summary>
    public SortedSet<string> WatchedPaths() =>
        new(WatchManager.Watches.Values.Select(w => w.Path), StringComparer.Ordinal);

    public void Dispose()
    {
        Notifier.Stop();
        WatchManager.Dispose();
    }
}

/// <summary>An ILogger that keeps what it was told.</summary>
public sealed class ListLogger : ILogger
{
    private readonly List<(LogLevel Level, string Text)> _lines = new();

    public IReadOnlyList<(LogLevel Level, string Text)> Lines
    {
        get { lock (_lines) return _lines.ToList(); }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines) _lines.Add((logLevel, formatter(state, exception)));
    }
}

/// <summary>Runs a test body many times and reports the pass count and timings; every run must pass.</summary>
public static class Repeat
{
    public static void Run(ITestOutputHelper output, string name, int times, Action<int> body)
    {
        // INOTIFYGEN_LOOPS=N runs each loop N times instead (for a quick look while debugging).
        if (int.TryParse(Environment.GetEnvironmentVariable("INOTIFYGEN_LOOPS"), out var overridden) && overridden > 0)
            times = overridden;
        var failures = new List<string>();
        var total = Stopwatch.StartNew();
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < times; i++)
        {
            var one = Stopwatch.StartNew();
            try { body(i); }
            catch (Exception e) { failures.Add($"run {i}: {e}"); }
            if (one.Elapsed > slowest) slowest = one.Elapsed;
        }
        var line = $"{name}: {times - failures.Count}/{times} passed in {total.Elapsed.TotalMilliseconds:F0} ms " +
                   $"(mean {total.Elapsed.TotalMilliseconds / times:F1} ms, slowest {slowest.TotalMilliseconds:F1} ms)";
        output.WriteLine(line);
        ResultsFile.Append(line);
        Assert.True(failures.Count == 0, line + "\n" + string.Join("\n", failures.Take(3)));
    }
}

/// <summary>Appends loop results to $INOTIFYGEN_LOOP_RESULTS when set, so a run can be summarised.</summary>
public static class ResultsFile
{
    public static void Append(string line)
    {
        var path = Environment.GetEnvironmentVariable("INOTIFYGEN_LOOP_RESULTS");
        if (!string.IsNullOrEmpty(path))
            lock (typeof(ResultsFile)) File.AppendAllText(path, line + "\n");
    }
}
