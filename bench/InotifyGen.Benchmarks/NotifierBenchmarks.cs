using BenchmarkDotNet.Attributes;
using Microsoft.Win32.SafeHandles;

namespace InotifyGen.Benchmarks;

/// <summary>
/// The synchronous path end to end against the kernel: 512 real IN_MODIFY events are queued (writes alternating
/// between two files, so the kernel does not merge them), then Notifier.ReadEvents and ProcessEvents read and
/// dispatch them to a generated no-op handler. The allocation column is per dispatched event: it must be 0.
/// </summary>
public class NotifierBenchmarks
{
    private const int Events = 512;
    private string _root = "";
    private WatchManager? _wm;
    private Notifier? _notifier;
    private SafeFileHandle? _a, _b;
    private readonly byte[] _byte = [1];
    private readonly ModifyCounter _handler = new();

    /// <summary>Watches a fresh directory with two open files.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine("/dev/shm", $"inotifygen-notifier-{Environment.ProcessId}");
        Directory.CreateDirectory(_root);
        _a = File.OpenHandle(Path.Combine(_root, "a"), FileMode.Create, FileAccess.Write);
        _b = File.OpenHandle(Path.Combine(_root, "b"), FileMode.Create, FileAccess.Write);
        _wm = new WatchManager();
        _wm.AddWatch(_root, handler: _handler, quiet: false);
        _notifier = new Notifier(_wm, _handler);
    }

    /// <summary>Closes everything.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _notifier?.Dispose();
        _a?.Dispose();
        _b?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Queue 512 events, read them in one read(), dispatch them. Per event: the kernel's work included.</summary>
    [Benchmark(OperationsPerInvoke = Events, Description = "write + ReadEvents + ProcessEvents, per event")]
    public long ReadAndDispatch()
    {
        for (var i = 0; i < Events; i += 2)
        {
            RandomAccess.Write(_a!, _byte, 0);
            RandomAccess.Write(_b!, _byte, 0);
        }
        _notifier!.ReadEvents();
        _notifier.ProcessEvents();
        return _handler.Count;
    }
}

/// <summary>A generated no-op handler for IN_MODIFY.</summary>
public sealed partial class ModifyCounter : ProcessEvent
{
    /// <summary>Events handled.</summary>
    public long Count;

    private void process_IN_MODIFY(InotifyEvent e) => Count++;
}
