namespace InotifyGen.Tests.Support;

/// <summary>
/// A WatchManager and a ThreadedNotifier that record every event (as owned copies). Tests wait for the events
/// they expect with a deadline; they never sleep a fixed time.
/// </summary>
public sealed class EventRecorder : IDisposable
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(10);

    private readonly List<OwnedInotifyEvent> _events = new();

    public EventRecorder(ProcessEvent? next = null, ExcludeFilter? excludeFilter = null, WatchBackend backend = WatchBackend.Inotify)
    {
        WatchManager = new WatchManager(backend, excludeFilter: excludeFilter);
        Handler = new DelegateHandler(Record, next);
        Notifier = new ThreadedNotifier(WatchManager, Handler);
        Notifier.Start();
    }

    public WatchManager WatchManager { get; }
    public ThreadedNotifier Notifier { get; }
    public ProcessEvent Handler { get; }

    public IReadOnlyList<OwnedInotifyEvent> Events
    {
        get { lock (_events) return _events.ToList(); }
    }

    private void Record(InotifyEvent e)
    {
        var owned = e.ToOwned();
        lock (_events)
        {
            _events.Add(owned);
            Monitor.PulseAll(_events);
        }
    }

    /// <summary>Waits until an event matches; fails with the events seen so far when the deadline passes.</summary>
    public OwnedInotifyEvent WaitFor(Func<OwnedInotifyEvent, bool> match, TimeSpan? deadline = null) =>
        WaitUntil(events => events.FirstOrDefault(match), deadline)!;

    /// <summary>Waits until <paramref name="probe"/> returns non-null for the events recorded so far.</summary>
    public T WaitUntil<T>(Func<IReadOnlyList<OwnedInotifyEvent>, T?> probe, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        lock (_events)
        {
            while (true)
            {
                var found = probe(_events);
                if (found is not null && found is not false)
                    return found;
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    throw new TimeoutException("expected event not seen; got:\n" + string.Join("\n", _events));
                Monitor.Wait(_events, left);
            }
        }
    }

    public void Dispose()
    {
        Notifier.Stop();
        WatchManager.Dispose();
    }
}
