using System;

namespace InotifyGen.Analyzers;

/// <summary>Finds the valid handler name closest to a misspelt one (Levenshtein distance, ignoring case).</summary>
internal static class NearestHandlerName
{
    /// <summary>The nearest name in <see cref="EventTable.Handlers"/>; ties go to the earlier entry of the table.</summary>
    public static string For(string name)
    {
        var best = EventTable.DefaultMethodName;
        var bestDistance = int.MaxValue;
        foreach (var h in EventTable.Handlers)
        {
            var d = Distance(name, h.MethodName);
            if (d < bestDistance)
            {
                best = h.MethodName;
                bestDistance = d;
            }
        }
        return best;
    }

    /// <summary>Levenshtein distance between <paramref name="a"/> and <paramref name="b"/>, comparing letters case-insensitively.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var same = char.ToUpperInvariant(a[i - 1]) == char.ToUpperInvariant(b[j - 1]);
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (same ? 0 : 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
