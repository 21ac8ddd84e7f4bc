using System.Text.Json;

namespace InotifyGen.Nats;

/// <summary>One event taken from the stream by <see cref="JetStreamWorker"/>: the fields of its JSON body, and where it came from.</summary>
public sealed class WorkItem
{
    private WorkItem(ReadOnlyMemory<byte> json) => Json = json;

    /// <summary>The message body: the event as <c>inotifygen --json</c> prints it.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>The host that published it (the <c>InotifyGen-Host</c> header).</summary>
    public string Host { get; private init; } = "";

    /// <summary>The message id (<c>Nats-Msg-Id</c>): the same for every copy of one event.</summary>
    public string Id { get; private init; } = "";

    /// <summary>The subject it was published to.</summary>
    public string Subject { get; private init; } = "";

    /// <summary>The event's mask (with IN_ISDIR when it is about a directory).</summary>
    public EventMask Mask { get; private set; }

    /// <summary>The mask without IN_ISDIR.</summary>
    public EventMask EventType => Mask & ~EventMask.IsDir;

    /// <summary>
    /// The full path on the publishing host, lossless: a name that is not UTF-8 is read from <c>pathname_b64</c> and
    /// decoded as <see cref="FileNames"/> does (so <c>FileNames.Encode</c> gives its exact bytes back).
    /// </summary>
    public string PathName { get; private set; } = "";

    /// <summary>Whether the event is about a directory.</summary>
    public bool IsDir { get; private set; }

    /// <summary>Made up rather than read from the kernel: the catch-up after a restart, or a lost-events marker.</summary>
    public bool IsSynthetic { get; private set; }

    /// <summary>An IN_Q_OVERFLOW saying events were lost (by the kernel queue, or by the publisher's full buffer).</summary>
    public bool EventsLost { get; private set; }

    /// <summary>How many times JetStream has delivered this message (1 the first time).</summary>
    public ulong Delivery { get; private init; }

    internal static WorkItem Parse(ReadOnlyMemory<byte> json, string host, string id, string subject, ulong delivery)
    {
        var item = new WorkItem(json) { Host = host, Id = id, Subject = subject, Delivery = delivery };
        var reader = new Utf8JsonReader(json.Span);
        string? pathName = null;
        byte[]? pathNameBytes = null;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                continue;
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "mask": item.Mask = (EventMask)reader.GetUInt32(); break;
                case "dir": item.IsDir = reader.GetBoolean(); break;
                case "pathname": pathName = reader.GetString(); break;
                case "pathname_b64": pathNameBytes = reader.GetBytesFromBase64(); break;
                case "synthetic": item.IsSynthetic = reader.GetBoolean(); break;
                case "events_lost": item.EventsLost = reader.GetBoolean(); break;
            }
        }
        item.PathName = pathNameBytes is not null ? FileNames.Decode(pathNameBytes) : pathName ?? "";
        return item;
    }
}
