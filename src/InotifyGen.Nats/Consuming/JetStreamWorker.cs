using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace InotifyGen.Nats;

/// <summary>
/// Reads the stream as a work queue through a durable pull consumer: each message goes to one worker, which hands it
/// to the handler and acknowledges it only after the handler returns. A handler that throws gets the message again
/// later (a negative acknowledgement with <see cref="JetStreamWorkerOptions.RetryDelay"/>), as does a worker that
/// dies mid-way (after <see cref="JetStreamWorkerOptions.AckWait"/>).
/// </summary>
public sealed partial class JetStreamWorker : IAsyncDisposable
{
    private readonly JetStreamWorkerOptions _options;
    private readonly ILogger _logger;
    private readonly NatsConnection _connection;

    /// <summary>Creates the worker; invalid options throw, naming each problem.</summary>
    public JetStreamWorker(JetStreamWorkerOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } problems)
            throw new ArgumentException("Invalid JetStream worker options: " + string.Join("; ", problems));
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _connection = JetStreamStream.Connect(options.Url, $"inotifygen-worker@{Environment.MachineName}");
    }

    /// <summary>
    /// Hands each message to <paramref name="handler"/> until <paramref name="cancellationToken"/> fires (then returns
    /// normally; a message being handled then is delivered again later).
    /// </summary>
    public async Task RunAsync(Func<WorkItem, CancellationToken, ValueTask> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        try
        {
            var js = new NatsJSContext(_connection);
            await JetStreamStream.EnsureAsync(js, _options.Stream, _options.StreamSubjects, cancellationToken).ConfigureAwait(false);
            var consumer = await js.CreateOrUpdateConsumerAsync(_options.Stream, new ConsumerConfig(_options.Consumer)
            {
                AckPolicy = ConsumerConfigAckPolicy.Explicit,
                AckWait = _options.AckWait,
            }, cancellationToken).ConfigureAwait(false);
            await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false))
                await HandleAsync(msg, handler, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task HandleAsync(INatsJSMsg<byte[]> msg, Func<WorkItem, CancellationToken, ValueTask> handler, CancellationToken ct)
    {
        var item = WorkItem.Parse(msg.Data ?? [], Header(msg, JetStreamPublisher.HostHeader), Header(msg, "Nats-Msg-Id"), msg.Subject,
            msg.Metadata?.NumDelivered ?? 1);
        if ((item.EventType & _options.Events) == 0 && !item.EventsLost)
        {
            await msg.AckAsync(cancellationToken: ct).ConfigureAwait(false);
            return;
        }
        try
        {
            await handler(item, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogHandlerFailed(_logger, item.PathName, item.Delivery, e);
            await msg.NakAsync(new AckOpts { NakDelay = _options.RetryDelay }, ct).ConfigureAwait(false);
            return;
        }
        await msg.AckAsync(new AckOpts { DoubleAck = true }, ct).ConfigureAwait(false);
    }

    private static string Header(INatsJSMsg<byte[]> msg, string name) =>
        msg.Headers is { } h && h.TryGetValue(name, out var v) ? v.ToString() : "";

    /// <summary>Closes the connection.</summary>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    [LoggerMessage(1, LogLevel.Warning, "Handler failed for {PathName} (delivery {Delivery}); it will be delivered again")]
    private static partial void LogHandlerFailed(ILogger logger, string pathName, ulong delivery, Exception exception);
}
