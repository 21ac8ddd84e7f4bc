using System.Buffers;
using System.Text;

namespace InotifyGen.Cli.Output;

/// <summary>
/// Writes one event's text (without what ends it) as bytes, straight into the output buffer. Names are the kernel's
/// bytes: the raw formats (the default, --format, --csv) write them unchanged, as inotifywait does, and --json adds a
/// base64 copy of any field that is not valid UTF-8.
/// </summary>
internal abstract class EventFormatter
{
    /// <summary>Appends the event's text; <paramref name="colour"/> asks for terminal colours where the format has them.</summary>
    public abstract void Format(in EventRecord r, bool colour, ByteBuffer to);

    public static EventFormatter Create(CliOptions o) => o.Output switch
    {
        OutputKind.Json => new JsonFormatter(),
        OutputKind.Csv => new CsvFormatter(),
        OutputKind.Template => new TemplateFormatter(o.Format!, o.TimeFormat),
        _ => new RawFormatter(),
    };

    /// <summary>inotifywait's event names of a mask (<see cref="EventNames.Inotifywait"/>), encoded once per mask.</summary>
    protected sealed class EventNameCache(string separator)
    {
        private readonly Dictionary<EventMask, byte[]> _names = new();

        public byte[] Of(EventMask mask)
        {
            if (!_names.TryGetValue(mask, out var bytes))
                _names[mask] = bytes = Encoding.UTF8.GetBytes(EventNames.Inotifywait(mask, separator));
            return bytes;
        }
    }
}

/// <summary>
/// pyinotify's line (the layout of <see cref="InotifyEvent.ToString"/>, with the name's bytes as they are); in colour,
/// pyinotify's ColoredOutputFormat escape codes, byte for byte.
/// </summary>
internal sealed class RawFormatter : EventFormatter
{
    private const string Normal = "\e[0m", Red = "\e[31m", Bold = "\e[1m", Blue = "\e[34m", Purple = "\e[35m";

    /// <summary>What surrounds the parts of a line, plain and coloured.</summary>
    private sealed record Style(byte[] Head, byte[] BeforeField, byte[] BeforeValue, byte[] AfterValue, byte[] Tail);

    private static readonly Style Plain = new("<Event"u8.ToArray(), " "u8.ToArray(), "="u8.ToArray(), [], " >"u8.ToArray());
    private static readonly Style Coloured = new(
        Bytes(Normal + "<" + Normal + Red + Bold + "Event" + Normal), Bytes(" " + Blue), Bytes(Normal + Normal + "=" + Normal + Purple),
        Bytes(Normal), Bytes(" " + Normal + ">" + Normal));

    public override void Format(in EventRecord r, bool colour, ByteBuffer to)
    {
        var s = colour ? Coloured : Plain;
        to.Append(s.Head);
        if (!r.HasWatch)
        {
            Mask(s, r.Mask, to);
            to.Append(s.Tail);
            return;
        }
        if ((r.Mask & EventMask.Move) != 0)
        {
            Field(s, "cookie"u8, to);
            to.AppendNumber(r.Cookie);
            to.Append(s.AfterValue);
        }
        Field(s, "dir"u8, to);
        to.Append(r.IsDir ? "True"u8 : "False"u8);
        to.Append(s.AfterValue);
        Mask(s, r.Mask, to);
        Field(s, "name"u8, to);
        Quoted(r.Name, default, to);
        to.Append(s.AfterValue);
        Field(s, "path"u8, to);
        Quoted(r.Path, default, to);
        to.Append(s.AfterValue);
        Field(s, "pathname"u8, to);
        Quoted(r.Path, r.Name, to);
        to.Append(s.AfterValue);
        if (r.HasSrcPathName)
        {
            Field(s, "src_pathname"u8, to);
            Quoted(r.SrcPathName, default, to);
            to.Append(s.AfterValue);
        }
        Field(s, "wd"u8, to);
        to.AppendNumber(r.Wd);
        to.Append(s.AfterValue);
        to.Append(s.Tail);
    }

    private static void Mask(Style s, EventMask mask, ByteBuffer to)
    {
        Field(s, "mask"u8, to);
        to.Append("0x"u8);
        to.AppendHex((uint)mask);
        to.Append(s.AfterValue);
        Field(s, "maskname"u8, to);
        to.AppendText(EventsCodes.MaskName(mask));
        to.Append(s.AfterValue);
    }

    private static void Field(Style s, ReadOnlySpan<byte> name, ByteBuffer to)
    {
        to.Append(s.BeforeField);
        to.Append(name);
        to.Append(s.BeforeValue);
    }

    /// <summary>pyinotify prints an empty string as <c>''</c>.</summary>
    private static void Quoted(ReadOnlySpan<byte> path, ReadOnlySpan<byte> name, ByteBuffer to)
    {
        if (path.IsEmpty && name.IsEmpty)
            to.Append("''"u8);
        else
            to.AppendJoined(path, name);
    }

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
}

/// <summary>--json: <see cref="EventJson"/>, the one JSON format of an event (the NATS publisher writes it too).</summary>
internal sealed class JsonFormatter : EventFormatter
{
    private readonly EventJson _json = new();

    public override void Format(in EventRecord r, bool colour, ByteBuffer to) => _json.Write(in r, to);
}

/// <summary>
/// inotifywait's --csv: <c>%w,%e,%f</c>, each field quoted when it holds a comma, quote or line break (a quote doubled
/// inside). Like inotifywait it writes the names' bytes as they are, so a byte-level CSV reader gets them back exactly.
/// </summary>
internal sealed class CsvFormatter : EventFormatter
{
    private static readonly SearchValues<byte> NeedsQuotes = SearchValues.Create(",\"\n\r"u8);
    private readonly EventNameCache _events = new(",");
    private readonly ByteBuffer _watchPath = new(256);

    public override void Format(in EventRecord r, bool colour, ByteBuffer to)
    {
        _watchPath.Clear();
        r.AppendWatchPath(_watchPath);
        Quote(_watchPath.Written, to);
        to.Append((byte)',');
        Quote(_events.Of(r.Mask), to);
        to.Append((byte)',');
        Quote(r.Name, to);
    }

    private static void Quote(ReadOnlySpan<byte> field, ByteBuffer to)
    {
        if (field.IndexOfAny(NeedsQuotes) < 0)
        {
            to.Append(field);
            return;
        }
        to.Append((byte)'"');
        foreach (var b in field)
        {
            if (b == (byte)'"')
                to.Append((byte)'"');
            to.Append(b);
        }
        to.Append((byte)'"');
    }
}

/// <summary>
/// inotifywait's --format: %w watch path (directories end in '/'), %f file name, %e events comma-separated,
/// %Xe events separated by the character X, %T the time in --timefmt, %n newline, %0 NUL, %% a percent sign; any other
/// %X is kept as written. Names are written as their bytes. The template is parsed once.
/// </summary>
internal sealed class TemplateFormatter : EventFormatter
{
    private enum Op { Literal, WatchPath, FileName, Events, Time }

    private readonly List<(Op Op, byte[] Literal, EventNameCache? Events)> _parts = new();
    private readonly string _timeFormat;

    public TemplateFormatter(string template, string timeFormat)
    {
        _timeFormat = timeFormat;
        var literal = new StringBuilder();
        void Add(Op op, EventNameCache? events = null)
        {
            if (literal.Length > 0)
                _parts.Add((Op.Literal, Encoding.UTF8.GetBytes(literal.ToString()), null));
            literal.Clear();
            if (op != Op.Literal)
                _parts.Add((op, [], events));
        }
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c != '%' || i + 1 >= template.Length)
            {
                literal.Append(c);
                continue;
            }
            var d = template[++i];
            switch (d)
            {
                case 'w': Add(Op.WatchPath); break;
                case 'f': Add(Op.FileName); break;
                case 'e': Add(Op.Events, new EventNameCache(",")); break;
                case 'T': Add(Op.Time); break;
                case 'n': literal.Append('\n'); break;
                case '0': literal.Append('\0'); break;
                case '%': literal.Append('%'); break;
                default:
                    if (i + 1 < template.Length && template[i + 1] == 'e')
                    {
                        Add(Op.Events, new EventNameCache(d.ToString()));
                        i++;
                    }
                    else
                        literal.Append('%').Append(d); // unknown: kept as written
                    break;
            }
        }
        Add(Op.Literal);
    }

    public override void Format(in EventRecord r, bool colour, ByteBuffer to)
    {
        foreach (var (op, literal, events) in _parts)
        {
            switch (op)
            {
                case Op.Literal: to.Append(literal); break;
                case Op.WatchPath: r.AppendWatchPath(to); break;
                case Op.FileName: to.Append(r.Name); break;
                case Op.Events: to.Append(events!.Of(r.Mask)); break;
                case Op.Time: to.AppendText(Strftime.Format(DateTimeOffset.Now, _timeFormat)); break;
            }
        }
    }
}
