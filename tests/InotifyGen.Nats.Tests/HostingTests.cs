using InotifyGen.Hosting;
using InotifyGen.Nats.Tests.Support;
using InotifyGen.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace InotifyGen.Nats.Tests;

/// <summary>The publisher from InotifyGen.Hosting configuration: a bound and validated section, a named handler.</summary>
public sealed class HostingTests
{
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddInotify(i => i.BindConfiguration().PublishToJetStream());
        return builder.Build();
    }

    [Fact]
    public async Task PublishToJetStream_FromConfiguration_PublishesTheWatchesEvents_AndCatchesUpAfterARestart()
    {
        using var server = new NatsServer();
        using var dir = new TempDir();
        using var stateDir = new TempDir();
        var settings = new Dictionary<string, string?>
        {
            ["Inotify:DefaultHandler"] = JetStreamHostingExtensions.HandlerName,
            ["Inotify:Watches:0:Path"] = dir.Path,
            ["Inotify:Watches:0:Mask"] = "IN_CLOSE_WRITE",
            ["Inotify:Watches:0:Recursive"] = "true",
            ["JetStream:Url"] = server.Url,
            ["JetStream:Subject"] = "inotify.{host}.uploads",
            ["JetStream:StatePath"] = Path.Combine(stateDir.Path, "state"),
        };
        await using var worker = new Collector(server.Url);
        using (var host = Build(settings))
        {
            await host.StartAsync();
            await host.Services.GetRequiredService<InotifyService>().WatchesReady.WaitAsync(Collector.Deadline);
            var live = dir.WriteFile("live.txt");
            var item = worker.WaitFor(x => x.Any(i => i.PathName == live), "the live file").Single();
            Assert.EndsWith(".uploads", item.Subject, StringComparison.Ordinal);
            await host.StopAsync();
        }
        var whileDown = dir.WriteFile("while-down.txt");
        using (var host = Build(settings))
        {
            await host.StartAsync();
            var caught = worker.WaitFor(x => x.Any(i => i.PathName == whileDown), "the file written while the host was down")
                .Single(i => i.PathName == whileDown);
            Assert.True(caught.IsSynthetic);
            await host.StopAsync();
        }
        Assert.Equal(2, worker.Items.Count);
    }

    [Fact]
    public async Task PublishToJetStream_BadSettings_FailTheStart_NamingEachKeyAndFix()
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["JetStream:Url"] = "localhost:4222",
            ["JetStream:BufferCapacity"] = "0",
        });
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(e.Failures, f => f.StartsWith("JetStream:Url: 'localhost:4222' is not a NATS server address; use nats://HOST:PORT", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("JetStream:BufferCapacity: 0; use 1 or more", StringComparison.Ordinal));
    }
}
