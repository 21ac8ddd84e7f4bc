using System.Text;
using InotifyGen.Cli.Output;

namespace InotifyGen.Nats.Tests;

/// <summary>The --json object (<see cref="EventJson"/>): the direct writer of plain events and the escaping one give the same bytes.</summary>
public sealed class EventJsonTests
{
    private static readonly byte[][] Names =
    [
        [], "a.txt"u8.ToArray(), "with space ~!#$%&'()*+,-./:;<=>?@[]^_`{|}"u8.ToArray(), "quote\"d"u8.ToArray(), "back\\slash"u8.ToArray(),
        "tab\tnew\nline"u8.ToArray(), [(byte)'d', 0x7f, (byte)'l'], "caf\u00e9 \u6f22 \U0001F600"u8.ToArray(), [(byte)'b', 0xff, 0xfe, (byte)'!'],
        "\u2028sep"u8.ToArray(), "<html>&amp;"u8.ToArray(),
    ];

    [Fact]
    public void Write_EveryKindOfEvent_GivesTheBytesOfTheEscapingWriter_AndPlainOnesAreValidJson()
    {
        var json = new EventJson();
        var fast = new ByteBuffer(256);
        var slow = new ByteBuffer(256);
        var random = new Random(20261204);
        EventMask[] masks = [EventMask.Create, EventMask.Create | EventMask.IsDir, EventMask.CloseWrite, EventMask.MovedFrom | EventMask.IsDir,
            EventMask.MovedTo, EventMask.Delete, EventMask.QueueOverflow, EventMask.Ignored, EventMask.MoveSelf];
        for (var i = 0; i < 5000; i++)
        {
            var mask = masks[random.Next(masks.Length)];
            var name = Names[random.Next(Names.Length)];
            var path = Encoding.UTF8.GetBytes("/tmp/w").Concat(random.Next(3) == 0 ? [(byte)'/', .. Names[random.Next(Names.Length)]] : []).ToArray();
            var flags = (EventFlags)random.Next(8) & (EventFlags.Synthetic | EventFlags.EventsLost | EventFlags.MovedOut);
            var hasWatch = mask != EventMask.QueueOverflow;
            var record = new EventRecord(random.Next(1, 100000), mask, (uint)random.Next(), flags, name, path, hasWatch, watchIsDir: true);
            fast.Clear();
            slow.Clear();
            json.Write(in record, fast);
            json.WriteEscaped(in record, slow);
            Assert.Equal(Encoding.UTF8.GetString(slow.Written), Encoding.UTF8.GetString(fast.Written));
            Assert.True(slow.Written.SequenceEqual(fast.Written), $"event {i}: bytes differ");
        }
        fast.Clear();
        json.Write(new EventRecord(7, EventMask.MovedTo | EventMask.IsDir, 42, EventFlags.Synthetic, "n"u8, "/w"u8, hasWatch: true, watchIsDir: true), fast);
        Assert.Equal("{\"wd\":7,\"mask\":1073741952,\"maskname\":\"IN_MOVED_TO|IN_ISDIR\",\"dir\":true,\"cookie\":42,\"name\":\"n\",\"path\":\"/w\",\"pathname\":\"/w/n\",\"synthetic\":true}",
            Encoding.UTF8.GetString(fast.Written));
        using var parsed = System.Text.Json.JsonDocument.Parse(fast.Written.ToArray());
        Assert.Equal("/w/n", parsed.RootElement.GetProperty("pathname").GetString());
    }
}
