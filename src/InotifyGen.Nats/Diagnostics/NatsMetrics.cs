using System.Diagnostics.Metrics;

namespace InotifyGen.Nats.Diagnostics;

/// <summary>
/// The publisher's metrics, on the package family's meter <c>InotifyGen</c> (the runtime's InotifyMetrics has the same
/// name, so <c>dotnet-counters monitor --counters InotifyGen</c> and OpenTelemetry's <c>AddMeter("InotifyGen")</c> see
/// both). Each call checks <see cref="Instrument.Enabled"/> first: with nobody listening it costs a field read.
/// </summary>
/// <remarks>docs/nats.md lists the instruments for users; this file is their one definition.</remarks>
internal static class NatsMetrics
{
    /// <summary>The meter's name, the runtime's.</summary>
    public const string MeterName = "InotifyGen";

    private static readonly Meter s_meter = new(MeterName, typeof(NatsMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> s_published = s_meter.CreateCounter<long>(
        "inotifygen.nats.published", "{message}", "Messages sent to JetStream for the first time.");
    private static readonly Counter<long> s_acknowledged = s_meter.CreateCounter<long>(
        "inotifygen.nats.acknowledged", "{message}", "Messages JetStream acknowledged (stored, or dropped as a duplicate of a stored one).");
    private static readonly Counter<long> s_retried = s_meter.CreateCounter<long>(
        "inotifygen.nats.retried", "{message}", "Sends repeated, with the same message id, after a failure or a missing acknowledgement.");
    private static readonly Counter<long> s_lost = s_meter.CreateCounter<long>(
        "inotifygen.nats.lost", "{event}", "Events dropped because the publisher's buffer was full (reported as an IN_Q_OVERFLOW flagged events_lost).");

    private static readonly List<WeakReference<JetStreamPublisher>> s_publishers = [];

    static NatsMetrics() =>
        s_meter.CreateObservableUpDownCounter("inotifygen.nats.buffered", ObserveBuffered, "{message}",
            "Messages waiting for an acknowledgement, over every running publisher.");

    public static void Published()
    {
        if (s_published.Enabled)
            s_published.Add(1);
    }

    public static void Acknowledged(int count)
    {
        if (s_acknowledged.Enabled)
            s_acknowledged.Add(count);
    }

    public static void Retried(int count)
    {
        if (s_retried.Enabled)
            s_retried.Add(count);
    }

    public static void Lost()
    {
        if (s_lost.Enabled)
            s_lost.Add(1);
    }

    /// <summary>Counts <paramref name="publisher"/>'s buffer in <c>inotifygen.nats.buffered</c> while it lives.</summary>
    public static void Track(JetStreamPublisher publisher)
    {
        lock (s_publishers)
            s_publishers.Add(new WeakReference<JetStreamPublisher>(publisher));
    }

    public static void Untrack(JetStreamPublisher publisher)
    {
        lock (s_publishers)
            s_publishers.RemoveAll(w => !w.TryGetTarget(out var p) || ReferenceEquals(p, publisher));
    }

    private static long ObserveBuffered()
    {
        long sum = 0;
        lock (s_publishers)
            foreach (var w in s_publishers)
                if (w.TryGetTarget(out var p))
                    sum += p.Buffered;
        return sum;
    }
}
