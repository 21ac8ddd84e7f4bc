using System.Text;
using System.Text.RegularExpressions;

namespace InotifyGen;

/// <summary>Shell-style globbing (<c>* ? [...]</c>) of absolute paths, as Python's <c>glob.glob</c>: wildcards do not match a leading dot.</summary>
internal static class Glob
{
    public static bool HasMagic(string path) => path.AsSpan().IndexOfAny("*?[") >= 0;

    /// <summary>The existing paths matching <paramref name="pattern"/>, sorted; empty when none match.</summary>
    public static IReadOnlyList<string> Expand(string pattern)
    {
        if (!HasMagic(pattern))
            return Path.Exists(pattern) ? [pattern] : [];
        var parts = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        IEnumerable<string> current = ["/"];
        foreach (var part in parts)
        {
            if (!HasMagic(part))
            {
                current = current.Select(c => Path.Join(c, part)).Where(Path.Exists).ToList();
                continue;
            }
            var regex = ToRegex(part);
            current = current.Where(Directory.Exists)
                .SelectMany(dir => SafeEntries(dir).Where(e => regex.IsMatch(Path.GetFileName(e)) && (part[0] == '.' || Path.GetFileName(e)[0] != '.')))
                .ToList();
        }
        return current.Order(StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<string> SafeEntries(string dir)
    {
        try { return Directory.EnumerateFileSystemEntries(dir).ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    private static Regex ToRegex(string part)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < part.Length; i++)
        {
            var c = part[i];
            var close = c == '[' ? part.IndexOf(']', i + 2) : -1;
            if (c == '*') sb.Append(".*");
            else if (c == '?') sb.Append('.');
            else if (close > 0)
            {
                var set = part[(i + 1)..close];
                sb.Append('[').Append(set[0] == '!' ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                i = close;
            }
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }
}
