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
/// message bodies. Not thread-safe (one writer and one path buffer, reused).
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

    /// <summary>Appends the event's object (without a line end) to <paramref name="to"/>.</summary>
    public void Write(in EventRecord r, ByteBuffer to)
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
