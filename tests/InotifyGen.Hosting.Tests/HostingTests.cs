using InotifyGen.Daemon;
using InotifyGen.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InotifyGen.Hosting.Tests;

public sealed class HostingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AddInotify_WatchInCode_DispatchesToAHandlerResolvedFromDi_AndStopsWithTheHost()
    {
        using var dir = new TempDir(tmpfs: true);
        using var host = TestHost.Build(b => b.Services.AddInotify(i => i.Watch<SinkHandler>(dir.Path, EventMask.CloseWrite)));
        await host.StartAsync().WaitAsync(Deadline);

        dir.WriteFile("report.csv");
        var seen = host.Services.GetRequiredService<EventSink>().WaitFor(x => x.Event.Name == "report.csv");
        Assert.Equal(nameof(SinkHandler), seen.Handler);
        Assert.Equal(EventMask.CloseWrite, seen.Event.EventType);
        var handler = host.Services.GetRequiredService<SinkHandler>();
        Assert.NotNull(handler.InjectedLogger); // constructor dependencies were injected
        Assert.DoesNotContain(host.Services.GetRequiredService<EventSink>().Events, x => x.Event.EventType != EventMask.CloseWrite);

        var service = host.Services.GetRequiredService<InotifyService>();
        var wm = service.WatchManager!;
        Assert.False(wm.IsClosed);
        await host.StopAsync().WaitAsync(Deadline);
        Assert.True(wm.IsClosed, "host shutdown closes the inotify instance");
    }

    [Fact]
    public async Task BindConfiguration_ReadsPathsMasksRecursiveAndHandlers()
    {
        using var dir = new TempDir(tmpfs: true);
        var a = dir.CreateDirectory("a");
        var deep = dir.CreateDirectory("a/sub/deep");
        var b = dir.CreateDirectory("b");
        var logs = new CapturingLoggerProvider();
        using var host = TestHost.Build(builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Inotify:Watches:0:Path"] = a,
                ["Inotify:Watches:0:Mask"] = "IN_CREATE | IN_CLOSE_WRITE",
                ["Inotify:Watches:0:Recursive"] = "true",
                ["Inotify:Watches:0:Handler"] = "Sink",
                ["Inotify:Watches:1:Paths:0"] = b,
                ["Inotify:Watches:1:Mask:0"] = "IN_DELETE",
                ["Inotify:Watches:1:Mask:1"] = "IN_MOVED_TO",
                ["Inotify:Watches:1:Handler"] = "OtherHandler",
            });
            builder.Services.AddInotify(i => i.AddHandler<SinkHandler>("Sink").AddHandler<OtherHandler>().BindConfiguration());
        }, logs);
        await host.StartAsync().WaitAsync(Deadline);
        await host.Services.GetRequiredService<InotifyService>().WatchesReady.WaitAsync(Deadline); // the walk runs after start
        var sink = host.Services.GetRequiredService<EventSink>();

        File.WriteAllText(System.IO.Path.Combine(deep, "x.txt"), "1"); // recursive: the sub-sub-directory is watched
        File.WriteAllText(System.IO.Path.Combine(b, "y.txt"), "1");  // create and close_write in b are not asked for
        File.Delete(System.IO.Path.Combine(b, "y.txt"));

        var created = sink.WaitFor(x => x.Event.Name == "x.txt" && x.Event.EventType == EventMask.Create);
        sink.WaitFor(x => x.Event.Name == "x.txt" && x.Event.EventType == EventMask.CloseWrite);
        var deleted = sink.WaitFor(x => x.Event.Name == "y.txt");
        Assert.Equal("SinkHandler", created.Handler);
        Assert.Equal(deep, created.Event.Path);
        Assert.Equal("OtherHandler", deleted.Handler);
        Assert.Equal(EventMask.Delete, deleted.Event.EventType); // the first event of y.txt b reports is its deletion
        Assert.DoesNotContain(sink.Events, x => x.Event.EventType == EventMask.Modify);

        var started = logs.WaitFor(l => l.Message.StartsWith("Watching:", StringComparison.Ordinal));
        Assert.Equal("InotifyGen", started.Category);
        Assert.Contains("2 configured watches, 4 inotify watches added", started.Message); // a, a/sub, a/sub/deep, b
        await host.StopAsync().WaitAsync(Deadline);
    }

    [Fact]
    public async Task WatchWithoutHandler_IsLoggedThroughTheHostLogger()
    {
        using var dir = new TempDir(tmpfs: true);
        var logs = new CapturingLoggerProvider();
        using var host = TestHost.Build(b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Inotify:Watches:0:Path"] = dir.Path,
                ["Inotify:Watches:0:Mask"] = "IN_CLOSE_WRITE",
            });
            b.Services.AddInotify(i => i.BindConfiguration());
        }, logs);
        await host.StartAsync().WaitAsync(Deadline);
        dir.WriteFile("plain.txt");
        var line = logs.WaitFor(l => l.Message.Contains("plain.txt", StringComparison.Ordinal));
        Assert.Equal(typeof(LoggingHandler).FullName, line.Category);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal($"IN_CLOSE_WRITE {dir["plain.txt"]}", line.Message);
        await host.StopAsync().WaitAsync(Deadline);
    }

    [Fact]
    public async Task HandlerException_IsLoggedAndDispatchGoesOn()
    {
        using var dir = new TempDir(tmpfs: true);
        var logs = new CapturingLoggerProvider();
        using var host = TestHost.Build(b => b.Services.AddInotify(i => i.Watch<SinkHandler>(dir.Path, EventMask.CloseWrite)), logs);
        await host.StartAsync().WaitAsync(Deadline);
        dir.WriteFile("throw");
        dir.WriteFile("after");
        host.Services.GetRequiredService<EventSink>().WaitFor(x => x.Event.Name == "after");
        var error = logs.WaitFor(l => l.Level == LogLevel.Error);
        Assert.IsType<InvalidDataException>(error.Exception);
        await host.StopAsync().WaitAsync(Deadline);
    }

    [Theory]
    [InlineData("Mask", "IN_CREATE|IN_CRAETE", "Inotify:Watches:0:Mask: 'IN_CRAETE' is not an event name")]
    [InlineData("Recursive", "yes", "'yes' at 'Inotify:Watches:0:Recursive'")]
    [InlineData("Handler", "Missing", "no inotify handler is registered as 'Missing'")]
    public async Task BadConfiguration_FailsTheStartWithTheKeyAndTheFix(string key, string value, string expected)
    {
        using var dir = new TempDir(tmpfs: true);
        using var host = TestHost.Build(b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Inotify:Watches:0:Path"] = dir.Path,
                [$"Inotify:Watches:0:{key}"] = value,
            });
            b.Services.AddInotify(i => i.AddHandler<SinkHandler>().BindConfiguration());
        });
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(Deadline));
        Assert.Contains(expected, e.Message);
        Assert.Null(host.Services.GetRequiredService<InotifyService>().WatchManager); // validated before any inotify instance
    }

    [Fact]
    public async Task MissingPath_FailsTheStartNamingThePath()
    {
        using var dir = new TempDir(tmpfs: true);
        using var host = TestHost.Build(b => b.Services.AddInotify(i => i.Watch(dir["nope"], EventMask.Create)));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync().WaitAsync(Deadline));
        Assert.Contains($"cannot watch '{dir["nope"]}': no such file or directory", e.Message);
    }

    [Fact]
    public async Task UsePidFile_IsHeldWhileTheHostRuns_AndRemovedAtStop()
    {
        using var dir = new TempDir(tmpfs: true);
        var pidPath = dir["run/app.pid"];
        using var host = TestHost.Build(b => b.Services.AddInotify(i => i.UsePidFile(pidPath).Watch<SinkHandler>(dir.Path, EventMask.Create)));
        await host.StartAsync().WaitAsync(Deadline);
        Assert.Equal(Environment.ProcessId, PidFile.ReadPid(pidPath));
        await host.StopAsync().WaitAsync(Deadline);
        Assert.False(File.Exists(pidPath));
    }

    [Fact]
    public async Task UsePidFile_HeldByALiveProcess_FailsTheStart()
    {
        using var dir = new TempDir(tmpfs: true);
        var pidPath = dir["app.pid"];
        File.WriteAllText(pidPath, "1\n"); // init: always alive, started before any file
        using var host = TestHost.Build(b => b.Services.AddInotify(i => i.UsePidFile(pidPath).Watch<SinkHandler>(dir.Path, EventMask.Create)));
        var e = await Assert.ThrowsAsync<PidFileException>(() => host.StartAsync().WaitAsync(Deadline));
        Assert.Equal(1, e.OwnerPid);
        Assert.Equal(1, PidFile.ReadPid(pidPath));
    }
}
