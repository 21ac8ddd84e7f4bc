namespace InotifyGen.Tests;

public class EventTableTests
{
    [Fact]
    public void EveryAttributeNamedInTheTable_ExistsInTheRuntime_AndEveryHandlerAttributeIsInTheTable()
    {
        var runtime = typeof(ProcessEvent).Assembly;
        var named = EventTable.Handlers.Select(h => h.Attribute).OfType<string>().Append(EventTable.MaskAttribute).ToHashSet();
        var declared = runtime.GetTypes().Where(t => t.IsSubclassOf(typeof(HandlerAttribute)) && !t.IsAbstract).Select(t => t.Name).ToHashSet();
        Assert.Equal(named.Order(), declared.Order());
        Assert.All(declared, n => Assert.Equal(EventTable.AttributeNamespace, runtime.GetType(EventTable.AttributeNamespace + "." + n)!.Namespace));
    }

    [Theory]
    [InlineData(EventMask.Create, "IN_CREATE")]
    [InlineData(EventMask.Create | EventMask.IsDir, "IN_CREATE|IN_ISDIR")]
    [InlineData(EventMask.QueueOverflow, "IN_Q_OVERFLOW")]
    [InlineData(EventMask.Close, "IN_CLOSE_WRITE|IN_CLOSE_NOWRITE")]
    [InlineData(EventMask.Modify | EventMask.OneShot, "IN_MODIFY|IN_ONESHOT")]
    [InlineData(EventMask.Delete | (EventMask)0x100000, "IN_DELETE|0x100000")]
    [InlineData(EventMask.None, "0")]
    public void MaskName_NamesEveryBit_WithIsDirLast(EventMask mask, string expected) =>
        Assert.Equal(expected, EventsCodes.MaskName(mask));

    [Fact]
    public void MaskName_OfAKernelMask_DoesNotAllocate()
    {
        _ = EventsCodes.MaskName(EventMask.Create | EventMask.IsDir);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
            _ = EventsCodes.MaskName(EventMask.MovedTo | EventMask.IsDir);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void TryParse_AcceptsInNames_AndNamesTheFirstUnknownOne()
    {
        Assert.True(EventsCodes.TryParse(["IN_CREATE", " IN_DELETE", "IN_CLOSE"], out var mask, out _));
        Assert.Equal(EventMask.Create | EventMask.Delete | EventMask.Close, mask);
        Assert.True(EventsCodes.TryParse(["ALL_EVENTS"], out mask, out _));
        Assert.Equal(EventMask.AllEvents, mask);
        Assert.False(EventsCodes.TryParse(["IN_CREATE", "IN_BOGUS"], out _, out var unknown));
        Assert.Equal("IN_BOGUS", unknown);
    }

    [Fact]
    public void PyinotifyConstants_HaveTheKernelValues()
    {
        Assert.Equal(0xfffu, (uint)EventsCodes.ALL_EVENTS);
        Assert.Equal(0x40000000u, (uint)EventsCodes.IN_ISDIR);
        Assert.Equal(0x100u, (uint)EventsCodes.IN_CREATE);
        Assert.Equal(0x4000u, (uint)EventsCodes.IN_Q_OVERFLOW);
    }
}
