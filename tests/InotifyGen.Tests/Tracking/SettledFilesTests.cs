using Xunit;

namespace InotifyGen.Tests.Tracking;

/// <summary>
/// <see cref="NotifierOptions.SettleCompleteFiles"/> on the simulated kernel and clock: time moves only when the test
/// (or a wait of the notifier) moves it, so "quiet for the period" is exact.
/// </summary>
public class SettledFilesTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    private static SimulatedTree Tree()
    {
        var tree = new SimulatedTree(new NotifierOptions { SettleCompleteFiles = Quiet });
        tree.Build("/w/");
        tree.WatchTree("/w", EventMask.FileComplete | EventMask.CloseWrite);
        return tree;
    }

    private static int Completes(SimulatedTree tree, string path) => tree.Delivered.Count(l => l == "IN_FILE_COMPLETE " + path);

    [Fact]
    public void ChunkedUpload_ThatClosesAndReopens_IsCompleteOnce_AQuietPeriodAfterItsLastClose()
    {
        using var tree = Tree();
        tree.Kernel.OpenFile("/w/upload");
        tree.Kernel.CloseFile("/w/upload");
        tree.Drain();
        Assert.Equal(0, Completes(tree, "/w/upload")); // held
        Assert.Contains("IN_CLOSE_WRITE /w/upload", tree.Delivered); // the close itself is not held

        for (var chunk = 0; chunk < 3; chunk++)
        {
            tree.Clock.Now += Quiet * 0.6;
            tree.Kernel.ReopenFile("/w/upload");
            tree.Kernel.CloseFile("/w/upload");
            tree.Drain();
            Assert.Equal(0, Completes(tree, "/w/upload"));
        }
        tree.Clock.Now += Quiet * 0.9;
        tree.Drain();
        Assert.Equal(0, Completes(tree, "/w/upload"));
        tree.Clock.Now += Quiet * 0.2;
        tree.Drain();
        Assert.Equal(1, Completes(tree, "/w/upload"));
        tree.Clock.Now += Quiet * 5;
        tree.Drain();
        Assert.Equal(1, Completes(tree, "/w/upload"));
        tree.AssertNoViolations();
    }

    [Fact]
    public void AFileOpenForWritingWhenItFallsDue_WaitsForItsNextClose()
    {
        using var tree = Tree();
        tree.Kernel.WriteFile("/w/f");
        tree.Drain();
        tree.Kernel.ReopenFile("/w/f"); // reopened, and only MODIFY so far: the watch did not ask for it
        tree.Clock.Now += Quiet * 3;
        tree.Drain();
        Assert.Equal(0, Completes(tree, "/w/f"));
        tree.Kernel.CloseFile("/w/f");
        tree.Drain();
        tree.Clock.Now += Quiet * 1.1;
        tree.Drain();
        Assert.Equal(1, Completes(tree, "/w/f"));
    }

    [Fact]
    public void ADeletedFile_IsNeverComplete_AndOthersSettleOnTheirOwn()
    {
        using var tree = Tree();
        tree.Kernel.WriteFile("/w/gone");
        tree.Kernel.WriteFile("/w/kept");
        tree.Drain();
        tree.Kernel.Remove("/w/gone");
        tree.Clock.Now += Quiet * 1.1;
        tree.Drain();
        Assert.Equal(0, Completes(tree, "/w/gone"));
        Assert.Equal(1, Completes(tree, "/w/kept"));
    }

    [Fact]
    public void CheckEvents_WakesWhenAHeldFileFallsDue_NotAtItsOwnTimeout()
    {
        using var tree = Tree();
        tree.Kernel.WriteFile("/w/f");
        tree.Drain();
        var before = tree.Clock.Now;
        Assert.False(tree.Notifier.CheckEvents(TimeSpan.FromHours(1))); // the simulated wait moves the clock by what it waits
        Assert.Equal(Quiet, tree.Clock.Now - before);
        tree.Notifier.ProcessEvents();
        Assert.Equal(1, Completes(tree, "/w/f"));
    }
}
