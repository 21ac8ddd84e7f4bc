using System.Diagnostics;
using InotifyGen.Tests.Support;
using Xunit.Abstractions;

namespace InotifyGen.Tests.Semantics;

[Collection(nameof(SemanticsCollection))]
public class LeakTests(ITestOutputHelper output)
{
    private static int OpenFds() => Directory.GetFiles("/proc/self/fd").Length;

    // The fds a WatchManager and a notifier own (inotify instances and wake-up eventfds): the total also moves with
    // the test host's own pipes and files, which are not ours to count.
    private static int InotifyFds() => Directory.GetFiles("/proc/self/fd").Count(fd =>
    {
        try { return new FileInfo(fd).LinkTarget is { } t && (t.Contains("inotify", StringComparison.Ordinal) || t.Contains("eventfd", StringComparison.Ordinal)); }
        catch (IOException) { return false; }
    });
    // The runtime's thread-pool workers come and go on their own; every other thread must be back to the start.
    private static int Threads() => Directory.GetDirectories("/proc/self/task").Count(t => !Comm(t).StartsWith(".NET TP Worker", StringComparison.Ordinal));
    private static string Comm(string task)
    {
        try { return File.ReadAllText(Path.Combine(task, "comm")).Trim(); }
        catch (IOException) { return "?"; }
    }
    private static string ThreadNames() => string.Join(",", Directory.GetDirectories("/proc/self/task")
        .Select(t => { try { return File.ReadAllText(Path.Combine(t, "comm")).Trim(); } catch (IOException) { return "?"; } }).Order());

    [Fact]
    public void CreateAndDispose_1000Cycles_FdAndThreadCountsReturnToStart()
    {
        using var dir = new TempDir(tmpfs: true);
        Directory.CreateDirectory(dir["a/b"]);
        Cycle(dir, 5); // warm up: the runtime's own lazily created fds and threads are not ours
        var fds = OpenFds();
        var ownFds = InotifyFds();
        var threads = Threads();
        var names = ThreadNames();
        var peakFds = 0;
        var watch = Stopwatch.StartNew();

        for (var i = 0; i < 1000; i++)
        {
            Cycle(dir, 1, stopFirst: i % 2 == 0);
            if (i % 100 == 0)
                peakFds = Math.Max(peakFds, OpenFds());
        }

        // Thread exit is asynchronous after Join returns on some runtimes: wait (with a deadline) for it to settle.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((InotifyFds() > ownFds || Threads() > threads) && DateTime.UtcNow < deadline)
            Thread.Sleep(10);
        var line = $"leaks: 1000 WatchManager+ThreadedNotifier cycles in {watch.ElapsedMilliseconds} ms; " +
                   $"all fds {fds} -> {OpenFds()} (peak sampled {peakFds}), inotify+eventfd fds {ownFds} -> {InotifyFds()}, threads {threads} -> {Threads()}";
        output.WriteLine(line);
        ResultsFile.Append(line);
        Assert.Equal(ownFds, InotifyFds());
        Assert.True(OpenFds() <= fds + 4, line); // a little slack for the host, nothing like one fd per cycle
        Assert.True(Threads() <= threads, line + "\nbefore: " + names + "\nafter:  " + ThreadNames());
    }

    private static void Cycle(TempDir dir, int times, bool stopFirst = false)
    {
        for (var i = 0; i < times; i++)
        {
            var wm = new WatchManager();
            var notifier = new ThreadedNotifier(wm, new DelegateHandler(_ => { }));
            wm.AddWatch(dir.Path, EventMask.AllEvents, recursive: true, autoAdd: true);
            notifier.Start();
            if (stopFirst)
                notifier.Stop();
            notifier.Dispose();
            wm.Dispose(); // idempotent after the notifier closed it
        }
    }
}
