// A Native AOT inotify daemon: watches a spool directory recursively and logs each CLOSE_WRITE.
//
//   AotDaemon [--pid-file PATH] [--force-kill] [--stdout FILE] [--stderr FILE] [--daemon] [host arguments]
//
// The watches come from appsettings.json ("Inotify" section); override them on the command line, e.g.
//   AotDaemon --pid-file /run/aotdaemon.pid --Inotify:Watches:0:Path=/srv/spool
// SIGTERM or SIGINT stops it cleanly (exit code 0, pid file removed). Under systemd, run it without --daemon, as a
// Type=notify service: it reports READY=1 once the watches are set up (see README.md).
// Its configuration reload (appsettings.json changes, a Kubernetes ConfigMap update) and its watches share one inotify
// instance, so it runs where fs.inotify.max_user_instances leaves it only one.
using AotDaemon;
using InotifyGen.Daemon;
using InotifyGen.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

string? pidFile = null, stdout = null, stderr = null;
bool forceKill = false, detach = false;
var hostArgs = new List<string>();
var childArgs = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--pid-file": pidFile = Value(); childArgs.AddRange(["--pid-file", Path.GetFullPath(pidFile)]); continue;
        case "--stdout": stdout = Value(); continue;
        case "--stderr": stderr = Value(); continue;
        case "--force-kill": forceKill = true; childArgs.Add("--force-kill"); continue;
        case "--daemon": detach = true; continue;
        default: hostArgs.Add(args[i]); childArgs.Add(args[i]); continue;
    }
}

if (detach && !DaemonProcess.IsDetachedChild)
{
    // .NET cannot fork: start this program again in a new session, then report its pid and leave.
    if (pidFile is null)
    {
        Console.Error.WriteLine("--daemon needs --pid-file, to know when the daemon is up");
        return 2;
    }
    var pid = DaemonProcess.Detach(childArgs, stdout, stderr);
    if (!DaemonProcess.WaitForPidFile(pid, Path.GetFullPath(pidFile), TimeSpan.FromSeconds(15)))
    {
        Console.Error.WriteLine($"the daemon (pid {pid}) did not start; see {stderr ?? "its stderr"}");
        return 1;
    }
    Console.WriteLine(pid);
    return 0;
}
if (!DaemonProcess.IsDetachedChild && (stdout is not null || stderr is not null))
    StdioRedirect.Redirect(stdout, stderr);

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = hostArgs.ToArray(),
    ContentRootPath = AppContext.BaseDirectory, // find appsettings.json wherever the daemon is started from
});
builder.UseInotifyFileProvider(); // config reload on the daemon's own inotify instance, not a FileSystemWatcher's
builder.Services.AddSystemd();     // Type=notify: READY=1 and STOPPING=1 to systemd; journal-friendly console logs
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
});
builder.Services.AddInotify(inotify =>
{
    if (pidFile is not null)
        inotify.UsePidFile(pidFile, forceKill);
    inotify.AddHandler<SpoolHandler>();
    inotify.BindConfiguration();
});

try
{
    using var host = builder.Build();
    await host.RunAsync();
    return 0;
}
catch (Exception e) when (e is PidFileException or InvalidOperationException or IOException)
{
    Console.Error.WriteLine($"AotDaemon: {e.Message}");
    return 1;
}
