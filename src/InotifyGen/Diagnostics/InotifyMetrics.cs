using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace InotifyGen.Diagnostics;

/// <summary>
/// The package's metrics, through <see cref="System.Diagnostics.Metrics"/>: one <see cref="Meter"/> named
/// <c>InotifyGen</c>, seen by <c>dotnet-counters monitor --counters InotifyGen</c> and by OpenTelemetry's
/// <c>AddMeter("InotifyGen")</c>. Every call checks <see cref="Instrument.Enabled"/> first, so with nobody
/// listening a measurement costs one field read and never allocates (the dispatch path stays allocation-free).
/// </summary>
/// <remarks>docs/hosting.md lists the instruments for users; this file is their one definition.</remarks>
internal static class InotifyMetrics
{
    /// <summary>The meter's name, the package's.</summary>
    public const string MeterName = "InotifyGen";

    /// <summary>The tag naming the notifier: <c>notifier</c>, <c>threaded</c> or <c>async</c>.</summary>
    public const string NotifierTag = "inotifygen.notifier";

    private static readonly Meter s_meter = new(MeterName, typeof(InotifyMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> s_read = s_meter.CreateCounter<long>(
        "inotifygen.events.read", "{event}", "Events read from the kernel.");
    private static readonly Counter<long> s_dispatched = s_meter.CreateCounter<long>(
        "inotifygen.events.dispatched", "{event}", "Events handed to a handler (synthetic ones included).");
    private static readonly Counter<long> s_lost = s_meter.CreateCounter<long>(
        "inotifygen.events.lost", "{event}", "Events known to be dropped: by a full async buffer (DropNewest), or superseded by an overflow rescan.");
    private static readonly Counter<long> s_overflows = s_meter.CreateCounter<long>(
        "inotifygen.queue.overflows", "{overflow}", "IN_Q_OVERFLOW events: the kernel queue was full and dropped an unknown number of events.");
    private static readonly Counter<long> s_rescans = s_meter.CreateCounter<long>(
        "inotifygen.rescans", "{rescan}", "Walks of the watched trees after an overflow (RescanOnOverflow).");
    private static readonly Counter<long> s_failures = s_meter.CreateCounter<long>(
        "inotifygen.handler.failures", "{failure}", "Exceptions thrown by handlers, under either exception policy.");
    private static readonly Histogram<double> s_duration = s_meter.CreateHistogram<double>(
        "inotifygen.dispatch.duration", "s", "How long a handler took for one event.");

    // Watch managers alive now, weakly held: one that is never disposed is still collected.
    private static readonly ConditionalWeakTable<WatchManager, object?> s_managers = new();

    static InotifyMetrics() =>
        s_meter.CreateObservableUpDownCounter("inotifygen.watches", ObserveWatches, "{watch}", "Inotify watches held, over every open WatchManager.");

    /// <summary>One event was read from the kernel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void EventRead(string notifier)
    {
        if (s_read.Enabled)
            s_read.Add(1, new KeyValuePair<string, object?>(NotifierTag, notifier));
    }

    /// <summary>
    /// Before a handler runs: a start time when the duration is measured, else 0. Pass it to <see cref="Dispatched"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long DispatchStarting() => s_duration.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>A handler returned from one event; <paramref name="started"/> is <see cref="DispatchStarting"/>'s value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dispatched(string notifier, long started)
    {
        var tag = new KeyValuePair<string, object?>(NotifierTag, notifier);
        if (s_dispatched.Enabled)
            s_dispatched.Add(1, tag);
        if (started != 0)
            s_duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tag);
    }

    /// <summary>A handler threw. Returns false, so that it can stand in an exception filter that lets the exception through.</summary>
    public static bool HandlerFailed(string notifier)
    {
        if (s_failures.Enabled)
            s_failures.Add(1, new KeyValuePair<string, object?>(NotifierTag, notifier));
        return false;
    }

    /// <summary>The kernel reported IN_Q_OVERFLOW.</summary>
    public static void Overflow(string notifier)
    {
        if (s_overflows.Enabled)
            s_overflows.Add(1, new KeyValuePair<string, object?>(NotifierTag, notifier));
    }

    /// <summary><paramref name="count"/> events were dropped knowingly.</summary>
    public static void EventsLost(string notifier, long count = 1)
    {
        if (s_lost.Enabled)
            s_lost.Add(count, new KeyValuePair<string, object?>(NotifierTag, notifier));
    }

    /// <summary>An overflow rescan began.</summary>
    public static void Rescan(string notifier)
    {
        if (s_rescans.Enabled)
            s_rescans.Add(1, new KeyValuePair<string, object?>(NotifierTag, notifier));
    }

    /// <summary>A watch manager opened: its watches count towards <c>inotifygen.watches</c> until <see cref="Closed"/>.</summary>
    public static void Opened(WatchManager manager) => s_managers.AddOrUpdate(manager, null);

    /// <summary>A watch manager closed.</summary>
    public static void Closed(WatchManager manager) => s_managers.Remove(manager);

    private static long ObserveWatches()
    {
        long total = 0;
        foreach (var (manager, _) in s_managers)
            total += manager.LiveWatchCount;
        return total;
    }
}
