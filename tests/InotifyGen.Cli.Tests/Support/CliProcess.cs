using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace InotifyGen.Cli.Tests.Support;

/// <summary>
/// One run of the built <c>inotifygen</c> (or of any command, for pyinotify): its stdout and stderr are collected line
/// by line as they come, and tests wait for the lines they expect with a deadline. stdout is also kept as the exact
/// bytes written (<see cref="StdoutBytes"/>), for names that are not valid UTF-8 or hold a newline.
/// </summary>
public sealed partial class CliProcess : IDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly List<string> _stdout = new();
    private readonly MemoryStream _stdoutBytes = new(); // guarded by _stdout, like the lines
    private readonly List<string> _stderr = new();
    private readonly Task _readers;

    private CliProcess(string file, IEnumerable<string> args, IDictionary<string, string?>? env, string? stdin)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment.Remove("NO_COLOR");
        foreach (var (k, v) in env ?? new Dictionary<string, string?>())
        {
            if (v is null)
                psi.Environment.Remove(k);
            else
                psi.Environment[k] = v;
        }
        _process = Process.Start(psi) ?? throw new InvalidOperationException($"{file} did not start");
        if (stdin is not null)
            _process.StandardInput.Write(stdin);
        _process.StandardInput.Close();
        _readers = Task.WhenAll(PumpBytes(_process.StandardOutput.BaseStream), Pump(_process.StandardError, _stderr));
    }

    /// <summary>The inotifygen under test: INOTIFYGEN_CLI, else the build next to this repository's sources.</summary>
    public static string CliPath =>
        Environment.GetEnvironmentVariable("INOTIFYGEN_CLI") is { Length: > 0 } p ? p
        : typeof(CliProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "InotifyGenCli").Value!;

    public static CliProcess Start(params string[] args) => new(CliPath, args, null, null);

    public static CliProcess StartWith(IDictionary<string, string?> env, params string[] args) => new(CliPath, args, env, null);

    public static CliProcess StartWithStdin(string stdin, params string[] args) => new(CliPath, args, null, stdin);

    public static CliProcess StartProgram(string file, params string[] args) => new(file, args, null, null);

    public static CliProcess StartProgramWith(IDictionary<string, string?> env, string file, params string[] args) => new(file, args, env, null);

    /// <summary>Starts inotifygen and waits until it has printed "Watches established.".</summary>
    public static CliProcess StartWatching(params string[] args)
    {
        var p = Start(args);
        p.WaitForStderr(l => l == "Watches established.");
        return p;
    }

    /// <summary>Runs inotifygen to its exit (it must exit by itself before the deadline).</summary>
    public static CliProcess Run(params string[] args)
    {
        var p = Start(args);
        p.WaitForExit();
        return p;
    }

    /// <summary><paramref name="s"/> as one word for /bin/sh.</summary>
    public static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public int Pid => _process.Id;

    public IReadOnlyList<string> Stdout { get { lock (_stdout) return _stdout.ToList(); } }

    public IReadOnlyList<string> Stderr { get { lock (_stderr) return _stderr.ToList(); } }

    /// <summary>Everything written to stdout so far, byte for byte.</summary>
    public byte[] StdoutBytes { get { lock (_stdout) return _stdoutBytes.ToArray(); } }

    /// <summary>Waits until the stdout bytes satisfy <paramref name="complete"/>; returns them.</summary>
    public byte[] WaitForStdoutBytes(Func<byte[], bool> complete, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? Deadline);
        lock (_stdout)
        {
            while (true)
            {
                var bytes = _stdoutBytes.ToArray();
                if (complete(bytes))
                    return bytes;
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    Assert.Fail($"stdout did not reach the expected content within the deadline; got:\n{Describe()}");
                Monitor.Wait(_stdout, left);
            }
        }
    }

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    /// <summary>Waits until a stdout line matches; fails with everything seen when the deadline passes.</summary>
    public string WaitForLine(Func<string, bool> match, TimeSpan? deadline = null) => WaitFor(_stdout, match, deadline, "stdout");

    /// <summary>Waits until <paramref name="count"/> stdout lines exist.</summary>
    public IReadOnlyList<string> WaitForLines(int count, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? Deadline);
        lock (_stdout)
        {
            while (_stdout.Count < count)
            {
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    Assert.Fail($"expected {count} stdout lines within the deadline; got:\n{Describe()}");
                Monitor.Wait(_stdout, left);
            }
            return _stdout.ToList();
        }
    }

    public string WaitForStderr(Func<string, bool> match, TimeSpan? deadline = null) => WaitFor(_stderr, match, deadline, "stderr");

    /// <summary>
    /// Waits until the file's bytes satisfy <paramref name="complete"/> (polled: another process writes it); returns them.
    /// </summary>
    public static byte[] WaitForFile(string path, Func<byte[], bool> complete, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? Deadline);
        while (true)
        {
            var bytes = File.Exists(path) ? File.ReadAllBytes(path) : [];
            if (complete(bytes))
                return bytes;
            if (DateTime.UtcNow > until)
                Assert.Fail($"'{path}' did not reach the expected content within the deadline; it holds:\n{Encoding.UTF8.GetString(bytes)}");
            Thread.Sleep(5);
        }
    }

    /// <summary>Sends a signal (SIGTERM by default) and, unless told not to, waits for the exit.</summary>
    public void Signal(int signal = SIGTERM, bool wait = true)
    {
        if (signal == SIGINT)
            InotifyGen.Tests.Shared.SignalDisposition.AssertSigIntReachesChildren();
        Assert.Equal(0, Kill(_process.Id, signal));
        if (wait)
            WaitForExit();
    }

    /// <summary>Stops the process (SIGSTOP) and waits until every one of its threads is stopped.</summary>
    public void Pause()
    {
        Signal(SIGSTOP, wait: false);
        var until = DateTime.UtcNow + Deadline;
        while (!AllThreadsStopped())
        {
            if (DateTime.UtcNow > until)
                Assert.Fail("the process did not stop after SIGSTOP");
            Thread.Yield();
        }
    }

    /// <summary>Lets a paused process run again (SIGCONT).</summary>
    public void Resume() => Signal(SIGCONT, wait: false);

    private bool AllThreadsStopped()
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{_process.Id}/task"))
        {
            string stat;
            try { stat = File.ReadAllText(Path.Combine(task, "stat")); }
            catch (IOException) { continue; } // the thread ended
            var state = stat[stat.LastIndexOf(')') + 2];
            if (state is not ('T' or 't'))
                return false;
        }
        return true;
    }

    /// <summary>Waits for the exit and for the output to be read to its end.</summary>
    public void WaitForExit(TimeSpan? deadline = null)
    {
        if (!_process.WaitForExit(deadline ?? Deadline))
            Assert.Fail($"the process did not exit within the deadline; output so far:\n{Describe()}");
        if (!_readers.Wait(Deadline))
            Assert.Fail("its output did not reach end-of-file");
    }

    public string Describe() =>
        "--- stdout ---\n" + string.Join("\n", Stdout) + "\n--- stderr ---\n" + string.Join("\n", Stderr);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); _process.WaitForExit(5000); }
            catch (InvalidOperationException) { }
        }
        _process.Dispose();
    }

    public const int SIGINT = 2, SIGTERM = 15, SIGCONT = 18, SIGSTOP = 19;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);

    private static string WaitFor(List<string> lines, Func<string, bool> match, TimeSpan? deadline, string name)
    {
        var until = DateTime.UtcNow + (deadline ?? Deadline);
        lock (lines)
        {
            while (true)
            {
                foreach (var l in lines)
                    if (match(l))
                        return l;
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    break;
                Monitor.Wait(lines, left);
            }
            Assert.Fail($"no matching {name} line within the deadline; got:\n{string.Join("\n", lines)}");
            return "";
        }
    }

    /// <summary>
    /// Keeps stdout's bytes and splits them into lines as <see cref="StreamReader.ReadLine"/> does (at \n, \r and
    /// \r\n; a last line without an ending counts), decoding UTF-8 with U+FFFD for bad bytes.
    /// </summary>
    private async Task PumpBytes(Stream stdout)
    {
        var buffer = new byte[64 * 1024];
        var chars = new char[buffer.Length + 1];
        var decoder = new UTF8Encoding(false).GetDecoder();
        var line = new StringBuilder();
        var afterCr = false;
        int n;
        while ((n = await stdout.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            var count = decoder.GetChars(buffer, 0, n, chars, 0, flush: false);
            lock (_stdout)
            {
                _stdoutBytes.Write(buffer, 0, n);
                for (var i = 0; i < count; i++)
                {
                    var c = chars[i];
                    if (c == '\n' && afterCr)
                    {
                        afterCr = false;
                        continue;
                    }
                    afterCr = c == '\r';
                    if (c is '\n' or '\r')
                    {
                        _stdout.Add(line.ToString());
                        line.Clear();
                    }
                    else
                        line.Append(c);
                }
                Monitor.PulseAll(_stdout);
            }
        }
        lock (_stdout)
        {
            if (line.Length > 0)
                _stdout.Add(line.ToString());
            Monitor.PulseAll(_stdout);
        }
    }

    private static async Task Pump(StreamReader reader, List<string> lines)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (lines)
            {
                lines.Add(line);
                Monitor.PulseAll(lines);
            }
        }
        lock (lines)
            Monitor.PulseAll(lines);
    }
}
