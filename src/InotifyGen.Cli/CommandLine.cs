using System.CommandLine;
using System.CommandLine.Help;

namespace InotifyGen.Cli;

/// <summary>
/// The command-line grammar, on System.CommandLine 2.0 (trim- and AOT-clean: no reflection binding). It parses only;
/// <see cref="Bind"/> turns the result into <see cref="CliOptions"/>, validating as pyinotify and inotifywait do.
/// </summary>
internal sealed class CommandLine
{
    // pyinotify's options, with its letters.
    private readonly Option<bool> _verbose = Flag("--verbose", "-v", "Verbose mode: log debug messages (watches added, events dropped) to stderr");
    private readonly Option<bool> _recursive = Flag("--recursive", "-r", "Add watches recursively on paths");
    private readonly Option<bool> _autoAdd = Flag("--auto_add", "-a", "Automatically add watches on new directories", "--auto-add");
    private readonly Option<bool> _glob = Flag("--glob", "-g", "Treat paths as globs (* ? [...])");
    private readonly Option<string[]> _events = new("--events-list", "-e", "--event")
    {
        Description = "Comma-separated events to watch: IN_* names (IN_CREATE,IN_DELETE, ALL_EVENTS, IN_CLOSE, IN_MOVE) or inotifywait's names (create,close_write); default all",
        HelpName = "EVENT[,...]",
        AllowMultipleArgumentsPerToken = false,
    };
    private readonly Option<bool> _stats = Flag("--stats", "-s", "Count events and print pyinotify's Stats every 5 s (when events came) and at exit, instead of the event lines");
    private readonly Option<bool> _version = Flag("--version", "-V", "Print the version and exit");
    private readonly Option<bool> _rawFormat = Flag("--raw-format", "-f", "Disable the coloured output format (colour is used only on a terminal with NO_COLOR unset)");
    private readonly Option<string> _command = Value("--command", "-c", "CMD",
        "Shell command run (sh -c) after each batch of events; the batch is on its stdin and in INOTIFYGEN_* variables");

    // Output formats.
    private readonly Option<bool> _json = Flag("--json", null, "Write one JSON object per event");
    private readonly Option<bool> _csv = Flag("--csv", null, "Write inotifywait's CSV: watch path, events, file name");
    private readonly Option<string> _format = Value("--format", "FMT",
        "Write one line per event from a template: %w watch path, %f file name, %e events, %Xe events separated by X, %T time, %n newline, %0 NUL, %% percent");
    private readonly Option<bool> _print0 = Flag("--print0", "-0",
        "End each event with NUL instead of a newline, for xargs -0 (names may hold newlines)", "--null");
    private readonly Option<string> _timefmt = Value("--timefmt", "FMT",
        "strftime format of %T: %Y %y %m %d %e %H %I %M %S %p %j %a %A %b %B %h %F %T %D %R %s %z %Z %n %t %% (default %H:%M)");

    // inotifywait's options.
    private readonly Option<bool> _monitor = Flag("--monitor", "-m", "Keep watching after the first event (the default; accepted for inotifywait compatibility)");
    private readonly Option<bool> _once = Flag("--once", "-1", "Exit (code 0) after the first event");
    private readonly Option<string> _timeout = Value("--timeout", "-t", "SEC",
        "Exit with code 2 when no event arrives for SEC seconds (0: never)");
    private readonly Option<string[]> _exclude = Regexes("--exclude", "Ignore events on paths matching this POSIX extended regex (and do not watch such directories)");
    private readonly Option<string[]> _excludei = Regexes("--excludei", "Like --exclude, case-insensitive");
    private readonly Option<string[]> _include = Regexes("--include", "Report only events on paths matching this POSIX extended regex");
    private readonly Option<string[]> _includei = Regexes("--includei", "Like --include, case-insensitive");
    private readonly Option<string> _fromFile = Value("--fromfile", "FILE",
        "Read paths to watch from FILE, one a line ('-' for stdin); a line starting with @ excludes that path");
    private readonly Option<string> _outFile = Value("--outfile", "-o", "FILE",
        "Append events to FILE instead of writing them to stdout");
    private readonly Option<bool> _rescan = Flag("--rescan-on-overflow", null,
        "When the kernel queue overflows, walk the -r/-a trees again: watch what is new, drop what is gone, and report an IN_Q_OVERFLOW per tree (flagged events_lost in --json)");
    private readonly Option<bool> _pyinotifyStream = Flag("--pyinotify-stream", null,
        "Report exactly what pyinotify reports: no synthesised IN_CLOSE_WRITE for a file that a new directory's listing finds already closed (by default each file that appears in a -r/-a tree is closed once)");
    private readonly Option<string> _backend = Value("--backend", "inotify|fanotify",
        "Watch through inotify (the default: a watch per directory) or fanotify (root only: one filesystem mark for a whole tree, no walk; " +
            "falls back to inotify, saying why, where refused)");
    private readonly Option<bool> _quiet = Flag("--quiet", "-q", "Print only events: no set-up progress and no \"Watches established.\"");

    // Daemon options.
    private readonly Option<bool> _daemon = Flag("--daemon", "-d", "Detach and run in the background (needs -o or --stdout to keep the events)");
    private readonly Option<string> _pidFile = Value("--pid-file", "FILE",
        "With --daemon: write the daemon's pid to FILE (default /var/run/inotifygen.pid); an existing live one is an error");
    private readonly Option<bool> _forceKill = Flag("--force-kill", null, "With --daemon: kill the process named in an existing pid file first");
    private readonly Option<string> _stdout = Value("--stdout", "FILE",
        "With --daemon: redirect the daemon's stdout to FILE (default /dev/null)");
    private readonly Option<string> _stderr = Value("--stderr", "FILE",
        "With --daemon: redirect the daemon's stderr to FILE (default /dev/null)");

    // Publishing to NATS JetStream (InotifyGen.Nats).
    private readonly Option<string> _publish = Value("--publish", "URL",
        "Publish each event (its --json object) to the NATS JetStream server at URL (nats://HOST:PORT), acknowledged, instead of printing it");
    private readonly Option<string> _subject = Value("--subject", "SUBJECT",
        "With --publish: the subject; {host} and {watch} are replaced by the host name and the watched path as tokens (default inotify.{host}.{watch})");
    private readonly Option<string> _stream = Value("--stream", "NAME",
        "With --publish: the JetStream stream, created as a work queue on inotify.> when missing (default INOTIFY)");
    private readonly Option<string> _state = Value("--state", "FILE",
        "With --publish: keep the tree's state at the last acknowledged publish in FILE, and on start publish what changed while not running");
    private readonly Option<string> _publishBuffer = Value("--publish-buffer", "N",
        "With --publish: how many events may wait for the server; beyond it they are lost and an IN_Q_OVERFLOW (events_lost) follows (default 100000)");

    // Hidden from --help: the man page and the shell completions, rendered from this table (Docs/).
    private readonly Option<bool> _man = new("--man") { Description = "Print the manual page (roff) and exit", Arity = ArgumentArity.Zero, Hidden = true };
    private readonly Option<string> _completions = new("--completions") { Description = "Print the completion script for SHELL (bash) and exit", HelpName = "SHELL", Hidden = true };

    private readonly Argument<string[]> _paths = new("path")
    {
        Description = "Files or directories to watch (default /tmp)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public CommandLine()
    {
        // A plain Command rather than RootCommand: it is named `inotifygen` (not after the assembly), and has no built-in
        // --version, since -V/--version is pyinotify's.
        Root = new Command("inotifygen",
            "Watch files and directories with Linux inotify and print each event: pyinotify's command line and inotifywait in one tool. " +
            "Exit codes: 0 stopped by SIGINT/SIGTERM or -1 got its event; 1 runtime error; 2 usage error or -t timeout.");
        // Not the default aliases: "/h" and "/?" are paths one might watch.
        Root.Options.Add(new HelpOption("--help", "-h", "-?"));
        foreach (var option in new Option[]
                 {
                     _verbose, _recursive, _autoAdd, _glob, _events, _stats, _version, _rawFormat, _command,
                     _json, _csv, _format, _timefmt, _print0,
                     _monitor, _once, _timeout, _exclude, _excludei, _include, _includei, _fromFile, _outFile, _quiet,
                     _rescan, _pyinotifyStream, _backend,
                     _daemon, _pidFile, _forceKill, _stdout, _stderr,
                     _publish, _subject, _stream, _state, _publishBuffer,
                 })
            Root.Options.Add(option);
        Root.Options.Add(_man);
        Root.Options.Add(_completions);
        Root.Arguments.Add(_paths);
    }

    public Command Root { get; }

    public ParseResult Parse(string[] args) => Root.Parse(args);

    /// <summary>True when the parse result asks for --help (which System.CommandLine prints).</summary>
    public static bool IsHelp(ParseResult result) => result.Action is HelpAction;

    public static bool IsVersion(ParseResult result, CommandLine cl) => result.GetValue(cl._version);

    /// <summary>The text --man or --completions asks for, or null.</summary>
    public string? Documentation(ParseResult result)
    {
        if (result.GetValue(_man))
            return Docs.ManPage.Render(Root, Program.Version);
        if (result.GetValue(_completions) is not { } shell)
            return null;
        return shell == "bash" ? Docs.Completions.Bash(Root, EventNames.ValidNames())
            : throw new UsageException($"--completions: no script for '{shell}'; the shells are: {string.Join(", ", Docs.Completions.Shells)}");
    }

    /// <summary>Validates the parse into options. Throws <see cref="UsageException"/> for any mistake.</summary>
    public CliOptions Bind(ParseResult r, string[] args)
    {
        if (r.Errors.Count > 0)
            throw new UsageException(r.Errors[0].Message + " (see inotifygen --help)");
        // Everything unknown lands in the path argument; a "path" like --bogus is an unknown option unless it follows --.
        var endOfOptions = Array.IndexOf(args, "--");
        for (var i = 0; i < (endOfOptions < 0 ? args.Length : endOfOptions); i++)
            if (args[i].Length > 1 && args[i][0] == '-' && (r.GetValue(_paths) ?? []).Contains(args[i]))
                throw new UsageException($"unknown option '{args[i]}' (see inotifygen --help; a path that starts with '-' goes after --)");

        var outputs = new[] { r.GetValue(_json), r.GetValue(_csv), r.GetValue(_format) is not null }.Count(b => b);
        if (outputs > 1)
            throw new UsageException("--json, --csv and --format cannot be combined; choose one output format");

        var paths = (r.GetValue(_paths) ?? []).ToList();
        var excludedByFile = new List<string>();
        if (r.GetValue(_fromFile) is { } fromFile)
            ReadFromFile(fromFile, paths, excludedByFile);
        if (paths.Count == 0)
        {
            if (r.GetValue(_fromFile) is not null)
                throw new UsageException("--fromfile listed no path to watch; put one path a line in it");
            paths.Add("/tmp"); // pyinotify's default
        }

        var daemon = r.GetValue(_daemon);
        foreach (var (opt, name) in new[] { (_pidFile, "--pid-file"), (_stdout, "--stdout"), (_stderr, "--stderr") })
            if (!daemon && r.GetValue(opt) is not null)
                throw new UsageException($"{name} only applies with --daemon; add --daemon or drop {name}");
        if (!daemon && r.GetValue(_forceKill))
            throw new UsageException("--force-kill only applies with --daemon; add --daemon or drop --force-kill");

        var recursive = r.GetValue(_recursive);
        var autoAdd = r.GetValue(_autoAdd);
        if (r.GetValue(_rescan) && !recursive && !autoAdd)
            throw new UsageException("--rescan-on-overflow rescans -r and -a trees; add -r (or -a), or drop --rescan-on-overflow");

        var format = r.GetValue(_format);
        var backend = r.GetValue(_backend) switch
        {
            null or "inotify" => WatchBackend.Inotify,
            "fanotify" => WatchBackend.Fanotify,
            var other => throw new UsageException($"--backend: no backend '{other}'; choose inotify or fanotify"),
        };
        return new CliOptions
        {
            Paths = paths,
            FromFileExcludes = excludedByFile,
            Verbose = r.GetValue(_verbose),
            Recursive = recursive,
            AutoAdd = autoAdd,
            Glob = r.GetValue(_glob),
            Mask = EventNames.ParseList(r.GetValue(_events)),
            Stats = r.GetValue(_stats),
            RawFormat = r.GetValue(_rawFormat),
            Command = r.GetValue(_command) is { } c && c.Length > 0 ? c
                : r.GetValue(_command) is not null ? throw new UsageException("-c/--command needs a shell command, e.g. -c 'make'") : null,
            Output = r.GetValue(_json) ? OutputKind.Json : r.GetValue(_csv) ? OutputKind.Csv : format is not null ? OutputKind.Template : OutputKind.Raw,
            OutputChosen = outputs > 0,
            Format = format,
            TimeFormat = r.GetValue(_timefmt) ?? "%H:%M",
            Print0 = r.GetValue(_print0),
            RescanOnOverflow = r.GetValue(_rescan),
            CompleteFiles = !r.GetValue(_pyinotifyStream),
            Backend = backend,
            Once = r.GetValue(_once),
            TimeoutSeconds = ParseTimeout(r.GetValue(_timeout)),
            Excludes = r.GetValue(_exclude) ?? [],
            ExcludesIgnoreCase = r.GetValue(_excludei) ?? [],
            Includes = r.GetValue(_include) ?? [],
            IncludesIgnoreCase = r.GetValue(_includei) ?? [],
            OutFile = r.GetValue(_outFile),
            Quiet = r.GetValue(_quiet),
            Daemon = daemon,
            PidFile = r.GetValue(_pidFile),
            ForceKill = r.GetValue(_forceKill),
            StdoutFile = r.GetValue(_stdout),
            StderrFile = r.GetValue(_stderr),
            Publish = BindPublish(r),
        };
    }

    /// <summary>--publish and its options, validated by the publisher's own rules (reported with the option names).</summary>
    private Nats.JetStreamPublisherOptions? BindPublish(ParseResult r)
    {
        var url = r.GetValue(_publish);
        if (url is null)
        {
            foreach (var (opt, name) in new[] { (_subject, "--subject"), (_stream, "--stream"), (_state, "--state"), (_publishBuffer, "--publish-buffer") })
                if (r.GetValue(opt) is not null)
                    throw new UsageException($"{name} only applies with --publish; add --publish nats://HOST:PORT or drop {name}");
            return null;
        }
        var options = new Nats.JetStreamPublisherOptions { Url = url, StatePath = r.GetValue(_state) };
        if (r.GetValue(_subject) is { } subject)
            options.Subject = subject;
        if (r.GetValue(_stream) is { } stream)
            options.Stream = stream;
        if (r.GetValue(_publishBuffer) is { } buffer)
            options.BufferCapacity = int.TryParse(buffer, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n
                : throw new UsageException($"--publish-buffer needs a whole number of events (1 or more), not '{buffer}'");
        var optionNames = new Dictionary<string, string>
        {
            ["Url"] = "--publish", ["Subject"] = "--subject", ["Stream"] = "--stream", ["StatePath"] = "--state", ["BufferCapacity"] = "--publish-buffer",
        };
        foreach (var problem in options.Validate())
        {
            var colon = problem.IndexOf(':', StringComparison.Ordinal);
            throw new UsageException(optionNames.GetValueOrDefault(problem[..colon], problem[..colon]) + problem[colon..]);
        }
        return options;
    }

    private static double? ParseTimeout(string? text)
    {
        if (text is null)
            return null;
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var sec)
            || sec < 0 || double.IsNaN(sec) || double.IsInfinity(sec))
            throw new UsageException($"-t/--timeout needs a number of seconds (0 or more), not '{text}'");
        return sec == 0 ? null : sec;
    }

    private static void ReadFromFile(string file, List<string> paths, List<string> excluded)
    {
        IEnumerable<string> lines;
        try
        {
            // Bytes, decoded losslessly: a path that is not UTF-8 keeps its bytes.
            byte[] bytes;
            if (file == "-")
            {
                using var stdin = new MemoryStream();
                Console.OpenStandardInput().CopyTo(stdin);
                bytes = stdin.ToArray();
            }
            else
                bytes = File.ReadAllBytes(file);
            lines = Lines(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read --fromfile '{file}': {e.Message}");
        }
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
                continue;
            if (line[0] == '@')
                excluded.Add(line[1..]);
            else
                paths.Add(line);
        }
    }

    private static IEnumerable<string> Lines(byte[] bytes)
    {
        for (int start = 0, end; start < bytes.Length; start = end + 1)
        {
            end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0)
                end = bytes.Length;
            yield return FileNames.Decode(bytes.AsSpan(start, end - start));
        }
    }

    private static Option<bool> Flag(string name, string? alias, string description, string? alias2 = null)
    {
        var aliases = new[] { alias, alias2 }.OfType<string>().ToArray();
        return new Option<bool>(name, aliases) { Description = description, Arity = ArgumentArity.Zero };
    }

    /// <summary>An option with one value, named <paramref name="helpName"/> in --help.</summary>
    private static Option<string> Value(string name, string helpName, string description) => Value(name, null, helpName, description);

    private static Option<string> Value(string name, string? alias, string helpName, string description) =>
        new(name, alias is null ? [] : [alias]) { Description = description, HelpName = helpName };

    private static Option<string[]> Regexes(string name, string description) =>
        new(name) { Description = description, HelpName = "REGEX", AllowMultipleArgumentsPerToken = false };
}
