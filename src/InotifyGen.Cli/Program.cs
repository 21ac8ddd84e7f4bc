using System.Reflection;
using InotifyGen.Cli.Output;

namespace InotifyGen.Cli;

/// <summary>
/// <c>inotifygen [options] [path ...]</c>: pyinotify's command line and inotifywait in one tool.
/// Exit codes: 0 (stopped by a signal, or -1 got its event), 1 (a runtime error: a missing path, the watch limit),
/// 2 (a usage error, or -t timed out).
/// </summary>
internal static class Program
{
    public const int ExitOk = 0, ExitFailure = 1, ExitUsage = 2;

    public static int Main(string[] args)
    {
        args = ExactArguments.Of(args);
        var cl = new CommandLine();
        var parse = cl.Parse(args);
        if (CommandLine.IsHelp(parse))
            return parse.Invoke();
        if (parse.Errors.Count == 0 && CommandLine.IsVersion(parse, cl))
        {
            Console.Out.WriteLine($"inotifygen {Version}");
            return ExitOk;
        }

        OutputFd? output = null;
        try
        {
            if (parse.Errors.Count == 0 && cl.Documentation(parse) is { } documentation)
            {
                Console.Out.Write(documentation);
                return ExitOk;
            }
            var options = cl.Bind(parse, args);
            var stdoutIsTerminal = options.OutFile is null && !Console.IsOutputRedirected;
            if (options.Daemon)
            {
                var code = DaemonMode.Start(options, args);
                if (code is { } parentExit)
                    return parentExit; // the parent: the daemon runs on without us
            }
            output = options.OutFile is { } file ? OutputFd.Append(file) : OutputFd.Stdout();
            return new Watcher(options, output, stdoutIsTerminal, Console.Error).Run();
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"inotifygen: error: {e.Message}");
            return ExitUsage;
        }
        catch (RuntimeFailureException e)
        {
            Console.Error.WriteLine($"inotifygen: error: {e.Message}");
            return ExitFailure;
        }
        catch (InotifyException e)
        {
            Console.Error.WriteLine($"inotifygen: error: {e.Message}");
            return ExitFailure;
        }
        finally
        {
            output?.Dispose();
        }
    }

    /// <summary>The version, without the source-revision suffix.</summary>
    public static string Version
    {
        get
        {
            var v = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            var plus = v.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? v : v[..plus];
        }
    }
}
