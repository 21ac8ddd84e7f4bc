using System.Diagnostics;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace InotifyGen.Benchmarks;

/// <summary>
/// Memory per watch, outside BenchmarkDotNet (bench/memory/run drives it): <c>memory real ROOT</c> watches ROOT
/// recursively and prints, as one JSON line, the live bytes on the GC heap and the RSS the watches added, per watch,
/// then the same once every watch's path has been asked for (the derived-path cache), and the bytes the set-up
/// allocated per watch (live or not). Only public API, so the same
/// file builds against the library before the path tree. <c>memory synthetic N</c> (MemorySynthetic.cs) measures the
/// table alone on N nodes, without the kernel.
/// </summary>
internal static partial class MemoryMeasure
{
    public static int Run(string[] args)
    {
        if (args is ["real", var root])
            return Real(root);
        var handled = false;
        Synthetic(args, ref handled);
        if (handled)
            return 0;
        Console.Error.WriteLine("usage: memory real ROOT | memory synthetic N");
        return 2;
    }

    static partial void Synthetic(string[] args, ref bool handled);

    private static int Real(string root)
    {
        var (live0, rss0) = Settle();
        var wm = new WatchManager();
        var watches = Setup(wm, root, out var setup);
        var (live1, rss1) = Settle();
        var lengths = ReadPaths(wm);
        var (live2, rss2) = Settle();
        Console.WriteLine(
            $"{{\"watches\": {watches}, \"setup_s\": {setup:F2}, \"live_per_watch\": {(live1 - live0) / (double)watches:F1}, " +
            $"\"rss_per_watch\": {(rss1 - rss0) / (double)watches:F1}, \"live_per_watch_paths_read\": {(live2 - live0) / (double)watches:F1}, " +
            $"\"rss_per_watch_paths_read\": {(rss2 - rss0) / (double)watches:F1}, \"path_chars\": {lengths}, " +
            $"\"allocated_per_watch\": {SetupAllocated / (double)watches:F1}}}");
        GC.KeepAlive(wm);
        wm.Dispose();
        return 0;
    }

    /// <summary>Bytes allocated by the last <see cref="Setup"/>, live or not: what the set-up gives the GC to do.</summary>
    private static long SetupAllocated;

    // Not inlined: unoptimised (tier-0) code keeps temporaries alive to the end of the method, and the AddWatch
    // results (one path string each) and the Watches snapshot must be garbage when the heap is measured.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Setup(WatchManager wm, string root, out double seconds)
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var watches = wm.AddWatch(root, EventMask.Create, recursive: true, quiet: false).Count;
        seconds = watch.Elapsed.TotalSeconds;
        SetupAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        return watches;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static long ReadPaths(WatchManager wm)
    {
        long lengths = 0;
        foreach (var w in wm.Watches.Values)
            lengths += w.Path.Length;
        return lengths;
    }

    /// <summary>
    /// Live bytes after a full compacting collection (large objects too), and VmRSS, in bytes. With
    /// INOTIFYGEN_MEMORY_AGGRESSIVE=1 the collection is GCCollectionMode.Aggressive, which also gives the free space the
    /// GC keeps for later allocations back to the system (what a daemon's RSS settles to only under memory pressure).
    /// </summary>
    internal static (long Live, long Rss) Settle()
    {
        var mode = Environment.GetEnvironmentVariable("INOTIFYGEN_MEMORY_AGGRESSIVE") == "1" ? GCCollectionMode.Aggressive : GCCollectionMode.Forced;
        for (var i = 0; i < 2; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, mode, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        var live = GC.GetTotalMemory(forceFullCollection: false);
        long rss = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                rss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return (live, rss);
    }
}
