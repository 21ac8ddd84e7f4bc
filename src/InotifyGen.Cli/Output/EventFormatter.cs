using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace InotifyGen.Cli.Output;

/// <summary>Turns one event into its output text (without the trailing newline).</summary>
internal abstract class EventFormatter
{
    /// <summary>The event's text; <paramref name="colour"/> asks for terminal colours where the format has them.</summary>
    public abstract string Format(in InotifyEvent e, bool colour);

    /// <summary>What ends each event's text (a newline; a template decides its own).</summary>
    public virtual string Terminator => "\n";

    public static EventFormatter Create(CliOptions o) => o.Output switch
    {
        OutputKind.Json => new JsonFormatter(),
        OutputKind.Csv => new CsvFormatter(),
        OutputKind.Template => new TemplateFormatter(o.Format!, o.TimeFormat),
        _ => new RawFormatter(),
    };

    /// <summary>inotifywait's %w: the watch's path, with a trailing slash when it is a directory.</summary>
    protected static string WatchPath(in InotifyEvent e)
    {
        var watchIsDir = e.Name.Length > 0 || (e.Watch?.IsDir ?? e.IsDir);
        return watchIsDir && !e.Path.EndsWith('/') ? e.Path + "/" : e.Path;
    }
}

/// <summary>
/// pyinotify's line (<see cref="InotifyEvent.ToString"/>); in colour, pyinotify's ColoredOutputFormat escape codes,
/// byte for byte.
/// </summary>
internal sealed class RawFormatter : EventFormatter
{
    private const string Normal = "\e[0m", Red = "\e[31m", Bold = "\e[1m", Blue = "\e[34m", Purple = "\e[35m";

    public override string Format(in InotifyEvent e, bool colour)
    {
        if (!colour)
            return e.ToString();
        var sb = new StringBuilder(512);
        sb.Append(Normal).Append('<').Append(Normal).Append(Red).Append(Bold).Append("Event").Append(Normal);
        var mask = "0x" + ((uint)e.Mask).ToString("x", CultureInfo.InvariantCulture);
        if (e.Watch is null)
        {
            Field(sb, "mask", mask);
            Field(sb, "maskname", e.MaskName);
        }
        else
        {
            if ((e.Mask & EventMask.Move) != 0)
                Field(sb, "cookie", e.Cookie.ToString(CultureInfo.InvariantCulture));
            Field(sb, "dir", e.IsDir ? "True" : "False");
            Field(sb, "mask", mask);
            Field(sb, "maskname", e.MaskName);
            Field(sb, "name", Quote(e.Name));
            Field(sb, "path", Quote(e.Path));
            Field(sb, "pathname", Quote(e.PathName));
            if (e.SrcPathName is { } src)
                Field(sb, "src_pathname", Quote(src));
            Field(sb, "wd", e.Wd.ToString(CultureInfo.InvariantCulture));
        }
        return sb.Append(' ').Append(Normal).Append('>').Append(Normal).ToString();
    }

    private static void Field(StringBuilder sb, string name, string value) =>
        sb.Append(' ').Append(Blue).Append(name).Append(Normal)
          .Append(Normal).Append('=').Append(Normal)
          .Append(Purple).Append(value).Append(Normal);

    private static string Quote(string s) => s.Length == 0 ? "''" : s;
}

/// <summary>
/// One JSON object a line, fields in pyinotify's order: <c>{"wd":1,"mask":256,"maskname":"IN_CREATE","dir":false,
/// "name":"foo","path":"/tmp/w","pathname":"/tmp/w/foo"}</c>; <c>cookie</c> on moves, <c>src_pathname</c> on a paired
/// IN_MOVED_TO, only <c>mask</c> and <c>maskname</c> for IN_Q_OVERFLOW.
/// </summary>
internal sealed class JsonFormatter : EventFormatter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly ArrayBufferWriter<byte> _buffer = new(512);

    public override string Format(in InotifyEvent e, bool colour)
    {
        _buffer.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(_buffer, Options))
        {
            w.WriteStartObject();
            if (e.Watch is not null)
                w.WriteNumber("wd", e.Wd);
            w.WriteNumber("mask", (uint)e.Mask);
            w.WriteString("maskname", e.MaskName);
            if (e.Watch is not null)
            {
                w.WriteBoolean("dir", e.IsDir);
                if ((e.Mask & EventMask.Move) != 0)
                    w.WriteNumber("cookie", e.Cookie);
                w.WriteString("name", e.Name);
                w.WriteString("path", e.Path);
                w.WriteString("pathname", e.PathName);
                if (e.SrcPathName is { } src)
                    w.WriteString("src_pathname", src);
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }
}

/// <summary>inotifywait's --csv: <c>%w,%e,%f</c>, each field quoted when it holds a comma, quote or line break.</summary>
internal sealed class CsvFormatter : EventFormatter
{
    public override string Format(in InotifyEvent e, bool colour) =>
        Quote(WatchPath(e)) + "," + Quote(EventNames.Inotifywait(e.Mask, ",")) + "," + Quote(e.Name);

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>
/// inotifywait's --format: %w watch path (directories end in '/'), %f file name, %e events comma-separated,
/// %Xe events separated by the character X, %T the time in --timefmt, %n newline, %0 NUL, %% a percent sign.
/// Like inotifywait, a newline follows each event.
/// </summary>
internal sealed class TemplateFormatter(string template, string timeFormat) : EventFormatter
{
    public override string Format(in InotifyEvent e, bool colour)
    {
        var sb = new StringBuilder(template.Length + 64);
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c != '%' || i + 1 >= template.Length)
            {
                sb.Append(c);
                continue;
            }
            var d = template[++i];
            switch (d)
            {
                case 'w': sb.Append(WatchPath(e)); break;
                case 'f': sb.Append(e.Name); break;
                case 'e': sb.Append(EventNames.Inotifywait(e.Mask, ",")); break;
                case 'T': sb.Append(Strftime.Format(DateTimeOffset.Now, timeFormat)); break;
                case 'n': sb.Append('\n'); break;
                case '0': sb.Append('\0'); break;
                case '%': sb.Append('%'); break;
                default:
                    if (i + 1 < template.Length && template[i + 1] == 'e')
                    {
                        sb.Append(EventNames.Inotifywait(e.Mask, d.ToString()));
                        i++;
                    }
                    else
                        sb.Append('%').Append(d); // unknown: kept as written
                    break;
            }
        }
        return sb.ToString();
    }
}
