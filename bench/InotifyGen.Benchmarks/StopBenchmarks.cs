using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Win32.SafeHandles;

namespace InotifyGen.Benchmarks;

/// <summary>
/// How long <see cref="ThreadedNotifier.Stop"/> takes with a backlog: 16,384 real IN_MODIFY events queued (the default
/// fs.inotify.max_queued_events) and a handler that takes 1 ms per event, so dispatching the backlog would take 16 s.
/// Stop must return within 100 ms, whatever is queued.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 10, invocationCount: 1)]
public partial class StopBenchmarks
{
    private const int Events = 16_384;
    private string _root = "";
    private WatchManager? _wm;
    private ThreadedNotifier? _notifier;
    private SlowHandler? _handler;

    /// <summary>A watched directory with the kernel queue full of events, and the notifier dispatching them.</summary>
    [IterationSetup]
    public void Setup()
    {
        _root = Path.Combine("/dev/shm", $"inotifygen-stop-{Environment.ProcessId}");
        Directory.CreateDirectory(_root);
        _handler = new SlowHandler();
        _wm = new WatchManager();
        _wm.AddWatch(_root, EventMask.Modify, _handler, quiet: false);
        using (SafeFileHandle a = File.OpenHandle(Path.Combine(_root, "a"), FileMode.Create, FileAccess.Write),
               b = File.OpenHandle(Path.Combine(_root, "b"), FileMode.Create, FileAccess.Write))
        {
            byte[] one = [1];
            for (var i = 0; i < Events; i += 2)
            {
                RandomAccess.Write(a, one, 0);
                RandomAccess.Write(b, one, 0);
            }
        }
        _notifier = new ThreadedNotifier(_wm, _handler);
        _notifier.Start();
        if (!_handler.Started.Wait(TimeSpan.FromSeconds(30)))
            throw new InvalidOperationException("the notifier dispatched nothing in 30 s");
    }

    /// <summary>Stops the notifier in the middle of its backlog (from another thread) and waits for its thread to end.</summary>
    [Benchmark(Description = "ThreadedNotifier.Stop with 16,384 events queued, 1 ms handler")]
    public void Stop() => _notifier!.Stop();

    /// <summary>Checks the backlog was really there, and cleans up.</summary>
    [IterationCleanup]
    public void Cleanup()
    {
        if (_handler!.Count > Events / 2)
            throw new InvalidOperationException($"the handler saw {_handler.Count} events before Stop: no backlog was left to stop in");
        _notifier!.Dispose();
        _wm!.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>A generated handler that takes 1 ms per IN_MODIFY.</summary>
    public sealed partial class SlowHandler : ProcessEvent
    {
        /// <summary>Set at the first event.</summary>
        public ManualResetEventSlim Started { get; } = new();

        /// <summary>Events handled.</summary>
        public int Count;

        private void process_IN_MODIFY(InotifyEvent e)
        {
            Count++;
            Started.Set();
            Thread.Sleep(1);
        }
    }
}
