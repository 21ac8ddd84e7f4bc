using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace InotifyGen;

/// <summary>
/// pyinotify's <c>Stats</c>: counts events by name, each part of the mask name on its own (so a new directory
/// counts once as IN_CREATE and once as IN_ISDIR). Safe to read from any thread while events are counted.
/// <see cref="ToString"/> is pyinotify's <c>repr</c>, <see cref="ToChart"/> its bar chart (<c>str</c>).
/// </summary>
public sealed class Stats : ProcessEvent
{
    private readonly object _lock = new();
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Starts counting now; <paramref name="next"/> runs before it, as with every <see cref="ProcessEvent"/>.</summary>
    public Stats(ProcessEvent? next = null) : base(next)
    {
    }

    /// <summary>The time since this object was created.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <inheritdoc/>
    protected override EventMask HandledEvents => EventMask.AllEvents;

    /// <summary>pyinotify's <c>process_default</c>: counts each name in the event's mask name.</summary>
    protected override bool DispatchEvent(in InotifyEvent e)
    {
        if (e.EventType == EventMask.QueueOverflow)
            return base.DispatchEvent(in e); // pyinotify's ProcessEvent logs it; Stats never sees it
        var mask = (uint)e.Mask;
        lock (_lock)
        {
            // One count per named bit, which is what splitting maskname on '|' gives, without the string.
            foreach (var n in EventTable.Names)
            {
                var bit = (uint)n.Mask;
                if ((bit & (bit - 1)) == 0 && (mask & bit) != 0)
                    _counts[n.Name] = _counts.TryGetValue(n.Name, out var c) ? c + 1 : 1;
            }
        }
        return false;
    }

    /// <summary>A copy of the counts so far, by IN_* name.</summary>
    public IReadOnlyDictionary<string, long> GetCounts()
    {
        lock (_lock)
            return new Dictionary<string, long>(_counts, StringComparer.Ordinal);
    }

    /// <summary>pyinotify's <c>repr</c>: <c>&lt;Stats ElapsedTime=5sec IN_ATTRIB=3 IN_CREATE=4 IN_ISDIR=1 &gt;</c>, names sorted.</summary>
    public override string ToString()
    {
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, count) in GetCounts())
            fields[name] = count.ToString(CultureInfo.InvariantCulture);
        fields["ElapsedTime"] = FormatElapsed((long)Elapsed.TotalSeconds);
        var sb = new StringBuilder("<Stats");
        foreach (var (name, value) in fields)
            sb.Append(' ').Append(name).Append('=').Append(value);
        return sb.Append(" >").ToString();
    }

    /// <summary>
    /// pyinotify's <c>str</c>: one line per name (sorted), the name padded to 26, a bar of '@' scaled so the largest
    /// count is <paramref name="scale"/> wide, padded to <paramref name="scale"/> + 1, then the count. Empty when nothing was counted.
    /// </summary>
    public string ToChart(int scale = 45)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(scale);
        var counts = GetCounts().OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        if (counts.Count == 0)
            return "";
        var unity = (double)scale / counts.Max(kv => kv.Value);
        var sb = new StringBuilder();
        foreach (var (name, count) in counts)
        {
            if (sb.Length > 0)
                sb.Append('\n');
            sb.Append(name.PadRight(26))
              .Append(new string('@', (int)(count * unity)).PadRight(scale + 1))
              .Append(count.ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>
    /// pyinotify's <c>dump</c>: writes <see cref="ToChart"/> to a new file readable only by its owner (mode 0600).
    /// Like pyinotify it refuses to overwrite: an existing file (or symbolic link) at <paramref name="path"/> is an <see cref="IOException"/>.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // inotify is Linux-only anyway; 0600 needs a Unix mode
    public void Dump(string path)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using var stream = new FileStream(path, options);
        var bytes = Encoding.UTF8.GetBytes(ToChart());
        stream.Write(bytes);
    }

    /// <summary>pyinotify's elapsed-time text: <c>42sec</c>, <c>3mn5sec</c>, <c>2h7mn</c>, <c>1d4h</c>.</summary>
    internal static string FormatElapsed(long seconds) => seconds switch
    {
        < 60 => $"{seconds}sec",
        < 3600 => $"{seconds / 60}mn{seconds % 60}sec",
        < 86400 => $"{seconds / 3600}h{seconds % 3600 / 60}mn",
        _ => $"{seconds / 86400}d{seconds % 86400 / 3600}h",
    };
}
