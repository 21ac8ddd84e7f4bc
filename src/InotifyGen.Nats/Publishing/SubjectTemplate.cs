using System.Text;

namespace InotifyGen.Nats;

/// <summary>
/// A subject with <c>{host}</c> and <c>{watch}</c> in it. Each value becomes subject tokens: a path's components
/// (<c>/srv/uploads</c> gives <c>srv.uploads</c>, <c>/</c> gives <c>_</c>), each character that cannot stand in a
/// token ('.', '*', '>', white space, anything not ASCII) replaced by '_'.
/// </summary>
internal sealed class SubjectTemplate
{
    private readonly string _template;
    private readonly Dictionary<string, string> _byWatch = new(StringComparer.Ordinal);

    public SubjectTemplate(string template, string host)
    {
        _template = template.Replace("{host}", Token(host), StringComparison.Ordinal);
    }

    /// <summary>The subject of an event under <paramref name="watch"/> (null: an event of no watch, IN_Q_OVERFLOW).</summary>
    public string For(string? watch)
    {
        watch ??= "";
        if (!_byWatch.TryGetValue(watch, out var subject))
            _byWatch[watch] = subject = _template.Replace("{watch}", PathTokens(watch), StringComparison.Ordinal);
        return subject;
    }

    public static bool TryParse(string template, out string error)
    {
        error = "";
        if (string.IsNullOrWhiteSpace(template))
            error = "empty; use a subject such as inotify.{host}.{watch}";
        else if (template.Split('.').Any(t => t.Length == 0))
            error = $"'{template}' has an empty token (two dots, or a dot at an end); use tokens separated by single dots";
        else if (template.IndexOfAny([' ', '*', '>', '\t']) >= 0)
            error = $"'{template}' has a space or a wildcard; a published subject is literal, e.g. inotify.{{host}}.{{watch}}";
        else if (template.Replace("{host}", "").Replace("{watch}", "").IndexOfAny(['{', '}']) >= 0)
            error = $"'{template}' has an unknown placeholder; the placeholders are {{host}} and {{watch}}";
        return error.Length == 0;
    }

    private static string PathTokens(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Token).ToArray();
        return parts.Length == 0 ? "_" : string.Join('.', parts);
    }

    private static string Token(string text)
    {
        var b = new StringBuilder(text.Length);
        foreach (var c in text)
            b.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        return b.Length == 0 ? "_" : b.ToString();
    }
}
