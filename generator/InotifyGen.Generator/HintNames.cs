using System;
using System.Collections.Generic;
using System.Globalization;
using InotifyGen.Generator.Models;

namespace InotifyGen.Generator;

/// <summary>File names for generated sources, unique even where the compiler compares them without case.</summary>
internal static class HintNames
{
    /// <summary>
    /// <paramref name="name"/> as it is when no other name differs from it only in case; otherwise with a suffix
    /// (".2", ".3", ...) in ordinal order of the clashing names, the ordinal-first one keeping its plain name.
    /// </summary>
    public static string Unique(string name, IReadOnlyList<string> all)
    {
        var clashing = new List<string>();
        foreach (var other in all)
            if (string.Equals(other, name, StringComparison.OrdinalIgnoreCase) && !clashing.Contains(other))
                clashing.Add(other);
        if (clashing.Count <= 1)
            return name;
        clashing.Sort(StringComparer.Ordinal);
        var index = clashing.IndexOf(name);
        return index == 0 ? name : name + "." + (index + 1).ToString(CultureInfo.InvariantCulture);
    }
}
