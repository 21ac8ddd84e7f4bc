using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace InotifyGen;

/// <summary>
/// What one AddWatch call did, kept small enough for a walk of a million directories: a watched path is kept as its
/// <see cref="Watch"/>, whose path the watch table derives when it is read, and anything else as its
/// <see cref="WatchResult"/>; before the table moves a node, the results still held are named (the answer is the
/// paths as they were when AddWatch returned: <see cref="WatchTable.KeepPathsOf"/>). A WatchResult and a path string per directory, and a dictionary of them, were most of
/// what the library's set-up cost beyond the CLI's, and the peak of its memory (docs/performance.md).
/// </summary>
internal sealed class WatchResults : IReadOnlyList<WatchResult>
{
    private readonly List<object> _items = []; // Watch, or WatchResult (made on first read for a Watch)
    private int _tops;
    private Dictionary<string, int>? _wds;

    /// <summary>A path given (or matched by a glob) begins: from the second on, a path may be handled twice.</summary>
    public void BeginTop() => _tops++;

    public void Add(Watch watched) => _items.Add(watched);

    public void Add(WatchResult other) => _items.Add(other);

    public int Count => _items.Count;

    public WatchResult this[int index] => _items[index] as WatchResult ?? Name(index);

    /// <summary>Makes the result of a watch kept by reference: the same object on every read, as a list of results would give.</summary>
    private WatchResult Name(int index)
    {
        var w = (Watch)_items[index];
        var r = WatchResult.Watched(w.PathNow(), w.Wd); // not cached on the watch: most are never asked for again
        _items[index] = r;
        return r;
    }

    /// <summary>Gives every watch kept by reference its path as it is now (the table calls this before a node moves).</summary>
    public void NameAll()
    {
        for (var i = 0; i < _items.Count; i++)
            if (_items[i] is Watch)
                Name(i);
    }

    public IEnumerator<WatchResult> GetEnumerator()
    {
        for (var i = 0; i < _items.Count; i++)
            yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>pyinotify's answer (path to wd, -1 failed, -2 excluded), built when first looked into.</summary>
    public IReadOnlyDictionary<string, int> Wds => new WdView(this);

    /// <summary>pyinotify's answer built from <paramref name="results"/>: a path handled twice keeps its last result.</summary>
    internal static Dictionary<string, int> ToWds(IReadOnlyList<WatchResult> results)
    {
        var wds = new Dictionary<string, int>(results.Count, StringComparer.Ordinal);
        foreach (var r in results)
            wds[r.Path] = r.Wd;
        return wds;
    }

    // Built once; a lookup after that reads the field (no delegate made per access).
    private Dictionary<string, int> Map => Volatile.Read(ref _wds) ?? BuildMap();

    private Dictionary<string, int> BuildMap()
    {
        Interlocked.CompareExchange(ref _wds, ToWds(this), null);
        return _wds;
    }

    private sealed class WdView(WatchResults results) : IReadOnlyDictionary<string, int>
    {
        // One path given: the walk handles each path once, so the count is known without the dictionary.
        public int Count => results._tops <= 1 ? results.Count : results.Map.Count;

        public int this[string key] => results.Map[key];

        public IEnumerable<string> Keys => results.Map.Keys;

        public IEnumerable<int> Values => results.Map.Values;

        public bool ContainsKey(string key) => results.Map.ContainsKey(key);

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out int value) => results.Map.TryGetValue(key, out value);

        public IEnumerator<KeyValuePair<string, int>> GetEnumerator() => results.Map.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
