using BenchmarkDotNet.Attributes;

namespace InotifyGen.Benchmarks;

/// <summary>
/// GetWd and GetPath with 100,000 real watches: a recursive watch on a tree of directories on tmpfs.
/// INOTIFYGEN_BENCH_WATCHES changes the count (the watch limit is per user and shared with other processes).
/// </summary>
public class WatchLookupBenchmarks
{
    private const int Lookups = 1024;
    private string _root = "";
    private WatchManager? _wm;
    private readonly string[] _paths = new string[Lookups];
    private readonly int[] _wds = new int[Lookups];

    /// <summary>Watches held during the benchmark.</summary>
    public int Watches { get; private set; }

    /// <summary>Creates root/dNNN/dNN (100 leaves a parent) and watches it all.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var leaves = int.TryParse(Environment.GetEnvironmentVariable("INOTIFYGEN_BENCH_WATCHES"), out var n) ? n : 100_000;
        _root = Path.Combine("/dev/shm", $"inotifygen-lookup-{Environment.ProcessId}");
        for (var d = 0; d < leaves; d++)
            Directory.CreateDirectory(Path.Combine(_root, $"d{d / 100:D3}", $"d{d % 100:D2}"));
        _wm = new WatchManager();
        var added = _wm.AddWatch(_root, EventMask.Create, recursive: true, quiet: false);
        Watches = added.Count;
        var all = added.ToArray();
        var random = new Random(42);
        for (var i = 0; i < Lookups; i++)
        {
            var (path, wd) = all[random.Next(all.Length)];
            _paths[i] = path;
            _wds[i] = wd;
        }
        Console.WriteLine($"// {Watches} watches");
    }

    /// <summary>Removes the watches and the tree.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _wm?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Path to wd (pyinotify's get_wd walks every watch; this is a dictionary lookup).</summary>
    [Benchmark(OperationsPerInvoke = Lookups, Description = "GetWd(path), 100,000 watches")]
    public int GetWd()
    {
        var sum = 0;
        foreach (var p in _paths)
            sum += _wm!.GetWd(p) ?? 0;
        return sum;
    }

    /// <summary>Wd to path.</summary>
    [Benchmark(OperationsPerInvoke = Lookups, Description = "GetPath(wd), 100,000 watches")]
    public int GetPath()
    {
        var sum = 0;
        foreach (var wd in _wds)
            sum += _wm!.GetPath(wd)?.Length ?? 0;
        return sum;
    }
}
