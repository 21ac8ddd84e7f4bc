namespace InotifyGen.Generator.Tests.Handlers;

/// <summary>
/// Base of the test handlers: each handler method records "method IN_EVENT name", so a test can assert which
/// method the generated dispatch chose. Not partial and without handler methods of its own.
/// </summary>
public abstract class RecordingHandler : ProcessEvent
{
    private readonly List<string> _calls = new();

    protected RecordingHandler(ProcessEvent? next = null) : base(next)
    {
    }

    public IReadOnlyList<string> Calls
    {
        get { lock (_calls) return _calls.ToList(); }
    }

    protected void Record(string method, in InotifyEvent e)
    {
        var call = method + " " + EventsCodes.MaskName(e.EventType) + " " + e.Name;
        lock (_calls)
        {
            _calls.Add(call);
            Monitor.PulseAll(_calls);
        }
    }

    /// <summary>Waits until <paramref name="call"/> was recorded; fails with every call so far when the deadline passes.</summary>
    public void WaitFor(string call, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(10));
        lock (_calls)
        {
            while (!_calls.Contains(call))
            {
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    throw new TimeoutException($"'{call}' not seen; calls:\n" + string.Join("\n", _calls));
                Monitor.Wait(_calls, left);
            }
        }
    }
}
