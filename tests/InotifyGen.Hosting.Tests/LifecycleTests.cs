using InotifyGen.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InotifyGen.Hosting.Tests;

/// <summary>Start, reload, validation and health: the service behaving like the rest of Microsoft.Extensions.</summary>
public sealed class LifecycleTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private static async Task Until(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > until)
                throw new TimeoutException(what);
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task InvalidOptions_FailTheStart_WithEveryBadSettingNamedAndItsFix()
    {
        using var host = TestHost.Build(b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Inotify:DefaultHandler"] = "Nobody",
                ["Inotify:ExceptionPolicy"] = "Ignore",
                ["Inotify:Watches:0:Mask"] = "IN_CREATE",
                ["Inotify:Watches:1:Path"] = "/tmp",
                ["Inotify:Watches:1:Exclude:0"] = "([unclosed",
            });
            b.Services.AddInotify(i => i.BindConfiguration());
        });
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(Deadline));
        Assert.Contains(e.Failures, f => f.StartsWith("Inotify:DefaultHandler: no inotify handler is registered as 'Nobody'; register it with AddInotify(i => i.AddHandler<Nobody>())", StringComparison.Ordinal));
        Assert.Contains("Inotify:ExceptionPolicy: 'Ignore' is not a policy; use Propagate or LogAndContinue", e.Failures);
        Assert.Contains("Inotify:Watches:0: the watch has no path; give \"Path\": \"/dir\" or \"Paths\": [ ... ]", e.Failures);
        Assert.Contains(e.Failures, f => f.StartsWith("Inotify:Watches:1:Exclude: exclude pattern '([unclosed' is not a valid regular expression", StringComparison.Ordinal)
            && f.EndsWith("; fix or remove it", StringComparison.Ordinal));
        Assert.Null(host.Services.GetRequiredService<InotifyService>().WatchManager);
    }

    [Fact]
    public async Task StartAsync_DoesNotWaitForTheWalk_EventsAtTheTopFlowMeanwhile_AndAStopEndsTheWalk()
    {
        using var dir = new TempDir(tmpfs: true);
        for (var i = 0; i < 20; i++)
            dir.CreateDirectory($"d{i}/e");
        var gate = new TaskCompletionSource();
        using var host = TestHost.Build(b =>
        {
            b.Services.AddInotify(i => i.Watch<SinkHandler>(dir.Path, EventMask.CloseWrite, recursive: true));
            b.Services.AddHealthChecks().AddInotify();
        });
        var service = host.Services.GetRequiredService<InotifyService>();
        var walkWaited = new TaskCompletionSource();
        service.WalkGate = async (_, token) =>
        {
            walkWaited.TrySetResult();
            await gate.Task.WaitAsync(token);
        };

        await host.StartAsync().WaitAsync(Deadline);
        await walkWaited.Task.WaitAsync(Deadline);
        Assert.False(service.WatchesReady.IsCompleted);
        Assert.Single(service.WatchManager!.Watches); // the top only, so far
        dir.WriteFile("top.txt");
        host.Services.GetRequiredService<EventSink>().WaitFor(x => x.Event.Name == "top.txt"); // dispatching already
        var health = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["inotify"];
        Assert.Equal((HealthStatus.Degraded, "still walking the watched trees at start: 1 watches so far"), (health.Status, health.Description));

        var wm = service.WatchManager;
        await host.StopAsync().WaitAsync(Deadline); // the walk never ran: the stop does not wait for it
        Assert.True(service.WatchesReady.IsCanceled);
        Assert.True(wm.IsClosed);
    }

    [Fact]
    public async Task AStopDuringTheWalk_EndsItBeforeTheNextTree()
    {
        using var dir = new TempDir(tmpfs: true);
        var first = dir.CreateDirectory("first");
        var second = dir.CreateDirectory("second");
        dir.CreateDirectory("first/sub");
        dir.CreateDirectory("second/sub");
        var secondReached = new TaskCompletionSource();
        using var host = TestHost.Build(b => b.Services.AddInotify(i => i
            .Watch(first, EventMask.CloseWrite, recursive: true)
            .Watch(second, EventMask.CloseWrite, recursive: true)));
        var service = host.Services.GetRequiredService<InotifyService>();
        service.WalkGate = async (path, token) =>
        {
            if (path == second)
            {
                secondReached.TrySetResult();
                await Task.Delay(Timeout.Infinite, token); // held until the stop cancels it
            }
        };

        await host.StartAsync().WaitAsync(Deadline);
        await secondReached.Task.WaitAsync(Deadline);
        var wm = service.WatchManager!;
        Assert.NotNull(wm.GetWd(dir["first/sub"]));   // the first tree was walked
        Assert.Null(wm.GetWd(dir["second/sub"]));     // the second was not reached
        await host.StopAsync().WaitAsync(Deadline);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.WatchesReady.WaitAsync(Deadline));
        Assert.True(wm.IsClosed);
    }

    [Fact]
    public async Task AStopInTheMiddleOfALargeTree_ReturnsPromptly_AndClosesTheInstance()
    {
        using var dir = new TempDir(tmpfs: true);
        for (var i = 0; i < 100; i++)
            for (var j = 0; j < 100; j++)
                Directory.CreateDirectory(dir[$"d{i}/e{j}"]); // 10,101 directories
        var walking = new TaskCompletionSource();
        using var host = TestHost.Build(b => b.Services.AddInotify(i => i.Watch(dir.Path, EventMask.CloseWrite, recursive: true)));
        var service = host.Services.GetRequiredService<InotifyService>();
        service.WalkGate = (_, _) => { walking.TrySetResult(); return Task.CompletedTask; };

        await host.StartAsync().WaitAsync(Deadline);
        await walking.Task.WaitAsync(Deadline);
        var wm = service.WatchManager!;
        await host.StopAsync().WaitAsync(Deadline); // the walk stops at its next directory: the instance is closed under it

        await ((Task)service.WatchesReady).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        Assert.True(service.WatchesReady.IsCompleted);
        Assert.True(wm.IsClosed);
        Assert.Null(service.Fault); // a walk cut short by the stop is no failure
    }

    [Fact]
    public async Task ALargeTree_IsWalkedCompletely_WhenLeftToFinish()
    {
        using var dir = new TempDir(tmpfs: true);
        for (var i = 0; i < 30; i++)
            for (var j = 0; j < 30; j++)
                Directory.CreateDirectory(dir[$"d{i}/e{j}"]);
        var logs = new CapturingLoggerProvider();
        using var host = TestHost.Build(b => b.Services.AddInotify(i => i.Watch<SinkHandler>(dir.Path, EventMask.CloseWrite, recursive: true)), logs);
        await host.StartAsync().WaitAsync(Deadline);
        var service = host.Services.GetRequiredService<InotifyService>();
        await service.WatchesReady.WaitAsync(Deadline);
        Assert.Equal(1 + 30 + 900, service.WatchManager!.Watches.Count);
        Assert.Contains(logs.Lines, l => l.Message == "Watching: 1 configured watches, 931 inotify watches added.");
        File.WriteAllText(dir["d29/e29/deep.txt"], "x");
        host.Services.GetRequiredService<EventSink>().WaitFor(x => x.Event.Name == "deep.txt");
        await host.StopAsync().WaitAsync(Deadline);
    }

    [Fact]
    public async Task StartAsync_WithACancelledToken_LeavesNoInotifyInstance()
    {
        using var dir = new TempDir(tmpfs: true);
        using var host = TestHost.Build(b => b.Services.AddInotify(i => i.Watch(dir.Path, EventMask.Create)));
        var service = host.Services.GetRequiredService<InotifyService>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.StartAsync(new CancellationToken(canceled: true)));
        Assert.Null(service.WatchManager);
    }

    [Fact]
    public async Task ConfigurationReload_InMemory_MovesAWatchToTheNewPath_WithoutARestart()
    {
        using var dir = new TempDir(tmpfs: true);
        var a = dir.CreateDirectory("a");
        var b = dir.CreateDirectory("b");
        var logs = new CapturingLoggerProvider();
        using var host = TestHost.Build(builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Inotify:Watches:0:Path"] = a,
                ["Inotify:Watches:0:Mask"] = "IN_CLOSE_WRITE",
                ["Inotify:Watches:0:Handler"] = nameof(SinkHandler),
            });
            builder.Services.AddInotify(i => i.AddHandler<SinkHandler>().BindConfiguration());
        }, logs);
        await host.StartAsync().WaitAsync(Deadline);
        var service = host.Services.GetRequiredService<InotifyService>();
        await service.WatchesReady.WaitAsync(Deadline);
        var wm = service.WatchManager!;
        Assert.NotNull(wm.GetWd(a));

        var config = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        config["Inotify:Watches:0:Path"] = b;
        config["Inotify:Watches:1:Path"] = a;
        config["Inotify:Watches:1:Mask"] = "IN_CREATE";
        config["Inotify:Watches:1:Handler"] = nameof(SinkHandler);
        config.Reload();

        logs.WaitFor(l => l.Message.StartsWith("Configuration reloaded", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Message == "Configuration reloaded: 2 watches added, 1 removed; 2 inotify watches now.");
        Assert.NotNull(wm.GetWd(b));
        File.WriteAllText(Path.Combine(b, "in-b.txt"), "x");
        File.WriteAllText(Path.Combine(a, "in-a.txt"), "x");
        var sink = host.Services.GetRequiredService<EventSink>();
        Assert.Equal(EventMask.CloseWrite, sink.WaitFor(x => x.Event.Name == "in-b.txt").Event.EventType);
        Assert.Equal(EventMask.Create, sink.WaitFor(x => x.Event.Name == "in-a.txt").Event.EventType); // a's new mask
        await host.StopAsync().WaitAsync(Deadline);
    }

    [Fact]
    public async Task ConfigurationReload_ThatFailsValidation_LeavesTheWatchesAsTheyWere()
    {
        using var dir = new TempDir(tmpfs: true);
        var a = dir.CreateDirectory("a");
        using var host = TestHost.Build(builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Inotify:Watches:0:Path"] = a,
                ["Inotify:Watches:0:Mask"] = "IN_CLOSE_WRITE",
                ["Inotify:Watches:0:Handler"] = nameof(SinkHandler),
            });
            builder.Services.AddInotify(i => i.AddHandler<SinkHandler>().BindConfiguration());
        });
        await host.StartAsync().WaitAsync(Deadline);
        var service = host.Services.GetRequiredService<InotifyService>();
        await service.WatchesReady.WaitAsync(Deadline);

        var config = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        config["Inotify:Watches:0:Mask"] = "IN_CLOSE_WRTIE";
        var e = Assert.ThrowsAny<Exception>(config.Reload); // Options reports it to the reloader (dotnet/runtime#44381)
        Assert.Contains("'IN_CLOSE_WRTIE' is not an event name", e.ToString());

        Assert.NotNull(service.WatchManager!.GetWd(a));
        File.WriteAllText(Path.Combine(a, "still.txt"), "x");
        host.Services.GetRequiredService<EventSink>().WaitFor(x => x.Event.Name == "still.txt");
        await host.StopAsync().WaitAsync(Deadline);
    }

    [Fact]
    public async Task ConfigurationFileChange_AddsAndRemovesWatches_OnTheHostsOneInotifyInstance()
    {
        using var dir = new TempDir(tmpfs: true);
        var root = dir.CreateDirectory("app");
        var a = dir.CreateDirectory("a");
        var b = dir.CreateDirectory("b");
        File.WriteAllText(Path.Combine(root, "appsettings.json"), Settings(a));
        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = root, EnvironmentName = "Production" });
        builder.UseInotifyFileProvider();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton<EventSink>();
        builder.Services.AddInotify(i => i.AddHandler<SinkHandler>().BindConfiguration());
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(Deadline);
        var service = host.Services.GetRequiredService<InotifyService>();
        await service.WatchesReady.WaitAsync(Deadline);
        var provider = host.Services.GetRequiredService<InotifyFileProvider>();
        Assert.Same(provider.WatchManager, service.WatchManager); // one inotify instance for the reload and the watches

        File.WriteAllText(Path.Combine(root, "appsettings.json"), Settings(b));
        logs.WaitFor(l => l.Message.StartsWith("Configuration reloaded", StringComparison.Ordinal));
        Assert.Null(service.WatchManager!.GetWd(a));
        Assert.NotNull(service.WatchManager!.GetWd(b));
        File.WriteAllText(Path.Combine(b, "x.txt"), "x");
        host.Services.GetRequiredService<EventSink>().WaitFor(x => x.Event.Name == "x.txt" && x.Event.Path == b);
        await host.StopAsync().WaitAsync(Deadline);

        static string Settings(string path) =>
            $$"""{ "Inotify": { "Watches": [ { "Path": "{{path}}", "Mask": "IN_CLOSE_WRITE", "Handler": "SinkHandler" } ] } }""";
    }

    [Fact]
    public async Task HealthCheck_HealthyWhileRunning_DegradedNearTheWatchLimit()
    {
        using var dir = new TempDir(tmpfs: true);
        dir.CreateDirectory("sub");
        using var host = TestHost.Build(b =>
        {
            b.Services.AddInotify(i => i.Watch(dir.Path, EventMask.Create, recursive: true));
            b.Services.AddHealthChecks()
                .AddInotify()
                .AddInotify("inotify-tight", o => o.MaxUserWatches = 2);
        });
        var health = host.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync()).Entries["inotify"].Status); // not started

        await host.StartAsync().WaitAsync(Deadline);
        await host.Services.GetRequiredService<InotifyService>().WatchesReady.WaitAsync(Deadline);
        var report = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Entries["inotify"].Status);
        Assert.Equal(2, report.Entries["inotify"].Data["watches"]);
        var tight = report.Entries["inotify-tight"];
        Assert.Equal(HealthStatus.Degraded, tight.Status);
        Assert.StartsWith("2 inotify watches held, near fs.inotify.max_user_watches = 2: raise it", tight.Description);
        await host.StopAsync().WaitAsync(Deadline);
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync()).Entries["inotify"].Status);
    }

    [Fact]
    public async Task HealthCheck_UnhealthyWhenTheNotifierDied()
    {
        using var dir = new TempDir(tmpfs: true);
        using var host = TestHost.Build(b =>
        {
            b.Services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
            b.Services.AddInotify(i => i.Watch<SinkHandler>(dir.Path, EventMask.CloseWrite).Configure(o => o.ExceptionPolicy = HandlerExceptionPolicy.Propagate));
            b.Services.AddHealthChecks().AddInotify();
        });
        await host.StartAsync().WaitAsync(Deadline);
        var service = host.Services.GetRequiredService<InotifyService>();
        await service.WatchesReady.WaitAsync(Deadline);
        var health = host.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);

        dir.WriteFile("throw"); // SinkHandler throws on it; under Propagate that ends the notifier
        await Until(() => service.Fault is not null, "the notifier did not die");
        var entry = (await health.CheckHealthAsync()).Entries["inotify"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal("the inotify notifier died: handler failed on purpose", entry.Description);
        Assert.IsType<InvalidDataException>(entry.Exception);
        await host.StopAsync().WaitAsync(Deadline);
    }

    [Fact]
    public async Task HealthCheck_DegradedWhenTheQueueOverflowsRepeatedly()
    {
        using var dir = new TempDir(tmpfs: true);
        var handler = new GateHandler();
        using var host = TestHost.Build(b =>
        {
            b.Services.AddInotify(i => i.AddHandler("gate", _ => handler).Watch(dir.Path, EventMask.CloseWrite, handler: "gate"));
            b.Services.AddHealthChecks().AddInotify();
        });
        using (KernelLimits.Lock())
        {
            // The queue size is read when the inotify instance is created, in StartAsync; restored right after.
            var old = InotifyLimits.MaxQueuedEvents;
            InotifyLimits.MaxQueuedEvents = 16;
            try { await host.StartAsync().WaitAsync(Deadline); }
            finally { InotifyLimits.MaxQueuedEvents = old; }
        }
        var service = host.Services.GetRequiredService<InotifyService>();
        for (var round = 0; round < 2; round++)
        {
            handler.Close();
            dir.WriteFile($"block{round}");
            await handler.Blocked.WaitAsync(Deadline); // the reader thread is held: nothing is read now
            for (var n = 0; n < 40; n++)
                dir.WriteFile($"r{round}-{n}");
            handler.Open();
            var expected = round + 1;
            await Until(() => service.Overflows!.CountSince(DateTime.MinValue) == expected, $"overflow {expected} not seen");
        }
        var entry = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["inotify"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.StartsWith("the inotify event queue overflowed 2 times in the last 00:10:00", entry.Description);
        await host.StopAsync().WaitAsync(Deadline);
    }

    /// <summary>Blocks the reader thread on the first event after <see cref="Close"/> until <see cref="Open"/>.</summary>
    private sealed class GateHandler : ProcessEvent
    {
        private readonly ManualResetEventSlim _open = new(true);
        private TaskCompletionSource _blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Blocked => _blocked.Task;

        public void Close()
        {
            _blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _open.Reset();
        }

        public void Open() => _open.Set();

        protected override EventMask HandledEvents => EventMask.AllEvents;

        protected override bool DispatchEvent(in InotifyEvent e)
        {
            if (!_open.IsSet)
            {
                _blocked.TrySetResult();
                _open.Wait(TimeSpan.FromSeconds(30));
            }
            return false;
        }
    }
}
