using System.Collections.Frozen;
using System.Text;

namespace InotifyGen;

/// <summary>
/// pyinotify's <c>IN_*</c> constants and <c>maskname</c>. With <c>using static InotifyGen.EventsCodes;</c>
/// ported code reads as it did in Python: <c>IN_CREATE | IN_DELETE</c>.
/// </summary>
public static class EventsCodes
{
#pragma warning disable CS1591, IDE1006 // The IN_* names are documented on EventMask; they keep pyinotify's spelling on purpose.
    public const EventMask IN_ACCESS = EventMask.Access;
    public const EventMask IN_MODIFY = EventMask.Modify;
    public const EventMask IN_ATTRIB = EventMask.Attrib;
    public const EventMask IN_CLOSE_WRITE = EventMask.CloseWrite;
    public const EventMask IN_CLOSE_NOWRITE = EventMask.CloseNoWrite;
    public const EventMask IN_OPEN = EventMask.Open;
    public const EventMask IN_MOVED_FROM = EventMask.MovedFrom;
    public const EventMask IN_MOVED_TO = EventMask.MovedTo;
    public const EventMask IN_CREATE = EventMask.Create;
    public const EventMask IN_DELETE = EventMask.Delete;
    public const EventMask IN_DELETE_SELF = EventMask.DeleteSelf;
    public const EventMask IN_MOVE_SELF = EventMask.MoveSelf;
    public const EventMask IN_FILE_COMPLETE = EventMask.FileComplete;
    public const EventMask IN_UNMOUNT = EventMask.Unmount;
    public const EventMask IN_Q_OVERFLOW = EventMask.QueueOverflow;
    public const EventMask IN_IGNORED = EventMask.Ignored;
    public const EventMask IN_ONLYDIR = EventMask.OnlyDir;
    public const EventMask IN_DONT_FOLLOW = EventMask.DontFollow;
    public const EventMask IN_EXCL_UNLINK = EventMask.ExclUnlink;
    public const EventMask IN_MASK_ADD = EventMask.MaskAdd;
    public const EventMask IN_ISDIR = EventMask.IsDir;
    public const EventMask IN_ONESHOT = EventMask.OneShot;
    public const EventMask IN_CLOSE = EventMask.Close;
    public const EventMask IN_MOVE = EventMask.Move;
    public const EventMask ALL_EVENTS = EventMask.AllEvents;
#pragma warning restore CS1591, IDE1006

    // Every mask the kernel delivers is one event, maybe with IN_ISDIR: precompute those so that
    // asking for MaskName on the hot path allocates nothing.
    private static readonly FrozenDictionary<EventMask, string> Common = BuildCommon();

    private static FrozenDictionary<EventMask, string> BuildCommon()
    {
        var d = new Dictionary<EventMask, string>();
        foreach (var n in EventTable.Names)
        {
            if (!n.IsEvent)
                continue;
            d[n.Mask] = n.Name;
            d[n.Mask | EventMask.IsDir] = n.Name + "|IN_ISDIR";
        }
        return d.ToFrozenDictionary();
    }

    /// <summary>
    /// The IN_* names of the bits in <paramref name="mask"/>, joined by '|', with IN_ISDIR last:
    /// <c>IN_CREATE|IN_ISDIR</c>. An unnamed bit is shown in hex. Allocation-free for the masks the kernel delivers.
    /// </summary>
    public static string MaskName(EventMask mask)
    {
        if (Common.TryGetValue(mask, out var name))
            return name;
        if (mask == EventMask.None)
            return "0";
        var sb = new StringBuilder();
        var rest = (uint)mask;
        foreach (var n in EventTable.Names)
        {
            var bit = (uint)n.Mask;
            if (n.Mask == EventMask.IsDir || (bit & (bit - 1)) != 0 || (rest & bit) == 0)
                continue; // IN_ISDIR goes last; multi-bit aliases like ALL_EVENTS are not listed
            sb.Append(sb.Length == 0 ? "" : "|").Append(n.Name);
            rest &= ~bit;
        }
        if ((rest & (uint)EventMask.IsDir) != 0)
        {
            sb.Append(sb.Length == 0 ? "" : "|").Append("IN_ISDIR");
            rest &= ~(uint)EventMask.IsDir;
        }
        if (rest != 0)
            sb.Append(sb.Length == 0 ? "" : "|").Append("0x").Append(rest.ToString("x"));
        return sb.ToString();
    }

    /// <summary>
    /// Parses IN_* names (<c>IN_CREATE</c>, <c>ALL_EVENTS</c>, <c>IN_CLOSE</c>, <c>IN_MOVE</c>) into a mask.
    /// Returns false and the offending name when one is not known.
    /// </summary>
    public static bool TryParse(IEnumerable<string> names, out EventMask mask, out string? unknown)
    {
        mask = EventMask.None;
        unknown = null;
        foreach (var raw in names)
        {
            var name = raw.Trim();
            var found = EventTable.Names.FirstOrDefault(n => n.Name == name)?.Mask
                ?? (name == "IN_CLOSE" ? EventMask.Close : name == "IN_MOVE" ? EventMask.Move : (EventMask?)null);
            if (found is null)
            {
                unknown = name;
                return false;
            }
            mask |= found.Value;
        }
        return true;
    }
}
