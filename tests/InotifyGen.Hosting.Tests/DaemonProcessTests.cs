using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using InotifyGen.Tests.Support;

namespace InotifyGen.Hosting.Tests;

/// <summary>
/// The host as a process of its own (<see cref="ProbeHost"/>), in Linux namespaces made with unshare(1): as pid 1
/// with NOTIFY_SOCKET set, as systemd runs a containerized <c>Type=notify</c> service; and in a user namespace whose
/// inotify instance limit is 1 (the limit is per user namespace, so nothing outside it is touched).
/// </summary>
public sealed class DaemonProcessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static string Settings(string path) =>
        $$"""{ "Logging": { "LogLevel": { "Default": "Information" } }, "Inotify": { "Watches": [ { "Path": "{{path}}", "Mask": "IN_CLOSE_WRITE" } ] } }""";

    /// <summary>unshare [flags] -- sh -c SCRIPT dotnet exec THIS.dll --probe-host ROOT ARGS...</summary>
    private static Probe Start(string[] unshare, string script, string root, IEnumerable<string> args, string? notifySocket = null)
    {
        var psi = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in unshare)
            psi.ArgumentList.Add(a);
        foreach (var a in new[] { "--", "sh", "-c", script + "; exec \"$0\" \"$@\"", Dotnet(), "exec", typeof(ProbeHost).Assembly.Location, "--probe-host", root })
            psi.ArgumentList.Add(a);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        if (notifySocket is not null)
            psi.Environment["NOTIFY_SOCKET"] = notifySocket;
        return new Probe(Process.Start(psi)!);
    }

    private static string Dotnet()
    {
        var dotnet = Environment.ProcessPath!;
        return Path.GetFileName(dotnet).StartsWith("dotnet", StringComparison.Ordinal) ? dotnet : "dotnet";
    }

    [Fact]
    public async Task UnderSystemd_AsATypeNotifyService_TheHostSendsReady()
    {
        using var dir = new TempDir();
        var root = dir.CreateDirectory("app");
        var spool = dir.CreateDirectory("spool");
        File.WriteAllText(Path.Combine(root, "appsettings.json"), Settings(spool));
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        var socketPath = dir["notify.sock"];
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));

        // pid 1 with NOTIFY_SOCKET: what Microsoft.Extensions.Hosting.Systemd takes for a systemd service.
        using var probe = Start(["--user", "--map-root-user", "--pid", "--fork", "--kill-child"], "true", root, [], socketPath);
        var messages = new List<string>();
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(Deadline);
        while (!messages.Contains("READY=1"))
        {
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no READY=1 on NOTIFY_SOCKET; got [{string.Join(", ", messages)}]; output:\n{probe.Output}");
            }
            messages.AddRange(Encoding.UTF8.GetString(buffer, 0, n).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        probe.WaitFor("Watching: 1 configured watches, 1 inotify watches added.");
    }

    [Fact]
    public void WithOneInotifyInstanceAllowed_TheDefaultConfigurationReloadTakesIt_AndTheWatchesFail()
    {
        using var dir = new TempDir();
        var root = dir.CreateDirectory("app");
        var spool = dir.CreateDirectory("spool");
        File.WriteAllText(Path.Combine(root, "appsettings.json"), Settings(spool));
        using var probe = Start(["--user", "--map-root-user"], "echo 1 > /proc/sys/user/max_inotify_instances", root, []);
        Assert.True(probe.Process.WaitForExit(Deadline), "the host should have failed to start");
        Assert.Equal(1, probe.Process.ExitCode);
        probe.WaitFor("max_user_instances"); // the error names the limit to raise
    }

    [Fact]
    public void WithAFewWatchesAllowed_ADirectoryAutoAddCannotWatch_IsLoggedWithItsConfigurationEntry()
    {
        using var dir = new TempDir();
        var root = dir.CreateDirectory("app");
        var spool = dir.CreateDirectory("spool");
        File.WriteAllText(Path.Combine(root, "appsettings.json"),
            $$"""{ "Logging": { "LogLevel": { "Default": "Information" } }, "Inotify": { "Watches": [ { "Path": "{{spool}}", "Mask": "IN_CREATE", "Recursive": true, "AutoAdd": true } ] } }""");
        using var probe = Start(["--user", "--map-root-user"], "echo 3 > /proc/sys/user/max_inotify_watches", root, []);
        probe.WaitFor("Watching: 1 configured watches, 1 inotify watches added.");
        foreach (var name in new[] { "a", "b", "c" })
            Directory.CreateDirectory(Path.Combine(spool, name));
        // The configuration reload holds a watch too, so which of a, b, c is refused first is not fixed.
        probe.WaitFor("a directory of this watch is not watched: inotify watch limit reached (user.max_inotify_watches = 3, this user namespace's limit");
        probe.Process.Kill();
    }

    [Fact]
    public void WithOneInotifyInstanceAllowed_UseInotifyFileProvider_ServesTheReloadAndTheWatchesOnIt()
    {
        using var dir = new TempDir();
        var root = dir.CreateDirectory("app");
        var spool = dir.CreateDirectory("spool");
        var other = dir.CreateDirectory("other");
        File.WriteAllText(Path.Combine(root, "appsettings.json"), Settings(spool));
        using var probe = Start(["--user", "--map-root-user"], "echo 1 > /proc/sys/user/max_inotify_instances", root, ["--inotify-config"]);
        probe.WaitFor("Watching: 1 configured watches, 2 inotify watches added."); // the spool, and the content root for the reload

        File.WriteAllText(Path.Combine(spool, "a.txt"), "x");
        probe.WaitFor($"IN_CLOSE_WRITE {spool}/a.txt");

        File.WriteAllText(Path.Combine(root, "appsettings.json"), Settings(other)); // reloaded on the same instance
        probe.WaitFor("Configuration reloaded: 1 watches added, 1 removed");
        File.WriteAllText(Path.Combine(other, "b.txt"), "x");
        probe.WaitFor($"IN_CLOSE_WRITE {other}/b.txt");
        Assert.False(probe.Process.HasExited);
    }

    /// <summary>A running probe: its stdout and stderr, collected as they come.</summary>
    private sealed class Probe : IDisposable
    {
        private readonly StringBuilder _output = new();

        public Probe(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => Add(e.Data);
            process.ErrorDataReceived += (_, e) => Add(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Output
        {
            get { lock (_output) return _output.ToString(); }
        }

        public void WaitFor(string text)
        {
            var until = DateTime.UtcNow + Deadline;
            lock (_output)
            {
                while (!_output.ToString().Contains(text, StringComparison.Ordinal))
                {
                    var left = until - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero)
                        throw new TimeoutException($"'{text}' not seen; output:\n{_output}");
                    Monitor.Wait(_output, left);
                }
            }
        }

        public void Dispose()
        {
            if (!Process.HasExited)
                Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
            Process.Dispose();
        }

        private void Add(string? line)
        {
            if (line is null)
                return;
            lock (_output)
            {
                _output.AppendLine(line);
                Monitor.PulseAll(_output);
            }
        }
    }
}
