using InotifyGen.Generator.Tests.Support;
using InotifyGen.Tests.Support;

namespace InotifyGen.Generator.Tests;

/// <summary>The tutorial samples, each with a generated handler, run as real programs against real events.</summary>
public sealed class SampleTests
{
    [Fact]
    public void NotifierLoop_ReadmeExample_PrintsCreatingAndRemoving()
    {
        using var dir = new TempDir(tmpfs: true);
        using var sample = new SampleProcess("NotifierLoop", dir.Path);
        sample.WaitForLine("Watching", onStderr: true);
        sample.WaitForLine("IN_CREATE|IN_DELETE|IN_DELETE_SELF", onStderr: true); // the mask came from the handler

        File.WriteAllText(dir["foo"], "");
        File.Delete(dir["foo"]);
        Directory.CreateDirectory(dir["sub"]);

        sample.WaitForLine($"Creating: {dir["sub"]}");
        Assert.Equal(new[] { $"Creating: {dir["foo"]}", $"Removing: {dir["foo"]}", $"Creating: {dir["sub"]}" }, sample.Output);
    }

    [Fact]
    public void QuickCheck_PollingWithATimeout_PrintsEvents()
    {
        using var dir = new TempDir(tmpfs: true);
        using var sample = new SampleProcess("QuickCheck", dir.Path);
        sample.WaitForLine("Watching", onStderr: true);

        File.WriteAllText(dir["foo"], "");
        File.Delete(dir["foo"]);

        sample.WaitForLine($"Removing: {dir["foo"]}");
        Assert.Equal(new[] { $"Creating: {dir["foo"]}", $"Removing: {dir["foo"]}" }, sample.Output);
    }

    [Fact]
    public void Threaded_PrintsEventsFromItsThread_AndStopsCleanlyOnEnter()
    {
        using var dir = new TempDir(tmpfs: true);
        using var sample = new SampleProcess("Threaded", dir.Path);
        sample.WaitForLine("Watching", onStderr: true);

        File.WriteAllText(dir["foo"], "");
        File.Delete(dir["foo"]);
        sample.WaitForLine($"Removing: {dir["foo"]}");
        sample.Input.WriteLine();

        Assert.Equal(0, sample.WaitForExit());
        Assert.Equal(new[] { $"Creating: {dir["foo"]}", $"Removing: {dir["foo"]}" }, sample.Output);
    }

    [Fact]
    public void Subclassing_PerWatchHandler_AndDefaultHandlerForOtherWatches()
    {
        using var dir = new TempDir(tmpfs: true);
        var mine = dir.CreateDirectory("mine");
        var other = dir.CreateDirectory("other");
        using var sample = new SampleProcess("Subclassing", mine, other);
        sample.WaitForLine("Watching", onStderr: true);

        File.WriteAllText(Path.Combine(mine, "f"), "x");
        File.Delete(Path.Combine(mine, "f"));
        File.WriteAllText(Path.Combine(other, "g"), "");

        sample.WaitForLine($"deleting: {mine}/f");
        sample.WaitForLine($"maskname=IN_CREATE name=g path={other} pathname={other}/g wd=2 >");
        var mineLines = sample.Output.Where(l => !l.StartsWith("<Event", StringComparison.Ordinal)).ToList();
        // CREATE, OPEN, MODIFY go to process_default; CLOSE_WRITE to process_IN_CLOSE; DELETE to process_IN_DELETE.
        Assert.Equal(new[] { "default processing", "default processing", "default processing", $"closing: {mine}/f", $"deleting: {mine}/f" }, mineLines);
    }
}
