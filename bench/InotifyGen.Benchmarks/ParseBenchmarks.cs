using BenchmarkDotNet.Attributes;

namespace InotifyGen.Benchmarks;

/// <summary>Parsing one 64 KiB read() buffer (2,048 events of 32 bytes) in place with the runtime's RawEventReader.</summary>
public class ParseBenchmarks
{
    private byte[] _buffer = [];

    /// <summary>Events in the buffer.</summary>
    public int Events { get; private set; }

    /// <summary>Builds the buffer.</summary>
    [GlobalSetup]
    public void Setup() => (_buffer, Events) = EventBuffers.Build(64 * 1024);

    /// <summary>Walks every record: header fields and the name slice up to its NUL.</summary>
    [Benchmark(Description = "Parse 64 KiB buffer (2,048 events)")]
    public long Parse64KiB()
    {
        long sum = 0;
        var offset = 0;
        var span = (ReadOnlySpan<byte>)_buffer;
        while (RawEventReader.TryRead(span, ref offset, out var wd, out var mask, out var cookie, out var name))
            sum += wd + (uint)mask + cookie + name.Length;
        return sum;
    }
}
