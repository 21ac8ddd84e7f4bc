namespace InotifyGen.Nats.Tests.Support;

/// <summary>
/// A <see cref="JetStreamWorker"/> running in the test, collecting what it is handed; tests wait for what they expect
/// with a deadline.
/// </summary>
public sealed class Collector : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly List<WorkItem> _items = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly JetStreamWorker _worker;
    private readonly Task _run;

    public Collector(string url, Func<WorkItem, bool>? fail = null, EventMask? events = null)
    {
        var options = new JetStreamWorkerOptions { Url = url, RetryDelay = TimeSpan.FromMilliseconds(50) };
        if (events is { } e)
            options.Events = e;
        _worker = new JetStreamWorker(options);
        _run = _worker.RunAsync((item, _) =>
        {
            if (fail?.Invoke(item) == true)
                throw new InvalidOperationException("the handler failed on purpose");
            lock (_items)
            {
                _items.Add(item);
                Monitor.PulseAll(_items);
            }
            return ValueTask.CompletedTask;
        }, _stop.Token);
    }

    public IReadOnlyList<WorkItem> Items { get { lock (_items) return _items.ToList(); } }

    /// <summary>Waits until <paramref name="done"/> holds for what was handed over; returns it.</summary>
    public IReadOnlyList<WorkItem> WaitFor(Func<IReadOnlyList<WorkItem>, bool> done, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        lock (_items)
        {
            while (!done(_items))
            {
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || _run.IsCompleted)
                    Assert.Fail($"the worker did not get {what} within the deadline ({_run.Exception?.Message}); it got {_items.Count}:\n"
                        + string.Join("\n", _items.Select(i => $"{i.EventType} {i.PathName} synthetic={i.IsSynthetic}")));
                Monitor.Wait(_items, left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
            }
            return _items.ToList();
        }
    }

    /// <summary>Waits until every one of <paramref name="paths"/> was handed over as written (IN_CLOSE_WRITE).</summary>
    public IReadOnlyList<WorkItem> WaitForFiles(IReadOnlyCollection<string> paths) =>
        WaitFor(items => paths.All(p => items.Any(i => i.PathName == p)), $"all {paths.Count} files");

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _run;
        await _worker.DisposeAsync();
        _stop.Dispose();
    }
}
