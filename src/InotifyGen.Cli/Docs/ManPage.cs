using System.CommandLine;
using System.Text;

namespace InotifyGen.Cli.Docs;

/// <summary>
/// <c>inotifygen --man</c>: the manual page (roff, man(7) macros) rendered from the same option table as --help, so
/// the two cannot disagree. Install it with <c>inotifygen --man &gt; ~/.local/share/man/man1/inotifygen.1</c>.
/// </summary>
internal static class ManPage
{
    public static string Render(Command root, string version)
    {
        var s = new StringBuilder();
        s.Append(".TH INOTIFYGEN 1 \"\" \"inotifygen ").Append(Escape(version)).Append("\" \"User Commands\"\n");
        s.Append(".SH NAME\ninotifygen \\- ").Append(Escape(FirstSentence(root.Description))).Append('\n');
        s.Append(".SH SYNOPSIS\n.B inotifygen\n[\\fIOPTION\\fR]... [\\fIPATH\\fR]...\n");
        s.Append(".SH DESCRIPTION\n").Append(Escape(root.Description ?? "")).Append('\n');
        foreach (var argument in root.Arguments.Where(a => !a.Hidden))
            s.Append(".PP\n\\fI").Append(Escape(argument.Name.ToUpperInvariant())).Append("\\fR: ").Append(Escape(argument.Description ?? "")).Append('\n');
        s.Append(".SH OPTIONS\n");
        foreach (var option in Visible(root))
        {
            s.Append(".TP\n");
            s.Append(string.Join(", ", Names(option).Select(n => "\\fB" + Escape(n) + "\\fR")));
            if (TakesValue(option))
                s.Append(" \\fI").Append(Escape(option.HelpName ?? "VALUE")).Append("\\fR");
            s.Append('\n').Append(Escape(option.Description ?? "")).Append('\n');
        }
        s.Append(".SH SEE ALSO\n.BR inotifywait (1),\n.BR inotify (7)\n");
        return s.ToString();
    }

    /// <summary>The options --help shows, in its order.</summary>
    public static IEnumerable<Option> Visible(Command root) => root.Options.Where(o => !o.Hidden);

    /// <summary>Short aliases first, then the name and long aliases, as --help lists them.</summary>
    public static IEnumerable<string> Names(Option option) =>
        option.Aliases.Append(option.Name).Distinct().OrderBy(n => n.StartsWith("--", StringComparison.Ordinal) ? 1 : 0).ThenBy(n => n == option.Name ? 0 : 1);

    public static bool TakesValue(Option option) => option.Arity.MaximumNumberOfValues > 0;

    private static string FirstSentence(string? text)
    {
        text ??= "";
        var end = text.IndexOf(": ", StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }

    /// <summary>Roff-safe text: backslashes and hyphens escaped, no line starting with a control character.</summary>
    private static string Escape(string text)
    {
        var escaped = text.Replace("\\", "\\e", StringComparison.Ordinal).Replace("-", "\\-", StringComparison.Ordinal);
        return escaped.StartsWith('.') || escaped.StartsWith('\'') ? "\\&" + escaped : escaped;
    }
}
