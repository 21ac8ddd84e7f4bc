using System.Text.RegularExpressions;

namespace InotifyGen.Cli;

/// <summary>
/// inotifywait's --exclude/--include (and the -i variants): unanchored POSIX extended regexes, searched in the full
/// path of each event. .NET's regex engine stands in for POSIX ERE: the syntax people use with inotifywait (anchors,
/// groups, alternation, bracket expressions, repetition) means the same; POSIX classes such as [[:digit:]] are
/// translated; back-references and leftmost-longest matching are .NET's.
/// </summary>
internal sealed class PathFilter
{
    private readonly Regex[] _exclude;
    private readonly Regex[] _include;
    private readonly HashSet<string> _excludedPaths;

    public PathFilter(CliOptions o)
    {
        _exclude = [.. o.Excludes.Select(p => Compile(p, false, "--exclude")), .. o.ExcludesIgnoreCase.Select(p => Compile(p, true, "--excludei"))];
        _include = [.. o.Includes.Select(p => Compile(p, false, "--include")), .. o.IncludesIgnoreCase.Select(p => Compile(p, true, "--includei"))];
        _excludedPaths = new HashSet<string>(o.FromFileExcludes.Select(Normalize), StringComparer.Ordinal);
    }

    public bool IsEmpty => _exclude.Length == 0 && _include.Length == 0 && _excludedPaths.Count == 0;

    /// <summary>Whether any directory can be excluded: without, a walk need not ask for each (a million directories).</summary>
    public bool ExcludesAny => _exclude.Length > 0 || _excludedPaths.Count > 0;

    /// <summary>True when a directory should not be watched (--exclude, or an @path in --fromfile, at or above it).</summary>
    public bool ExcludesDirectory(string path) => IsExcludedPath(path) || AnyMatch(_exclude, path);

    /// <summary>True when an event on <paramref name="pathName"/> is reported.</summary>
    public bool Reports(string pathName)
    {
        if (ExcludesDirectory(pathName))
            return false;
        return _include.Length == 0 || AnyMatch(_include, pathName);
    }

    private static bool AnyMatch(Regex[] patterns, string path)
    {
        foreach (var r in patterns)
            if (r.IsMatch(path))
                return true;
        return false;
    }

    /// <summary>
    /// The same exclusions as the runtime's <see cref="ExcludeFilter"/>, so directories auto-added later inherit them.
    /// Its patterns are anchored at the start of the path (re.match), so each --exclude becomes a search anywhere,
    /// and each @path a prefix.
    /// </summary>
    public ExcludeFilter? ToExcludeFilter()
    {
        if (_exclude.Length == 0 && _excludedPaths.Count == 0)
            return null;
        var patterns = _exclude.Select(r => ((r.Options & RegexOptions.IgnoreCase) != 0 ? "(?i)" : "") + ".*?(?:" + r + ")")
            .Concat(_excludedPaths.Select(p => Regex.Escape(p) + "(?:/|$)"));
        return new ExcludeFilter(patterns);
    }

    private bool IsExcludedPath(string path)
    {
        if (_excludedPaths.Count == 0)
            return false;
        for (var p = path; p.Length > 0; p = Path.GetDirectoryName(p) ?? "")
        {
            if (_excludedPaths.Contains(p))
                return true;
            if (p == "/")
                break;
        }
        return false;
    }

    private static string Normalize(string path)
    {
        var full = Path.GetFullPath(path);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }

    private static Regex Compile(string pattern, bool ignoreCase, string option)
    {
        try
        {
            return new Regex(TranslatePosixClasses(pattern),
                RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None));
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{option} '{pattern}' is not a valid regular expression: {e.Message}");
        }
    }

    /// <summary>[[:alpha:]] and friends, which .NET does not know, as .NET ranges.</summary>
    private static string TranslatePosixClasses(string pattern) => pattern
        .Replace("[:alpha:]", "a-zA-Z", StringComparison.Ordinal)
        .Replace("[:digit:]", "0-9", StringComparison.Ordinal)
        .Replace("[:alnum:]", "a-zA-Z0-9", StringComparison.Ordinal)
        .Replace("[:upper:]", "A-Z", StringComparison.Ordinal)
        .Replace("[:lower:]", "a-z", StringComparison.Ordinal)
        .Replace("[:space:]", @"\s", StringComparison.Ordinal)
        .Replace("[:blank:]", @" \t", StringComparison.Ordinal)
        .Replace("[:xdigit:]", "0-9A-Fa-f", StringComparison.Ordinal)
        .Replace("[:punct:]", @"!-/:-@\[-`{-~", StringComparison.Ordinal)
        .Replace("[:cntrl:]", @"\x00-\x1f\x7f", StringComparison.Ordinal)
        .Replace("[:print:]", @"\x20-\x7e", StringComparison.Ordinal)
        .Replace("[:graph:]", @"\x21-\x7e", StringComparison.Ordinal);
}
