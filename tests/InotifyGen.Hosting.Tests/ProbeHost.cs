using InotifyGen.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InotifyGen.Hosting.Tests;

/// <summary>
/// The test assembly doubles as a small daemon, for the tests that need a process of their own (pid 1 in a pid
/// namespace for systemd's notify protocol, or a user namespace with one inotify instance):
/// <c>dotnet exec InotifyGen.Hosting.Tests.dll --probe-host CONTENT_ROOT [--inotify-config] [host args]</c>.
/// It logs to stdout, watches what CONTENT_ROOT/appsettings.json says, and runs until SIGTERM.
/// </summary>
public static class ProbeHost
{
    public static int Main(string[] args)
    {
        if (args.Length < 2 || args[0] != "--probe-host")
        {
            Console.Error.WriteLine("usage: --probe-host CONTENT_ROOT [--inotify-config] [host args]; the tests run through dotnet test");
            return 2;
        }
        var inotifyConfig = args.Contains("--inotify-config");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = args[1],
            Args = args.Skip(2).Where(a => a != "--inotify-config").ToArray(),
        });
        if (inotifyConfig)
            builder.UseInotifyFileProvider();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.AddSystemd();
        builder.Services.AddInotify(i => i.BindConfiguration());
        try
        {
            using var host = builder.Build();
            host.Run();
            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"probe: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }
}
