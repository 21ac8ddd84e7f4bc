using System.Runtime.CompilerServices;

namespace InotifyGen.Benchmarks;

/// <summary>
/// bench/InotifyGen.Benchmarks/MemorySynthetic.cs for the library before the path tree (bench/memory/run copies it
/// into a build of the merge base): the same tree, added to the old path-keyed table the way AddWatch added them
/// (a path string per watch, the settings per watch).
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
        var (live1, rss1) = Settle();
        var lengths = ReadPaths(table);
        var (live2, rss2) = Settle();
        Console.WriteLine(
            $"{{\"watches\": {n}, \"live_per_watch\": {(live1 - live0) / (double)n:F1}, " +
            $"\"rss_per_watch\": {(rss1 - rss0) / (double)n:F1}, \"live_per_watch_paths_read\": {(live2 - live0) / (double)n:F1}, " +
            $"\"rss_per_watch_paths_read\": {(rss2 - rss0) / (double)n:F1}, \"path_chars\": {lengths}}}");
        GC.KeepAlive(table);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WatchTable Build(int n)
    {
        var table = new WatchTable();
        var wd = 1;
        void Add(string path)
        {
            var w = new Watch(wd++, path, EventMask.Create, null, false, null, isDir: true) { Tracked = true };
            table.Add(w);
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
