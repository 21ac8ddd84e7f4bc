using System.Runtime.CompilerServices;

namespace InotifyGen.Benchmarks;

/// <summary>
/// The watch table alone, no kernel: N watches in a tree shaped like bench/memory's (fan-out 100 at each level below
/// the root), added as AddWatch adds them (one settings object per tree). Live bytes and RSS per watch, then again
/// once every path has been derived and cached.
/// </summary>
internal static partial class MemoryMeasure
{
    static partial void Synthetic(string[] args, ref bool handled)
    {
        if (args is not ["synthetic", var count])
            return;
        handled = true;
        var n = int.Parse(count, System.Globalization.CultureInfo.InvariantCulture);
        var (live0, rss0) = Settle();
        var table = Build(n);
        var added = n;
        var (live1, rss1) = Settle();
        var lengths = ReadPaths(table);
        var (live2, rss2) = Settle();
        Console.WriteLine(
            $"{{\"watches\": {added}, \"nodes\": {table.NodeCount}, \"live_per_watch\": {(live1 - live0) / (double)added:F1}, " +
            $"\"rss_per_watch\": {(rss1 - rss0) / (double)added:F1}, \"live_per_watch_paths_read\": {(live2 - live0) / (double)added:F1}, " +
            $"\"rss_per_watch_paths_read\": {(rss2 - rss0) / (double)added:F1}, \"path_chars\": {lengths}}}");
        GC.KeepAlive(table);
    }

    // Not inlined, so that no temporary of the build is still reported live when the heap is measured.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WatchTable Build(int n)
    {
        var table = new WatchTable();
        var settings = new WatchSettings(EventMask.Create, null, false, null, null);
        var wd = 1;
        void Add(string path)
        {
            var w = new Watch(wd++, settings, isDir: true) { Tracked = true };
            table.Add(w, path);
        }
        const string root = "/dev/shm/inotifygen-memory";
        Add(root);
        for (var i = 0; wd <= n && i < 100; i++)
        {
            var a = $"{root}/d{i}";
            Add(a);
            for (var j = 0; wd <= n && j < 100; j++)
            {
                var b = $"{a}/d{j}";
                Add(b);
                for (var k = 0; wd <= n && k < 100; k++)
                    Add($"{b}/d{k}");
            }
        }
        return table;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long ReadPaths(WatchTable table)
    {
        long lengths = 0;
        foreach (var w in table.LiveWatches)
            lengths += w.Path.Length;
        return lengths;
    }
}
