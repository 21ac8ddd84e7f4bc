using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using InotifyGen.Generator.Models;

namespace InotifyGen.Generator;

/// <summary>File names for generated sources, unique even where the compiler compares them without case.</summary>
internal static class HintNames
{
    /// <summary>
    /// The names that need another file name: of each set of names that differ only in case, all but the ordinal-first
    /// one, with a suffix (".2", ".3", ...) in ordinal order. Usually none.
    /// </summary>
    public static EquatableArray<HintRename> Clashes(IEnumerable<string> all)
    {
        var renames = new List<HintRename>();
        foreach (var group in all.Distinct(StringComparer.Ordinal).GroupBy(n => n, StringComparer.OrdinalIgnoreCase))
        {
            var names = group.ToList();
            if (names.Count < 2)
                continue;
            names.Sort(StringComparer.Ordinal);
            for (var i = 1; i < names.Count; i++)
                renames.Add(new HintRename(names[i], names[i] + "." + (i + 1).ToString(CultureInfo.InvariantCulture)));
        }
        renames.Sort((a, b) => StringComparer.Ordinal.Compare(a.Name, b.Name));
        return new EquatableArray<HintRename>(renames.ToArray());
    }

    /// <summary><paramref name="name"/>, or its new name when <see cref="Clashes"/> gave it one.</summary>
    public static string Unique(string name, EquatableArray<HintRename> clashes)
    {
        foreach (var r in clashes)
            if (r.Name == name)
                return r.Unique;
        return name;
    }
}

/// <summary>A hint name that clashes with another in all but case, and the name its file gets instead.</summary>
internal sealed record HintRename(string Name, string Unique);
