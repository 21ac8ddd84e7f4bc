using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace InotifyGen;

/// <summary>
/// The changes to one path, once they have settled: no event for it for the quiet period. Made by
/// <see cref="SettledEvents.Settle"/> and <see cref="SettledEvents.ReadSettledAsync"/>.
/// </summary>
public sealed class SettledChange
{
    internal SettledChange(string pathName, EventMask events, EventFlags flags, int count, bool isDir, OwnedInotifyEvent last)
    {
        PathName = pathName;
        Events = events;
        Flags = flags;
        Count = count;
        IsDir = isDir;
        LastEvent = last;
    }

    /// <summary>The path the events were about (<see cref="OwnedInotifyEvent.PathName"/>).</summary>
    public string PathName { get; }

    /// <summary>Every event type seen for the path, or-ed together (IN_ISDIR left out; see <see cref="IsDir"/>).</summary>
    public EventMask Events { get; }

    /// <summary>Every flag seen, or-ed together (e.g. <see cref="EventFlags.EventsLost"/> on an overflow marker).</summary>
    public EventFlags Flags { get; }

    /// <summary>How many events were coalesced into this change (the kernel itself merges identical unread ones).</summary>
    public int Count { get; }

    /// <summary>Whether the path was a directory, as the last event said.</summary>
    public bool IsDir { get; }

    /// <summary>The last event for the path.</summary>
    public OwnedInotifyEvent LastEvent { get; }

    /// <summary>The path and the event types, e.g. <c>/srv/in/a.csv IN_MODIFY|IN_CLOSE_WRITE (3 events)</c>.</summary>
    public override string ToString() => $"{PathName} {EventsCodes.MaskName(Events)} ({Count} events)";
}

/// <summary>
/// Debounced event streams: "changes to this tree, settled for N ms, coalesced per path". Each path's events are
/// held until the path has been quiet for the period, then yielded as one <see cref="SettledChange"/>. One reader
/// and one deadline queue serve every path: there is no timer per path, only one pending delay for the earliest
/// deadline, so a tree with thousands of busy files costs a dictionary entry per path and nothing more.
/// </summary>
/// <example><code>
/// await using var notifier = new AsyncNotifier(wm);
/// wm.AddWatch("/srv/in", EventMask.CloseWrite | EventMask.MovedTo, recursive: true, autoAdd: true);
/// await foreach (var change in notifier.ReadSettledAsync(TimeSpan.FromMilliseconds(500), stoppingToken))
///     Console.WriteLine(change.PathName); // once per file, half a second after its last write
/// </code></example>
public static class SettledEvents
{
    /// <summary>
    /// Reads <paramref name="notifier"/>'s events (<see cref="AsyncNotifier.ReadEventsAsync"/>) settled for
    /// <paramref name="quiet"/>; see <see cref="Settle"/>.
    /// </summary>
    public static IAsyncEnumerable<SettledChange> ReadSettledAsync(this AsyncNotifier notifier, TimeSpan quiet,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notifier);
        return notifier.ReadEventsAsync(cancellationToken).Settle(quiet, cancellationToken);
    }

    /// <summary>
    /// Coalesces <paramref name="events"/> per path and yields each path's changes once no event for it has come
    /// for <paramref name="quiet"/>. Paths settle independently, in the order their quiet periods end. When the
    /// source ends, what is still pending is yielded at once. Cancelling <paramref name="cancellationToken"/> ends
    /// the enumeration with an <see cref="OperationCanceledException"/> (and, for a notifier's stream, stops it).
    /// An IN_Q_OVERFLOW marker is a path of its own (its <see cref="SettledChange.Events"/> has
    /// <see cref="EventMask.QueueOverflow"/>): something changed that no event tells.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quiet"/> is not positive.</exception>
    public static IAsyncEnumerable<SettledChange> Settle(this IAsyncEnumerable<OwnedInotifyEvent> events, TimeSpan quiet,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (quiet <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(quiet), quiet, "the quiet period must be positive, e.g. TimeSpan.FromMilliseconds(500)");
        return SettleCore(events, quiet, cancellationToken);
    }

    private static async IAsyncEnumerable<SettledChange> SettleCore(IAsyncEnumerable<OwnedInotifyEvent> events, TimeSpan quiet,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var quietTicks = (long)(quiet.TotalSeconds * Stopwatch.Frequency);
        var pending = new Dictionary<string, Pending>(StringComparer.Ordinal);
        // Each path once, at the deadline it had when queued. A path's deadline only moves later, and every new
        // deadline is the latest of all, so a stale entry is found at the head and queued again with its real one.
        var deadlines = new PriorityQueue<string, long>();
        // Its own token, so that leaving early can end a read still waiting for the next event.
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var source = events.GetAsyncEnumerator(reading.Token);
        Task<bool>? next = null;
        Task? delay = null; // the one timer: until the head of the queue is due
        try
        {
            while (true)
            {
                var now = Stopwatch.GetTimestamp();
                while (deadlines.TryPeek(out var path, out var due) && due <= now)
                {
                    deadlines.Dequeue();
                    var p = pending[path];
                    if (p.Due > due)
                    {
                        deadlines.Enqueue(path, p.Due);
                        continue;
                    }
                    pending.Remove(path);
                    yield return p.ToChange(path);
                }
                next ??= source.MoveNextAsync().AsTask();
                if (!next.IsCompleted && deadlines.TryPeek(out _, out var head))
                {
                    if (delay is null || delay.IsCompleted)
                        delay = Task.Delay(Stopwatch.GetElapsedTime(now, Math.Max(head, now + 1)), cancellationToken);
                    if (await Task.WhenAny(next, delay).ConfigureAwait(false) != next)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        continue; // the head is due (or was re-queued later): look again
                    }
                }
                if (!await next.ConfigureAwait(false))
                    break;
                next = null;
                var e = source.Current;
                var key = e.PathName;
                var at = Stopwatch.GetTimestamp() + quietTicks;
                if (pending.TryGetValue(key, out var existing))
                    existing.Add(e, at);
                else
                {
                    pending[key] = new Pending(e, at);
                    deadlines.Enqueue(key, at);
                }
            }
            next = null;
            // The source ended: nothing more can come, so everything pending has settled.
            while (deadlines.TryDequeue(out var path, out _))
                if (pending.Remove(path, out var p))
                    yield return p.ToChange(path);
        }
        finally
        {
            if (next is not null)
            {
                await reading.CancelAsync().ConfigureAwait(false);
                await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing); // an enumerator is not disposed mid-MoveNext
            }
            await source.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class Pending
    {
        private EventMask _events;
        private EventFlags _flags;
        private int _count;
        private OwnedInotifyEvent _last;

        public Pending(OwnedInotifyEvent first, long due)
        {
            _last = first;
            Add(first, due);
        }

        public long Due { get; private set; }

        public void Add(OwnedInotifyEvent e, long due)
        {
            _events |= e.EventType;
            _flags |= e.Flags;
            _count++;
            _last = e;
            Due = due;
        }

        public SettledChange ToChange(string path) => new(path, _events, _flags, _count, _last.IsDir, _last);
    }
}
