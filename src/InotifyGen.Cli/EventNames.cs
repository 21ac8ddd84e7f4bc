using System.Text;

namespace InotifyGen.Cli;

/// <summary>Event names on the command line (-e) and in inotifywait's output (%e, --csv).</summary>
internal static class EventNames
{
    /// <summary>
    /// Parses -e values (each a comma-separated list; -e may repeat) into a mask. Accepts pyinotify's IN_* names
    /// (through <see cref="EventsCodes.TryParse"/>, so ALL_EVENTS, IN_CLOSE and IN_MOVE too) and inotifywait's
    /// lower-case names (create, close_write, close, move, all_events). No -e means ALL_EVENTS, as in pyinotify.
    /// </summary>
    public static EventMask ParseList(IReadOnlyList<string>? values)
    {
        if (values is null || values.Count == 0)
            return EventMask.AllEvents;
        var mask = EventMask.None;
        foreach (var value in values)
        {
            foreach (var name in value.Split(','))
            {
                var canonical = name.Length > 0 && !name.StartsWith("IN_", StringComparison.Ordinal) && name != "ALL_EVENTS"
                    && name.All(c => char.IsAsciiLetterLower(c) || c == '_')
                    ? "IN_" + name.ToUpperInvariant()
                    : name;
                if (canonical == "IN_ALL_EVENTS")
                    canonical = "ALL_EVENTS";
                if (!EventsCodes.TryParse([canonical], out var m, out _) || m == EventMask.None)
                    throw new UsageException(
                        $"The event '{name}' specified with option -e is not valid; valid events: {string.Join(",", ValidNames())} (or inotifywait's lower-case names)");
                mask |= m;
            }
        }
        if ((mask & (EventMask.AllEvents | EventMask.FileComplete)) == 0)
            throw new UsageException("-e lists only flags and no event; add at least one event, e.g. -e IN_CREATE");
        return mask;
    }

    /// <summary>The event names -e accepts, from the runtime's table: every single-bit IN_* name, plus the aliases.</summary>
    public static IEnumerable<string> ValidNames()
    {
        for (var bit = 0; bit < 32; bit++)
        {
            var name = EventsCodes.MaskName((EventMask)(1u << bit));
            if (name.StartsWith("IN_", StringComparison.Ordinal))
                yield return name;
        }
        yield return "IN_CLOSE";
        yield return "IN_MOVE";
        yield return "ALL_EVENTS";
    }

    /// <summary>
    /// inotifywait's event list: the names without IN_, in bit order, with CLOSE after CLOSE_WRITE/CLOSE_NOWRITE
    /// and ISDIR last, joined by <paramref name="separator"/>: <c>CLOSE_WRITE,CLOSE</c>, <c>CREATE,ISDIR</c>.
    /// </summary>
    public static string Inotifywait(EventMask mask, string separator)
    {
        var sb = new StringBuilder(32);
        foreach (var part in EventsCodes.MaskName(mask).Split('|'))
        {
            if (sb.Length > 0)
                sb.Append(separator);
            sb.Append(part.StartsWith("IN_", StringComparison.Ordinal) ? part.AsSpan(3) : part);
            if (part is "IN_CLOSE_WRITE" or "IN_CLOSE_NOWRITE")
                sb.Append(separator).Append("CLOSE");
        }
        return sb.ToString();
    }
}
