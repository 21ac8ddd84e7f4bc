using System.Diagnostics;
using InotifyGen.Tests.Support;

namespace InotifyGen.Async.Tests;

/// <summary>Debounced streams from the real kernel: per path, settled for a quiet period, one timer for all.</summary>
public sealed class SettledEventsTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task AFileWrittenSeveralTimesInQuickSuccession_YieldsOneSettledChange_AfterTheQuietPeriod()
    {
        using var dir = new TempDir(tmpfs: true);
        using var wm = new WatchManager();
        await using var notifier = new AsyncNotifier(wm);
        wm.AddWatch(dir.Path, EventMask.Modify | EventMask.CloseWrite);
        using var cts = new CancellationTokenSource(Deadline);
        await using var changes = notifier.ReadSettledAsync(Quiet, cts.Token).GetAsyncEnumerator(cts.Token);
        var first = changes.MoveNextAsync(); // the reader starts

        for (var n = 0; n < 5; n++)
            await File.WriteAllTextAsync(dir["a.txt"], $"version {n}");
        var lastWrite = Stopwatch.GetTimestamp();
        dir.WriteFile("sentinel"); // written last: settles after a.txt, so a second a.txt entry would come before it

        Assert.True(await first);
        var a = changes.Current;
        var settledAfter = Stopwatch.GetElapsedTime(lastWrite);
        Assert.Equal(dir["a.txt"], a.PathName);
        Assert.Equal(EventMask.Modify | EventMask.CloseWrite, a.Events);
        Assert.InRange(a.Count, 2, 15); // five writes: each a truncating MODIFY, a MODIFY per write(2), a CLOSE_WRITE; the kernel merges identical unread ones
        Assert.Equal(EventMask.CloseWrite, a.LastEvent.EventType);
        Assert.True(settledAfter >= Quiet, $"yielded {settledAfter.TotalMilliseconds} ms after the last write, before the quiet period ended");

        Assert.True(await changes.MoveNextAsync());
        Assert.Equal(dir["sentinel"], changes.Current.PathName); // and no second entry for a.txt
    }

    [Fact]
    public async Task TwoPaths_SettleIndependently()
    {
        using var dir = new TempDir(tmpfs: true);
        using var wm = new WatchManager();
        await using var notifier = new AsyncNotifier(wm);
        wm.AddWatch(dir.Path, EventMask.CloseWrite);
        using var cts = new CancellationTokenSource(Deadline);
        var aSettled = new TaskCompletionSource();
        var busyWrites = 0;

        // b.txt is written every 50 ms until a.txt has settled, so it cannot settle first.
        var writer = Task.Run(async () =>
        {
            dir.WriteFile("a.txt");
            while (!aSettled.Task.IsCompleted && !cts.IsCancellationRequested)
            {
                dir.WriteFile("b.txt", $"{busyWrites++}");
                await Task.Delay(50);
            }
        });
        var seen = new List<SettledChange>();
        await foreach (var change in notifier.ReadSettledAsync(Quiet, cts.Token))
        {
            seen.Add(change);
            if (change.PathName == dir["a.txt"])
                aSettled.TrySetResult();
            if (change.PathName == dir["b.txt"])
                break;
        }
        await writer;
        await notifier.Completion.WaitAsync(Deadline); // leaving the loop early stopped the notifier, at once

        Assert.Equal([dir["a.txt"], dir["b.txt"]], seen.Select(c => c.PathName));
        Assert.True(busyWrites >= 2, "b.txt was still being written when a.txt settled");
        Assert.InRange(seen[1].Count, 2, busyWrites);
    }

    [Fact]
    public async Task Cancelling_EndsTheEnumeration_WithAPathStillPending_AndStopsTheNotifier()
    {
        using var dir = new TempDir(tmpfs: true);
        using var wm = new WatchManager();
        await using var notifier = new AsyncNotifier(wm);
        wm.AddWatch(dir.Path, EventMask.CloseWrite);
        using var cts = new CancellationTokenSource();
        var seen = new TaskCompletionSource();
        var read = Task.Run(async () =>
        {
            await foreach (var _ in Tap(notifier, seen, cts.Token).Settle(TimeSpan.FromHours(1), cts.Token))
                Assert.Fail("nothing settles within an hour");
        });
        dir.WriteFile("pending.txt");
        await seen.Task.WaitAsync(Deadline); // read, and now pending for an hour
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(Deadline));
        await notifier.Completion.WaitAsync(Deadline);
        Assert.True(wm.IsClosed);
    }

    [Fact]
    public async Task WhenTheNotifierStops_WhatIsPendingIsYieldedAtOnce()
    {
        using var dir = new TempDir(tmpfs: true);
        using var wm = new WatchManager();
        await using var notifier = new AsyncNotifier(wm);
        wm.AddWatch(dir.Path, EventMask.CloseWrite);
        using var cts = new CancellationTokenSource(Deadline);
        var seen = new TaskCompletionSource();
        var all = Task.Run(async () =>
        {
            var list = new List<SettledChange>();
            await foreach (var c in Tap(notifier, seen, cts.Token).Settle(TimeSpan.FromHours(1), cts.Token))
                list.Add(c);
            return list;
        });
        dir.WriteFile("last.txt");
        await seen.Task.WaitAsync(Deadline);
        notifier.Stop();

        var settled = Assert.Single(await all.WaitAsync(Deadline));
        Assert.Equal(dir["last.txt"], settled.PathName);
    }

    [Fact]
    public void Settle_WithoutAPositiveQuietPeriod_NamesTheFix()
    {
        using var wm = new WatchManager();
        using var notifier = new AsyncNotifier(wm);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => notifier.ReadSettledAsync(TimeSpan.Zero));
        Assert.Contains("the quiet period must be positive", e.Message);
    }

    /// <summary>The notifier's events, passed on unchanged; <paramref name="seen"/> completes at the first.</summary>
    private static async IAsyncEnumerable<OwnedInotifyEvent> Tap(AsyncNotifier notifier, TaskCompletionSource seen,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in notifier.ReadEventsAsync(cancellationToken))
        {
            seen.TrySetResult();
            yield return e;
        }
    }
}
