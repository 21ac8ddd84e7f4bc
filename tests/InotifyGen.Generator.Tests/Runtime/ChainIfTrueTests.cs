namespace InotifyGen.Generator.Tests.Runtime;

/// <summary>ChainIfTrue: pyinotify's filter whose process_default returns <c>not func(event)</c>.</summary>
public sealed class ChainIfTrueTests
{
    [Fact]
    public void Invoke_ReturnsTheNegatedPredicate_SoFalseStopsTheChain()
    {
        var chain = new ChainIfTrue(e => e.Name == "keep");

        Assert.False(Invoke(chain, EventMask.Create, "keep"u8));
        Assert.True(Invoke(chain, EventMask.Create, "drop"u8));
    }

    [Fact]
    public void QueueOverflow_NeverReachesThePredicate()
    {
        var calls = 0;
        var chain = new ChainIfTrue(_ => { calls++; return false; });

        Assert.False(Invoke(chain, EventMask.QueueOverflow, default));
        Assert.Equal(0, calls);
    }

    [Fact]
    public void HandledMask_IsAllEvents() => Assert.Equal(EventMask.AllEvents, new ChainIfTrue(_ => true).HandledMask);

    [Fact]
    public void Constructor_NullPredicate_Throws() => Assert.Throws<ArgumentNullException>(() => new ChainIfTrue(null!));

    private static bool Invoke(ProcessEvent handler, EventMask mask, ReadOnlySpan<byte> name)
    {
        var e = new InotifyEvent(1, mask, 0, name, watch: null);
        return handler.Invoke(in e);
    }
}
