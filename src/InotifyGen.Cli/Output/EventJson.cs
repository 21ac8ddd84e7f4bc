using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace InotifyGen.Cli.Output;

/// <summary>
/// One JSON object per event, fields in pyinotify's order: <c>{"wd":1,"mask":256,"maskname":"IN_CREATE","dir":false,
/// "name":"foo","path":"/tmp/w","pathname":"/tmp/w/foo"}</c>; <c>cookie</c> on moves, <c>src_pathname</c> on a paired
/// IN_MOVED_TO, only <c>mask</c> and <c>maskname</c> for IN_Q_OVERFLOW, and <c>synthetic</c>, <c>events_lost</c>,
/// <c>moved_out</c> (each <c>true</c>) when the event carries that flag. A name or path that is not valid UTF-8 is
/// written as text with U+FFFD for each bad sequence, followed by <c>name_b64</c> (<c>path_b64</c>, ...): the exact
/// bytes in base64, present only then.
/// </summary>
/// <remarks>
/// The one source of this format: the CLI's --json writes it, and InotifyGen.Nats compiles this file in for its
/// message bodies. An event whose name and paths are printable ASCII without '"' or '\' (nearly all) is written
/// straight into the buffer (the mask names are the writer's own encoded texts), since no byte of it needs escaping; any other goes through <see cref="Utf8JsonWriter"/>,
/// and both give the same bytes (EventJsonTests). Not thread-safe (one writer and one path buffer, reused).
/// </remarks>
internal sealed class EventJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private static readonly JsonEncodedText Wd = JsonEncodedText.Encode("wd"), MaskField = JsonEncodedText.Encode("mask"),
        MaskName = JsonEncodedText.Encode("maskname"), Dir = JsonEncodedText.Encode("dir"), Cookie = JsonEncodedText.Encode("cookie"),
        Synthetic = JsonEncodedText.Encode("synthetic"), EventsLost = JsonEncodedText.Encode("events_lost"),
        MovedOut = JsonEncodedText.Encode("moved_out");
    private static readonly (JsonEncodedText Text, JsonEncodedText Base64) Name = Field("name"), Path = Field("path"),
        PathName = Field("pathname"), SrcPathName = Field("src_pathname");

    private readonly Utf8JsonWriter _json = new(Stream.Null, Options);
    private readonly ByteBuffer _pathName = new(256);
    private readonly Dictionary<EventMask, JsonEncodedText> _maskNames = new();

    // The bytes a JSON string may not hold as they are, or that may not be valid UTF-8 on their own.
    private static readonly SearchValues<byte> NeedsWriter = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\', .. Enumerable.Range(0x7F, 0x81).Select(b => (byte)b)]);

    /// <summary>Appends the event's object (without a line end) to <paramref name="to"/>.</summary>
    public void Write(in EventRecord r, ByteBuffer to)
    {
        if (!r.HasWatch || (Plain(r.Name) && Plain(r.Path) && (!r.HasSrcPathName || Plain(r.SrcPathName))))
            WritePlain(in r, to);
        else
            WriteEscaped(in r, to);
    }

    private static bool Plain(ReadOnlySpan<byte> value) => value.IndexOfAny(NeedsWriter) < 0;

    /// <summary><see cref="Write"/> of an event with nothing to escape: the same bytes, without the writer.</summary>
    private void WritePlain(in EventRecord r, ByteBuffer to)
    {
        to.Append((byte)'{');
        if (r.HasWatch)
        {
            to.Append("\"wd\":"u8);
            to.AppendNumber(r.Wd);
            to.Append((byte)',');
        }
        to.Append("\"mask\":"u8);
        to.AppendNumber((uint)r.Mask);
        to.Append(",\"maskname\":\""u8);
        to.Append(MaskNameOf(r.Mask).EncodedUtf8Bytes);
        to.Append((byte)'"');
        if (r.HasWatch)
        {
            to.Append(r.IsDir ? ",\"dir\":true"u8 : ",\"dir\":false"u8);
            if ((r.Mask & EventMask.Move) != 0)
            {
                to.Append(",\"cookie\":"u8);
                to.AppendNumber(r.Cookie);
            }
            PlainString(to, ",\"name\":\""u8, r.Name);
            PlainString(to, ",\"path\":\""u8, r.Path);
            to.Append(",\"pathname\":\""u8);
            to.AppendJoined(r.Path, r.Name);
            to.Append((byte)'"');
            if (r.HasSrcPathName)
                PlainString(to, ",\"src_pathname\":\""u8, r.SrcPathName);
        }
        if ((r.Flags & EventFlags.Synthetic) != 0)
            to.Append(",\"synthetic\":true"u8);
        if ((r.Flags & EventFlags.EventsLost) != 0)
            to.Append(",\"events_lost\":true"u8);
        if ((r.Flags & EventFlags.MovedOut) != 0)
            to.Append(",\"moved_out\":true"u8);
        to.Append((byte)'}');
    }

    private static void PlainString(ByteBuffer to, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        to.Append(field);
        to.Append(value);
        to.Append((byte)'"');
    }

    /// <summary><see cref="Write"/> through <see cref="Utf8JsonWriter"/>, which escapes what needs it (any event; internal for the tests that compare the two).</summary>
    internal void WriteEscaped(in EventRecord r, ByteBuffer to)
    {
        var w = _json;
        w.Reset(to);
        w.WriteStartObject();
        if (r.HasWatch)
            w.WriteNumber(Wd, r.Wd);
        w.WriteNumber(MaskField, (uint)r.Mask);
        w.WriteString(MaskName, MaskNameOf(r.Mask));
        if (r.HasWatch)
        {
            w.WriteBoolean(Dir, r.IsDir);
            if ((r.Mask & EventMask.Move) != 0)
                w.WriteNumber(Cookie, r.Cookie);
            Bytes(w, Name, r.Name);
            Bytes(w, Path, r.Path);
            _pathName.Clear();
            _pathName.AppendJoined(r.Path, r.Name);
            Bytes(w, PathName, _pathName.Written);
            if (r.HasSrcPathName)
                Bytes(w, SrcPathName, r.SrcPathName);
        }
        if ((r.Flags & EventFlags.Synthetic) != 0)
            w.WriteBoolean(Synthetic, true);
        if ((r.Flags & EventFlags.EventsLost) != 0)
            w.WriteBoolean(EventsLost, true);
        if ((r.Flags & EventFlags.MovedOut) != 0)
            w.WriteBoolean(MovedOut, true);
        w.WriteEndObject();
        w.Flush();
    }

    /// <summary>A name or path: the text itself when it is valid UTF-8; otherwise its lossy text and the exact bytes in base64.</summary>
    private static void Bytes(Utf8JsonWriter w, (JsonEncodedText Text, JsonEncodedText Base64) field, ReadOnlySpan<byte> value)
    {
        if (Utf8.IsValid(value))
        {
            w.WriteString(field.Text, value);
            return;
        }
        w.WriteString(field.Text, Encoding.UTF8.GetString(value));
        w.WriteBase64String(field.Base64, value);
    }

    private JsonEncodedText MaskNameOf(EventMask mask)
    {
        if (!_maskNames.TryGetValue(mask, out var text))
            _maskNames[mask] = text = JsonEncodedText.Encode(EventsCodes.MaskName(mask));
        return text;
    }

    private static (JsonEncodedText, JsonEncodedText) Field(string name) =>
        (JsonEncodedText.Encode(name), JsonEncodedText.Encode(name + "_b64"));
}
