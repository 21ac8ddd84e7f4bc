using System.Diagnostics;
using System.Threading.Channels;
using InotifyGen.Nats.Diagnostics;
using InotifyGen.Nats.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace InotifyGen.Nats;

/// <summary>
/// Publishes events to a JetStream stream, at least once: an event is done when JetStream acknowledges it, and until
/// then it waits in a bounded buffer (<see cref="JetStreamPublisherOptions.BufferCapacity"/>) and is re-sent with the
/// same <c>Nats-Msg-Id</c>, so the stream's de-duplication drops copies. A full buffer never blocks the caller: the
/// event is counted lost and an IN_Q_OVERFLOW flagged <c>events_lost</c> follows once there is room. Reconnects are
/// the NATS client's (forever, 100 ms to 2 s apart). With <see cref="JetStreamPublisherOptions.StatePath"/>,
/// <see cref="CatchUp(IEnumerable{string}, bool, EventMask, WatchManager?)"/> publishes what changed in the trees while no watcher ran.
/// </summary>
/// <remarks>
/// Each message's body is the event exactly as <c>inotifygen --json</c> prints it; its headers are
/// <c>Nats-Msg-Id</c> (see docs/nats.md for what the id is made of) and <c>InotifyGen-Host</c>.
/// <see cref="Publish"/> is meant for the notifier's thread; the sending runs on a task of its own.
/// </remarks>
public sealed partial class JetStreamPublisher : IAsyncDisposable
{
    /// <summary>The header naming the host that published the event.</summary>
    public const string HostHeader = "InotifyGen-Host";

    private static readonly TimeSpan SaveInterval = TimeSpan.FromMilliseconds(200);

    private readonly JetStreamPublisherOptions _options;
    private readonly ILogger _logger;
    private readonly MessageBuilder _builder;
    private readonly object _lock = new();
    private readonly Channel<PendingMessage> _buffer;
    private readonly CancellationTokenSource _abort = new();
    private readonly Stopwatch _sinceSave = Stopwatch.StartNew();
    private NatsConnection? _connection;
    private NatsJSContext? _js;
    private Task? _pump;
    private TreeState? _state;
    private bool _lostPending;
    private int _sending;
    private int _disposed;

    /// <summary>Creates a publisher; nothing connects until <see cref="StartAsync"/>. Invalid options throw, naming each problem.</summary>
    public JetStreamPublisher(JetStreamPublisherOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _builder = new MessageBuilder(options.Host, options.Subject);
        _buffer = Channel.CreateBounded<PendingMessage>(new BoundedChannelOptions(options.BufferCapacity) { SingleReader = true });
        Handler = new DelegateHandler(e => Publish(in e));
    }

    /// <summary>A handler that publishes every event it is given (for a <see cref="Notifier"/> or InotifyGen.Hosting).</summary>
    public ProcessEvent Handler { get; }

    /// <summary>Messages not acknowledged yet: buffered, or sent and waiting.</summary>
    public long Buffered => _buffer.Reader.Count + Volatile.Read(ref _sending);

    /// <summary>
    /// Starts the connection (retrying while the server is unreachable: this returns at once) and the sending task, and
    /// reads the state file when there is one.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_pump is not null)
            throw new InvalidOperationException("The publisher is already started.");
        if (_options.StatePath is { } statePath)
            _state = TreeState.Load(statePath);
        _connection = JetStreamStream.Connect(_options.Url, $"inotifygen@{_options.Host}");
        _js = new NatsJSContext(_connection);
        NatsMetrics.Track(this);
        _pump = Task.Run(PumpAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Publishes what changed below <paramref name="roots"/> since the state was saved, as synthetic events (IN_CREATE,
    /// IN_CLOSE_WRITE, IN_DELETE; only those in <paramref name="mask"/>), and tells <c>{watch}</c> the roots. Call it
    /// after <see cref="StartAsync"/> and once the watches are up, so nothing falls between the two: a file still open
    /// for writing is left to its own IN_CLOSE_WRITE. With no state file yet, the tree as it is now becomes the state
    /// and nothing is published. Returns how many events were published.
    /// </summary>
    /// <param name="roots">The watched paths.</param>
    /// <param name="recursive">Whether the watches cover the trees below the roots.</param>
    /// <param name="mask">The events the watcher reports; the catch-up publishes only these.</param>
    /// <param name="watchManager">When given, the synthetic events carry the wd of their directory's watch.</param>
    public int CatchUp(IEnumerable<string> roots, bool recursive, EventMask mask = EventMask.AllEvents, WatchManager? watchManager = null) =>
        CatchUp(roots.Select(r => (r, recursive)), mask, watchManager);

    /// <summary>
    /// <see cref="CatchUp(IEnumerable{string}, bool, EventMask, WatchManager?)"/> for watches of both kinds at once:
    /// each root with whether its tree below is watched. Call it once with every root the state covers.
    /// </summary>
    /// <param name="roots">The watched paths, each with whether the trees below are watched.</param>
    /// <param name="mask">The events the watcher reports; the catch-up publishes only these.</param>
    /// <param name="watchManager">When given, the synthetic events carry the wd of their directory's watch.</param>
    public int CatchUp(IEnumerable<(string Path, bool Recursive)> roots, EventMask mask = EventMask.AllEvents, WatchManager? watchManager = null)
    {
        ArgumentNullException.ThrowIfNull(roots);
        if (_pump is null)
            throw new InvalidOperationException("Call StartAsync before CatchUp: it reads the state file the catch-up compares with.");
        var pairs = roots.Select(r => (Path.GetFullPath(r.Path), r.Recursive)).ToList();
        var list = pairs.Select(r => r.Item1).ToList();
        lock (_lock)
            _builder.SetRoots(list);
        if (_options.StatePath is null)
            return 0;
        var now = TreeState.Scan(pairs);
        if (_state is null)
        {
            _state = new TreeState(now);
            _state.Save(_options.StatePath);
            return 0;
        }
        var published = 0;
        foreach (var found in _state.Diff(now))
        {
            var change = found;
            if ((change.Mask & mask) == EventMask.CloseWrite && !WrittenAndClosed(ref change))
                continue; // its own IN_CLOSE_WRITE (the watches are up) reports it, with the whole content
            if ((change.Mask & mask & ~EventMask.IsDir) == 0)
            {
                Apply(change.Mask == EventMask.CloseWrite || (change.Mask & EventMask.Create) != 0
                    ? (change.Stamp.IsDir ? StateUpdate.SetTree : StateUpdate.Set) : StateUpdate.Remove, change.Path, change.Stamp);
                continue;
            }
            var inDirectory = !list.Contains(change.Path);
            var directory = inDirectory ? Path.GetDirectoryName(change.Path) ?? "/" : change.Path;
            lock (_lock)
            {
                var message = _builder.FromChange(change, watchManager?.GetWd(directory) ?? -1, inDirectory);
                if (Enqueue(message))
                    published++;
            }
        }
        LogCaughtUp(_logger, published, _options.StatePath);
        return published;
    }

    /// <summary>
    /// Whether a file the scan found written is done: not open for writing now (or not ours to ask). Then its stamp is
    /// read again, so a file closed since the scan gets the id its live IN_CLOSE_WRITE gets, and JetStream keeps one.
    /// </summary>
    private static bool WrittenAndClosed(ref TreeChange change)
    {
        if (LinuxFileSystem.Instance.Writers(change.Path) == WriteState.OpenForWriting)
            return false;
        if (FileStamp.Of(change.Path) is not { IsDir: false } now)
            return false; // gone since the scan: its IN_DELETE follows
        change = change with { Stamp = now };
        return true;
    }

    /// <summary>Queues one event for publishing. False when the buffer is full: the event is counted lost.</summary>
    public bool Publish(in InotifyEvent e)
    {
        lock (_lock)
            return Enqueue(_builder.FromEvent(in e, _state));
    }

    /// <summary>
    /// Stops taking events and sends what is buffered, waiting for its acknowledgements until
    /// <paramref name="cancellationToken"/> fires; then saves the state and closes the connection. What was not
    /// acknowledged by then is not in the state, so the next start's catch-up finds the files again.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        _buffer.Writer.TryComplete();
        if (_pump is { } pump)
        {
            try
            {
                await pump.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _abort.Cancel();
                await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        SaveState();
        await DisposeConnectionAsync().ConfigureAwait(false);
    }

    /// <summary>Stops at once (what is buffered stays unpublished), saves the state and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _buffer.Writer.TryComplete();
        _abort.Cancel();
        if (_pump is { } pump)
            await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        SaveState();
        await DisposeConnectionAsync().ConfigureAwait(false);
        _abort.Dispose();
    }

    /// <summary>Under <see cref="_lock"/>: the lost-events marker first when one is owed, then the message.</summary>
    private bool Enqueue(PendingMessage message)
    {
        if (_lostPending)
        {
            if (!_buffer.Writer.TryWrite(_builder.LostMarker()))
            {
                NatsMetrics.Lost();
                return false;
            }
            _lostPending = false;
        }
        if (_buffer.Writer.TryWrite(message))
            return true;
        _lostPending = true;
        NatsMetrics.Lost();
        LogLost(_logger, _options.BufferCapacity);
        return false;
    }

    private async Task PumpAsync()
    {
        var ct = _abort.Token;
        var batch = new List<PendingMessage>(_options.InFlight);
        try
        {
            await EnsureStreamAsync(ct).ConfigureAwait(false);
            while (await _buffer.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (batch.Count < _options.InFlight && _buffer.Reader.TryRead(out var m))
                    batch.Add(m);
                Volatile.Write(ref _sending, batch.Count);
                await SendAsync(batch, ct).ConfigureAwait(false);
                foreach (var m in batch)
                    Apply(m.Update, m.Path, m.Stamp);
                Volatile.Write(ref _sending, 0);
                batch.Clear();
                lock (_lock)
                    if (_lostPending && _buffer.Writer.TryWrite(_builder.LostMarker()))
                        _lostPending = false; // the loss is reported even when no event follows
                if (_buffer.Reader.Count == 0 || _sinceSave.Elapsed >= SaveInterval)
                    SaveState();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogPumpFailed(_logger, e);
            throw;
        }
    }

    /// <summary>Sends the batch at once, then again what was not acknowledged, until all of it is.</summary>
    private async Task SendAsync(List<PendingMessage> batch, CancellationToken ct)
    {
        var pending = batch;
        var results = new Task<bool>[batch.Count];
        for (var attempt = 0; pending.Count > 0; attempt++)
        {
            // One deadline for the whole round: a timer per message would cost more than the message.
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                timeout.CancelAfter(_options.AckTimeout);
                for (var i = 0; i < pending.Count; i++)
                {
                    if (attempt == 0)
                        NatsMetrics.Published();
                    results[i] = SendOneAsync(pending[i], timeout.Token, ct);
                }
                for (var i = 0; i < pending.Count; i++)
                    await results[i].ConfigureAwait(false); // never throws: a failure is false
            }
            var failed = new List<PendingMessage>();
            for (var i = 0; i < pending.Count; i++)
                if (!results[i].Result)
                    failed.Add(pending[i]);
            NatsMetrics.Acknowledged(pending.Count - failed.Count);
            if (failed.Count == 0)
                return;
            NatsMetrics.Retried(failed.Count);
            LogRetrying(_logger, failed.Count);
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 50 << Math.Min(attempt, 6))), ct).ConfigureAwait(false);
            await EnsureStreamAsync(ct, once: true).ConfigureAwait(false);
            pending = failed;
        }
    }

    /// <summary>True when acknowledged before <paramref name="deadline"/>; false on any failure (sent again later).</summary>
    private async Task<bool> SendOneAsync(PendingMessage m, CancellationToken deadline, CancellationToken ct)
    {
        try
        {
            var headers = new NatsHeaders { [HostHeader] = _options.Host };
            var ack = await _js!.PublishAsync(m.Subject, m.Body, NatsRawSerializer<byte[]>.Default,
                new NatsJSPubOpts { MsgId = m.Id, RetryAttempts = 1 }, headers, deadline).ConfigureAwait(false);
            if (!ack.Duplicate) // a duplicate is stored already: as good as an acknowledgement (EnsureSuccess would throw)
                ack.EnsureSuccess();
            return true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is not OutOfMemoryException)
        {
            LogSendFailed(_logger, m.Subject, e.Message);
            return false;
        }
    }

    /// <summary>Makes sure the stream exists; until then (server unreachable) tries again, or with <paramref name="once"/> gives up quietly.</summary>
    private async Task EnsureStreamAsync(CancellationToken ct, bool once = false)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.AckTimeout);
            try
            {
                await JetStreamStream.EnsureAsync(_js!, _options.Stream, _options.StreamSubjects, timeout.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is not OutOfMemoryException)
            {
                if (once)
                    return;
                LogSendFailed(_logger, _options.Stream, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 50 << Math.Min(attempt, 6))), ct).ConfigureAwait(false);
            }
        }
    }

    private void Apply(StateUpdate update, string? path, FileStamp stamp)
    {
        if (_state is null || path is null)
            return;
        switch (update)
        {
            case StateUpdate.Set: _state.Set(path, stamp); break;
            case StateUpdate.Remove: _state.Remove(path); break;
            case StateUpdate.SetTree: _state.SetTree(path); break;
        }
    }

    private void SaveState()
    {
        if (_state is not { Dirty: true } || _options.StatePath is not { } file)
            return;
        try
        {
            _state.Save(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogSaveFailed(_logger, file, e.Message); // the publishing goes on; the next save tries again
        }
        _sinceSave.Restart();
    }

    private async Task DisposeConnectionAsync()
    {
        NatsMetrics.Untrack(this);
        if (Interlocked.Exchange(ref _connection, null) is { } connection)
            await connection.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(1, LogLevel.Warning, "JetStream publisher buffer full ({Capacity} messages): events lost until it drains")]
    private static partial void LogLost(ILogger logger, int capacity);

    [LoggerMessage(2, LogLevel.Debug, "Publishing to {Subject} failed, will retry: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string subject, string reason);

    [LoggerMessage(3, LogLevel.Information, "{Count} messages not acknowledged; sending them again")]
    private static partial void LogRetrying(ILogger logger, int count);

    [LoggerMessage(4, LogLevel.Error, "Could not save the publisher state to {File}: {Reason}")]
    private static partial void LogSaveFailed(ILogger logger, string file, string reason);

    [LoggerMessage(6, LogLevel.Information, "Catch-up: {Count} events for what changed since the state in {File}")]
    private static partial void LogCaughtUp(ILogger logger, int count, string file);

    [LoggerMessage(5, LogLevel.Error, "The JetStream publisher stopped")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception);
}
