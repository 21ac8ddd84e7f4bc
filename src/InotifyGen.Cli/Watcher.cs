using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using InotifyGen.Cli.Output;
using Microsoft.Extensions.Logging;

namespace InotifyGen.Cli;

/// <summary>
/// The running command: sets the watches up, prints each event, and stops on -1, -t, SIGINT or SIGTERM.
/// Everything happens on the calling thread (the notifier's loop); signal handlers only ask the loop to stop.
/// Each batch of events is formatted into one reused byte buffer and written with one write(2) after the batch
/// (<see cref="OutputFd"/>); a batch larger than <see cref="FlushAt"/> is written in parts.
/// </summary>
internal sealed class Watcher
{
    /// <summary>How often the loop wakes up, when -t or -s needs a clock.</summary>
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StatsInterval = TimeSpan.FromSeconds(5);
    private const int FlushAt = 1 << 20;

    private readonly CliOptions _o;
    private readonly OutputFd _out;
    private readonly ByteBuffer _pending = new(64 * 1024);
    private readonly EventPaths _paths = new();
    private readonly byte _terminator;
    private readonly TextWriter _status;
    private readonly bool _colour;
    private readonly bool _printEvents;
    private readonly string? _outFilePath;
    private readonly byte[]? _outFileName;
    private readonly EventFormatter _formatter;
    private readonly PathFilter _filter;
    private readonly BatchCommand? _command;
    private readonly Nats.JetStreamPublisher? _publisher;
    private readonly Stats? _stats;
    private readonly Stopwatch _sinceEvent = Stopwatch.StartNew();
    private readonly Stopwatch _sinceStats = Stopwatch.StartNew();
    private bool _statsDirty;
    private bool _gotEvent;
    private bool _batchHadEvent;
    private int _exitCode;

    public Watcher(CliOptions o, OutputFd output, bool outputIsTerminal, TextWriter status)
    {
        _o = o;
        _out = output;
        _terminator = o.Print0 ? (byte)0 : (byte)'\n';
        _status = status;
        _colour = o.Output == OutputKind.Raw && !o.RawFormat && outputIsTerminal
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        _formatter = EventFormatter.Create(o);
        _filter = new PathFilter(o);
        _command = o.Command is { } c ? new BatchCommand(c, status) : null;
        _stats = o.Stats ? new Stats() : null;
        // pyinotify's -s replaces the event lines with the stats, and --publish sends them away; an explicit output
        // format (or -o) keeps them.
        _printEvents = (!o.Stats && o.Publish is null) || o.OutputChosen || (o.Publish is not null && o.OutFile is not null);
        _outFilePath = o.OutFile is { } f ? Path.GetFullPath(f) : null;
        _outFileName = _outFilePath is null ? null : Encoding.UTF8.GetBytes(Path.GetFileName(_outFilePath));
        if (o.Publish is { } publish)
            _publisher = new Nats.JetStreamPublisher(publish, new StderrLogger(status, o.Verbose ? LogLevel.Debug : LogLevel.Warning));
    }

    /// <summary>Watches until told to stop; returns the exit code (0, or 2 on -t timeout).</summary>
    public int Run()
    {
        try
        {
            return Watch();
        }
        finally
        {
            _publisher?.DisposeAsync().AsTask().GetAwaiter().GetResult(); // after a failed start too: no connection left behind
        }
    }

    private int Watch()
    {
        var logger = new StderrLogger(_status, _o.Verbose ? LogLevel.Debug : LogLevel.Warning);
        WatchManager wm;
        try
        {
            wm = new WatchManager(_o.Backend, _o.Glob ? null : _o.Paths, logger: logger);
        }
        catch (InotifyException e)
        {
            throw new RuntimeFailureException(e.Message);
        }
        using var notifier = new Notifier(wm, new DelegateHandler(OnEvent), timeout: _o.TimeoutSeconds is not null || _stats is not null ? Tick : null,
            logger: logger)
        {
            StopOnCtrlC = false, // SIGINT and SIGTERM are handled below, the same way
            RescanOnOverflow = _o.RescanOnOverflow,
            CompleteFiles = _o.CompleteFiles,
        };
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; notifier.Stop(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; notifier.Stop(); });

        _publisher?.StartAsync().GetAwaiter().GetResult();
        new WatchSetup(wm, _o, _filter, _status, IsTerminal(_status)).Run();
        // With the watches up, what changed while no watcher ran (--state) is published before the first event.
        _publisher?.CatchUp(_o.Paths, _o.Recursive, _o.Mask, wm);
        // A daemon announces itself only once its watches are up, so its parent can report a failed start.
        using var pidFile = _o.Daemon && InotifyGen.Daemon.DaemonProcess.IsDetachedChild ? DaemonMode.AcquirePidFile(_o) : null;
        _sinceEvent.Restart();
        try
        {
            notifier.Loop(AfterBatch);
            // Whatever ended the loop (a signal, -1, -t), what was printed reaches its reader, and what was published
            // its stream (as long as the server answers within PublishDrain).
            Flush();
            StopPublisher();
            _command?.RunIfAny();
            if (_stats is not null)
                PrintStats();
        }
        catch (OutputWriteException e) when (e.IsBrokenPipe)
        {
            return Program.ExitOk; // the reader went away (`inotifygen | head -1`): nothing more to do
        }
        catch (OutputWriteException e)
        {
            throw new RuntimeFailureException($"{e.Message}; watching stopped");
        }
        return _exitCode;
    }

    /// <summary>How long an exit waits for the acknowledgements of what is still buffered for --publish.</summary>
    private static readonly TimeSpan PublishDrain = TimeSpan.FromSeconds(10);

    private void StopPublisher()
    {
        if (_publisher is null)
            return;
        using var deadline = new CancellationTokenSource(PublishDrain);
        _publisher.StopAsync(deadline.Token).GetAwaiter().GetResult();
        if (_publisher.Buffered > 0)
            _status.WriteLine($"inotifygen: warning: {_publisher.Buffered} events not acknowledged by the server before exit; --state finds their files again on the next start");
    }

    private void OnEvent(InotifyEvent e)
    {
        if (_o.Once && _gotEvent)
            return; // -1: the rest of the batch is not reported
        if (e.Watch is not null && !_filter.IsEmpty && !_filter.Reports(e.PathName))
            return;
        if (_outFileName is not null && e.NameBytes.SequenceEqual(_outFileName) && e.PathName == _outFilePath)
            return; // our own writes to -o FILE would feed back forever
        _gotEvent = true;
        _batchHadEvent = true; // -t's clock restarts after the batch: a clock read per event costs more than the rest
        if (_stats is not null)
        {
            _stats.Invoke(in e);
            _statsDirty = true;
        }
        _publisher?.Publish(in e);
        if (!_printEvents && _command is null)
            return;
        var record = _paths.Record(in e);
        var start = _pending.Length;
        if (_printEvents)
        {
            _formatter.Format(in record, _colour, _pending);
            _pending.Append(_terminator);
        }
        if (_command is not null)
        {
            _command.Add(in e);
            if (_printEvents && !_colour)
                _command.Stdin.Append(_pending.Written[start..]); // the same bytes: format once
            else
            {
                _formatter.Format(in record, false, _command.Stdin);
                _command.Stdin.Append(_terminator);
            }
        }
        if (_pending.Length >= FlushAt)
            Flush();
    }

    /// <summary>Writes what the batch printed so far (one write(2)).</summary>
    private void Flush()
    {
        if (_pending.Length == 0)
            return;
        _out.Write(_pending.Written);
        _pending.Clear();
    }

    /// <summary>Runs after each batch and, with -t or -s, on every tick. Returning true ends the loop.</summary>
    private bool AfterBatch(Notifier notifier)
    {
        if (_batchHadEvent)
        {
            _sinceEvent.Restart();
            _batchHadEvent = false;
        }
        Flush();
        _command?.RunIfAny();
        if (_stats is not null && _statsDirty && _sinceStats.Elapsed >= StatsInterval)
            PrintStats();
        if (_o.Once && _gotEvent)
            return true;
        if (_o.TimeoutSeconds is { } t && _sinceEvent.Elapsed.TotalSeconds >= t)
        {
            _exitCode = 2; // inotifywait's code for a timeout
            return true;
        }
        return false;
    }

    /// <summary>pyinotify's -s output: the Stats repr on one line, then its bar chart.</summary>
    private void PrintStats()
    {
        _sinceStats.Restart();
        _statsDirty = false;
        var chart = _stats!.ToChart();
        _pending.AppendText(_stats + "\n" + chart + (chart.Length > 0 ? "\n" : ""));
        Flush();
    }

    internal static bool IsTerminal(TextWriter w) =>
        ReferenceEquals(w, Console.Error) ? !Console.IsErrorRedirected
        : ReferenceEquals(w, Console.Out) && !Console.IsOutputRedirected;
}
