using InotifyGen.Generator.Tests.Handlers;

namespace InotifyGen.Generator.Tests;

/// <summary>The generated dispatch allocates nothing per event once warm.</summary>
public sealed class AllocationTests
{
    // Ten masks, so 10,000 events give 1,000 of each: every rank, a bool method, IN_ISDIR, and the base's overflow path.
    private static readonly EventMask[] Masks =
    {
        EventMask.Create, EventMask.Create | EventMask.IsDir, EventMask.CloseWrite, EventMask.CloseNoWrite,
        EventMask.MovedFrom, EventMask.MovedTo, EventMask.Delete, EventMask.DeleteSelf, EventMask.Modify,
        EventMask.QueueOverflow,
    };

    [Fact]
    public void Invoke_TenThousandEvents_AllocatesZeroBytes()
    {
        var handler = new CountingHandler();
        ReadOnlySpan<byte> name = "file.txt"u8;
        Dispatch(handler, name, 10_000); // warm up: JIT tiers, static constructors

        var before = GC.GetAllocatedBytesForCurrentThread();
        Dispatch(handler, name, 10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        // The events really went where they should: 2 rounds x 1,000 per mask.
        Assert.Equal(4_000, handler.Created);   // CREATE, CREATE|ISDIR
        Assert.Equal(4_000, handler.Closed);    // both closes, to the family method
        Assert.Equal(4_000, handler.Moved);     // MOVED_FROM, MOVED_TO
        Assert.Equal(4_000, handler.Stopped);   // DELETE, and DELETE_SELF through the DELETE family
        Assert.Equal(2_000, handler.Other);     // MODIFY; the overflow never reaches the default method
    }

    private static void Dispatch(ProcessEvent handler, ReadOnlySpan<byte> name, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var e = new InotifyEvent(1, Masks[i % Masks.Length], 0, name, watch: null);
            handler.Invoke(in e);
        }
    }
}
