using System.Collections.Generic;
using System.Text;

namespace InotifyGen.Analyzers;

/// <summary>How the diagnostics name events, masks and lists.</summary>
internal static class Describe
{
    /// <summary>"IN_CREATE", "IN_CLOSE_WRITE and IN_CLOSE_NOWRITE", "IN_A, IN_B and IN_C", in kernel order.</summary>
    public static string Events(EventMask events)
    {
        var names = new List<string>();
        foreach (var n in EventTable.Names)
            if (n.IsEvent && (events & n.Mask) != 0)
                names.Add(n.Name);
        return JoinAnd(names);
    }

    /// <summary>A mask as the IN_* names of its bits joined by '|', as pyinotify's maskname writes it.</summary>
    public static string Mask(EventMask mask)
    {
        if (mask == EventMask.AllEvents)
            return "ALL_EVENTS";
        var sb = new StringBuilder();
        var rest = mask;
        foreach (var n in EventTable.Names)
        {
            if (n.Mask == EventMask.AllEvents || (mask & n.Mask) != n.Mask)
                continue;
            if (sb.Length > 0)
                sb.Append('|');
            sb.Append(n.Name);
            rest &= ~n.Mask;
        }
        if (rest != 0)
            sb.Append(sb.Length > 0 ? "|" : "").Append("0x").Append(((uint)rest).ToString("x", System.Globalization.CultureInfo.InvariantCulture));
        return sb.Length == 0 ? "0" : sb.ToString();
    }

    /// <summary>"a", "a and b", "a, b and c".</summary>
    public static string JoinAnd(IReadOnlyList<string> items)
    {
        if (items.Count == 0)
            return "";
        if (items.Count == 1)
            return items[0];
        var sb = new StringBuilder();
        for (var i = 0; i < items.Count - 1; i++)
        {
            if (i > 0)
                sb.Append(", ");
            sb.Append(items[i]);
        }
        return sb.Append(" and ").Append(items[items.Count - 1]).ToString();
    }
}
