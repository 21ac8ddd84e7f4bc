namespace InotifyGen.Async.Tests.Support;

/// <summary>A handler that records owned copies of its events and lets a test wait for them with a deadline.</summary>
public sealed class Recorder : ProcessEvent
{
    private readonly List<OwnedInotifyEvent> _events = new();
    private readonly EventMask _handled;

    public Recorder(EventMask handled = EventMask.AllEvents) => _handled = handled;

    public Action<InotifyEvent>? OnEvent { get; set; }

    public IReadOnlyList<OwnedInotifyEvent> Events
    {
        get { lock (_events) return _events.ToList(); }
    }

    protected override EventMask HandledEvents => _handled;

    protected override bool DispatchEvent(in InotifyEvent e)
    {
        OnEvent?.Invoke(e);
        var owned = e.ToOwned();
        lock (_events)
        {
            _events.Add(owned);
            Monitor.PulseAll(_events);
        }
        return false;
    }

    public OwnedInotifyEvent WaitFor(Func<OwnedInotifyEvent, bool> match, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(10));
        lock (_events)
        {
            while (true)
            {
                var found = _events.FirstOrDefault(match);
                if (found is not null)
                    return found;
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    throw new TimeoutException("expected event not seen; got:\n" + string.Join("\n", _events));
                Monitor.Wait(_events, left);
            }
        }
    }
}
