using System.Text;
using InotifyGen.Cli.Tests.Support;
using InotifyGen.Nats.Tests.Support;
using InotifyGen.Tests.Support;

namespace InotifyGen.Nats.Tests;

/// <summary>
/// End to end: real `inotifygen --publish` processes, a real nats-server -js, and a <see cref="JetStreamWorker"/>
/// reading the stream as a work queue. Watchers publish only IN_CLOSE_WRITE (-e close_write), so every stored
/// message is one written file and the stream's sequence counts them.
/// </summary>
public sealed class FleetTests
{
    private static CliProcess Watch(NatsServer server, string dir, string? state = null)
    {
        var args = new List<string> { "-r", "-a", "-e", "close_write", "--publish", server.Url };
        if (state is not null)
            args.AddRange(["--state", state]);
        args.Add(dir);
        var p = CliProcess.Start([.. args]);
        p.WaitForStderr(l => l == "Watches established.");
        return p;
    }

    private static List<string> WriteFiles(string dir, string prefix, int count) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var path = Path.Combine(dir, $"{prefix}{i:D4}.txt");
            File.WriteAllText(path, $"{prefix} {i}");
            return path;
        }).ToList();

    private static void AssertEachOnce(IReadOnlyList<WorkItem> items, IReadOnlyCollection<string> expected)
    {
        var duplicates = items.GroupBy(i => i.PathName).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
        Assert.True(duplicates.Count == 0, "handed over more than once: " + string.Join(", ", duplicates));
        Assert.Equal(expected.OrderBy(p => p, StringComparer.Ordinal), items.Select(i => i.PathName).OrderBy(p => p, StringComparer.Ordinal));
    }

    [Fact]
    public async Task TwoWatchers_OneStreamOneWorker_EachFileOnce()
    {
        using var server = new NatsServer();
        using var a = new TempDir();
        using var b = new TempDir();
        await using var worker = new Collector(server.Url);
        using (var watcherA = Watch(server, a.Path))
        using (var watcherB = Watch(server, b.Path))
        {
            var files = WriteFiles(a.Path, "a", 40).Concat(WriteFiles(b.Path, "b", 40)).ToList();
            worker.WaitForFiles(files);
            watcherA.Signal(); // SIGTERM: both exit 0 once what they buffered is acknowledged
            watcherB.Signal();
            Assert.Equal(0, watcherA.ExitCode);
            Assert.Equal(0, watcherB.ExitCode);
            var (stored, _) = await server.StreamCountsAsync();
            Assert.Equal(80UL, stored); // one message per file: nothing sent twice was stored twice

            var items = worker.Items;
            AssertEachOnce(items, files);
            var first = items.Single(i => i.PathName == files[0]);
            Assert.Equal(Environment.MachineName, first.Host);
            Assert.Equal(EventMask.CloseWrite, first.Mask);
            Assert.False(first.IsSynthetic);
            Assert.Matches("^[0-9A-F]{32}$", first.Id);
            Assert.StartsWith("inotify.", first.Subject, StringComparison.Ordinal);
            // The body is the CLI's --json object, byte for byte.
            var json = Encoding.UTF8.GetString(first.Json.Span);
            Assert.StartsWith("{\"wd\":1,\"mask\":8,\"maskname\":\"IN_CLOSE_WRITE\",\"dir\":false,\"name\":\"a0000.txt\"", json, StringComparison.Ordinal);
            Assert.EndsWith($"\"pathname\":\"{files[0]}\"}}", json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ServerStoppedAndRestarted_NothingLostNothingDuplicated()
    {
        using var server = new NatsServer();
        using var dir = new TempDir();
        using var watcher = Watch(server, dir.Path);
        var files = WriteFiles(dir.Path, "before", 20);
        await WaitForStoredAsync(server, 20);

        server.Stop();
        files.AddRange(WriteFiles(dir.Path, "down", 30)); // buffered by the watcher until the server is back
        server.Start();
        files.AddRange(WriteFiles(dir.Path, "after", 20));

        await WaitForStoredAsync(server, 70);
        watcher.Signal();
        Assert.Equal(0, watcher.ExitCode);
        var (stored, held) = await server.StreamCountsAsync();
        Assert.Equal(70UL, stored); // re-sent messages (their acknowledgement lost with the server) were dropped as duplicates
        Assert.Equal(70UL, held);

        await using var worker = new Collector(server.Url);
        AssertEachOnce(worker.WaitForFiles(files), files);
    }

    [Fact]
    public async Task WatcherKilledWhileFilesArrive_RestartPublishesEveryFile()
    {
        using var server = new NatsServer();
        using var dir = new TempDir();
        using var stateDir = new TempDir();
        var state = Path.Combine(stateDir.Path, "watcher.state");
        await using var worker = new Collector(server.Url);

        var written = new List<string>();
        using var stopWriting = new CancellationTokenSource();
        void WriteUntilStopped()
        {
            for (var i = 0; !stopWriting.IsCancellationRequested; i++)
            {
                var path = Path.Combine(dir.Path, $"f{i:D5}.txt");
                File.WriteAllText(path, $"file {i}");
                lock (written)
                    written.Add(path);
                Thread.Sleep(1); // pacing the load (at most 1,000 files a second), not waiting for anything
            }
        }

        // The first start finds no state: the tree as it is (empty) becomes the state. Files arrive from then on.
        Task writer;
        using (var first = Watch(server, dir.Path, state))
        {
            writer = Task.Run(WriteUntilStopped);
            worker.WaitFor(items => items.Count >= 50, "50 files from the first watcher");
            first.Signal(9, wait: true); // SIGKILL: no flush, no state saved at exit, the kernel queue is lost
        }
        int writtenWhileDown;
        lock (written)
            writtenWhileDown = written.Count;
        using var second = Watch(server, dir.Path, state);
        worker.WaitFor(items => items.Count >= writtenWhileDown + 50, "files after the restart");
        stopWriting.Cancel();
        await writer;

        var items = worker.WaitForFiles(written);
        second.Signal();
        AssertEachOnce(items, written);
        Assert.Contains(items, i => i.IsSynthetic); // the files written while no watcher ran came from the catch-up
    }

    /// <summary>Waits (with a deadline) until the stream has stored <paramref name="count"/> messages.</summary>
    private static async Task WaitForStoredAsync(NatsServer server, ulong count)
    {
        var until = DateTime.UtcNow + Collector.Deadline;
        while (true)
        {
            var (stored, _) = await server.StreamCountsAsync().WaitAsync(Collector.Deadline);
            if (stored >= count)
                return;
            Assert.True(DateTime.UtcNow < until, $"the stream stored {stored} of {count} messages within the deadline");
            await Task.Delay(20); // the next look at the stream's state
        }
    }
}
