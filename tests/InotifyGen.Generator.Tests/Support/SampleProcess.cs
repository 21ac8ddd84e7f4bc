using System.Diagnostics;

namespace InotifyGen.Generator.Tests.Support;

/// <summary>Runs one of the samples (built beside this test project) and collects its output lines.</summary>
internal sealed class SampleProcess : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly List<string> _stdout = new();
    private readonly List<string> _stderr = new();

    public SampleProcess(string sample, params string[] args)
    {
        // This assembly lives in tests/X/bin/<Configuration>/<tfm>/; the sample in samples/<name>/bin/<Configuration>/<tfm>/.
        var tfmDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var configuration = tfmDir.Parent!.Name;
        var root = tfmDir.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "samples", sample, "bin", configuration, tfmDir.Name, sample + ".dll");
        Assert.True(File.Exists(dll), $"sample not built: {dll}");

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(dll);
        foreach (var a in args)
            start.ArgumentList.Add(a);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Add(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Add(_stderr, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public StreamWriter Input => _process.StandardInput;

    public IReadOnlyList<string> Output
    {
        get { lock (_stdout) return _stdout.ToList(); }
    }

    /// <summary>Waits for a line on stdout (or stderr) that contains <paramref name="text"/>.</summary>
    public void WaitForLine(string text, bool onStderr = false)
    {
        var lines = onStderr ? _stderr : _stdout;
        var until = DateTime.UtcNow + Deadline;
        lock (lines)
        {
            while (!lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || _process.HasExited && !Monitor.Wait(lines, 100))
                    throw new TimeoutException($"'{text}' not printed. stdout:\n{string.Join("\n", Output)}\nstderr:\n{string.Join("\n", _stderr)}");
                Monitor.Wait(lines, left);
            }
        }
    }

    public int WaitForExit()
    {
        Assert.True(_process.WaitForExit(Deadline), "the sample did not exit");
        _process.WaitForExit(); // drains the output
        return _process.ExitCode;
    }

    private static void Add(List<string> lines, string? line)
    {
        if (line is null)
            return;
        lock (lines)
        {
            lines.Add(line);
            Monitor.PulseAll(lines);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
