using System.Text.RegularExpressions;

namespace InotifyGen;

/// <summary>
/// pyinotify's <c>ExcludeFilter</c>: paths matching any of its regular expressions (anchored at the start of the
/// path, like Python's <c>re.match</c>) are not watched, and, unlike pyinotify, events for matching entries
/// inside a watched directory are not reported either.
/// </summary>
public sealed class ExcludeFilter
{
    private readonly Regex[] _patterns;

    /// <summary>Excludes paths matching any of <paramref name="patterns"/>.</summary>
    public ExcludeFilter(IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        Patterns = patterns.ToArray();
        _patterns = Patterns.Select(Compile).ToArray();
    }

    /// <summary>Excludes paths matching any of <paramref name="patterns"/>.</summary>
    public ExcludeFilter(params string[] patterns) : this((IEnumerable<string>)patterns) { }

    /// <summary>Reads the patterns from a file: one regex a line; blank lines and lines starting with '#' are skipped.</summary>
    public static ExcludeFilter FromFile(string path) =>
        new(File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')));

    /// <summary>The patterns, as given.</summary>
    public IReadOnlyList<string> Patterns { get; }

    /// <summary>True when <paramref name="path"/> should not be watched or reported.</summary>
    public bool IsExcluded(string path)
    {
        foreach (var p in _patterns)
            if (p.IsMatch(path))
                return true;
        return false;
    }

    private static Regex Compile(string pattern)
    {
        try
        {
            // \G anchors at the start like re.match, without touching the pattern's own alternation.
            return new Regex(@"\G(?:" + pattern + ")", RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"exclude pattern '{pattern}' is not a valid regular expression: {e.Message}", nameof(pattern), e);
        }
    }
}
