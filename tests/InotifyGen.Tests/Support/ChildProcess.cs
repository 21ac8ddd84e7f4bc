using System.Diagnostics;

namespace InotifyGen.Tests.Support;

/// <summary>Runs a program built next to the tests (`dotnet X.dll ...`), optionally as another user.</summary>
public static class ChildProcess
{
    public static ProcessStartInfo Dotnet(string assemblyName, IEnumerable<string> args, string? asUser = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, assemblyName + ".dll");
        var dotnet = Environment.ProcessPath!; // the test host is started by the dotnet executable
        if (!Path.GetFileName(dotnet).StartsWith("dotnet", StringComparison.Ordinal))
            dotnet = "dotnet";
        var psi = asUser is null
            ? new ProcessStartInfo(dotnet)
            : new ProcessStartInfo("setpriv", ["--reuid=" + asUser, "--regid=" + asUser, "--clear-groups", "--", dotnet]);
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        psi.Environment["DOTNET_NOLOGO"] = "1";
        return psi;
    }

    /// <summary>
    /// The same program inside a new user namespace where this process is root (<c>unshare -U -r</c>), after
    /// <paramref name="setup"/> (a shell line, e.g. lowering /proc/sys/user/max_inotify_watches for that namespace alone).
    /// </summary>
    public static ProcessStartInfo DotnetInUserNamespace(string assemblyName, IEnumerable<string> args, string setup)
    {
        var inner = Dotnet(assemblyName, args);
        var psi = new ProcessStartInfo("unshare", ["-U", "-r", "sh", "-c", setup + " && exec \"$0\" \"$@\"", inner.FileName, .. inner.ArgumentList]);
        foreach (var (k, v) in inner.Environment)
            psi.Environment[k] = v;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        return psi;
    }

    /// <summary>Runs to completion (with a deadline) and returns the exit code and output.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(ProcessStartInfo psi, TimeSpan? deadline = null)
    {
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(deadline ?? TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{psi.FileName} did not exit in time");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
