using System.Reflection;
using System.Text;

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
        var cl = new CommandLine();
        var parse = cl.Parse(args);
        if (CommandLine.IsHelp(parse))
            return parse.Invoke();
        if (parse.Errors.Count == 0 && CommandLine.IsVersion(parse, cl))
        {
            Console.Out.WriteLine($"inotifygen {Version}");
            return ExitOk;
        }

        TextWriter? fileOut = null;
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
            var output = options.OutFile is { } file
                ? fileOut = OpenOutFile(file)
                : new StreamWriter(OpenStdout(), new UTF8Encoding(false), 64 * 1024) { AutoFlush = false };
            try
            {
                return new Watcher(options, output, stdoutIsTerminal, Console.Error).Run();
            }
            finally
            {
                FlushQuietly(output);
            }
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
            fileOut?.Dispose();
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

    private static StreamWriter OpenOutFile(string file)
    {
        try
        {
            // Appended to, as inotifywait does.
            return new StreamWriter(new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false), 64 * 1024);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException($"cannot open -o file '{file}': {e.Message}; check that its directory exists and is writable");
        }
    }

    private static void FlushQuietly(TextWriter w)
    {
        try { w.Flush(); }
        catch (IOException) { } // the reader went away (a closed pipe): nothing left to tell it
    }

    /// <summary>
    /// fd 1 as a plain stream. Console's own stream ignores EPIPE, so `inotifygen | head -1` would never end; this one
    /// throws, and <see cref="Watcher"/> stops when its reader is gone.
    /// </summary>
    private static Stream OpenStdout()
    {
        try
        {
            return new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return Console.OpenStandardOutput(); // fd 1 is something FileStream refuses: fall back
        }
    }
}
