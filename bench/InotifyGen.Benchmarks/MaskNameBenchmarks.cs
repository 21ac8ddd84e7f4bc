using BenchmarkDotNet.Attributes;

namespace InotifyGen.Benchmarks;

/// <summary>EventsCodes.MaskName: precomputed for what the kernel delivers, built for anything else.</summary>
public class MaskNameBenchmarks
{
    // Fields, so the JIT cannot fold the argument.
    private EventMask _create = EventMask.Create;
    private EventMask _createDir = EventMask.Create | EventMask.IsDir;
    private EventMask _combined = EventMask.Create | EventMask.Delete | EventMask.CloseWrite;

    /// <summary>One event, as the kernel delivers it.</summary>
    [Benchmark(Description = "MaskName(IN_CREATE)")]
    public string Single() => EventsCodes.MaskName(_create);

    /// <summary>One event on a directory.</summary>
    [Benchmark(Description = "MaskName(IN_CREATE|IN_ISDIR)")]
    public string WithIsDir() => EventsCodes.MaskName(_createDir);

    /// <summary>A user's mask of several events: not precomputed, so it builds a string.</summary>
    [Benchmark(Description = "MaskName(IN_CLOSE_WRITE|IN_CREATE|IN_DELETE)")]
    public string Combined() => EventsCodes.MaskName(_combined);
}
