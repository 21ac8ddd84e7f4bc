using Microsoft.Extensions.Configuration;

namespace InotifyGen.Hosting;

/// <summary>
/// Turns an <c>Inotify</c> configuration section into <see cref="InotifyOptions"/>. The section is bound by the
/// configuration binder's source generator (<c>EnableConfigurationBindingGenerator</c>: no reflection, trim- and
/// AOT-safe) into the shape below; this maps it, and records what is wrong in <see cref="InotifyOptions.Problems"/>
/// for <see cref="InotifyOptionsValidator"/> to report at start, each naming the key and the fix.
/// </summary>
internal static class InotifyConfigurationBinding
{
    public static void Apply(IConfiguration section, InotifyOptions options)
    {
        var prefix = section is IConfigurationSection { Path: { Length: > 0 } p0 } ? p0 + ":" : "";
        Section? bound;
        try
        {
            bound = section.Get<Section>();
        }
        catch (InvalidOperationException e) // the binder's own message names the key and the value
        {
            options.Problems.Add($"{e.Message} Use true or false for Recursive and AutoAdd.");
            return;
        }
        if (bound is null)
            return;
        if (bound.DefaultHandler is { Length: > 0 } handler)
            options.DefaultHandler = handler;
        if (bound.ExceptionPolicy is { Length: > 0 } policy)
        {
            if (Enum.TryParse<HandlerExceptionPolicy>(policy, ignoreCase: true, out var p) && Enum.IsDefined(p))
                options.ExceptionPolicy = p;
            else
                options.Problems.Add($"{prefix}ExceptionPolicy: '{policy}' is not a policy; use Propagate or LogAndContinue");
        }
        foreach (var x in Values(bound.Exclude))
            options.Exclude.Add(x);
        for (var i = 0; i < bound.Watches.Count; i++)
        {
            var w = bound.Watches[i];
            var key = $"{prefix}Watches:{i}";
            var watch = new InotifyWatchOptions
            {
                Recursive = w.Recursive,
                AutoAdd = w.AutoAdd,
                Handler = w.Handler is { Length: > 0 } h ? h : null,
                Source = key,
            };
            if (w.Path is { Length: > 0 } path)
                watch.Paths.Add(path);
            foreach (var p in w.Paths)
                if (p.Length > 0)
                    watch.Paths.Add(p);
            var names = Values(w.Mask).SelectMany(v => v.Split(['|', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            if (names.Count > 0)
            {
                if (EventsCodes.TryParse(names, out var mask, out var unknown))
                    watch.Mask = mask;
                else
                    options.Problems.Add($"{key}:Mask: '{unknown}' is not an event name; use IN_* names such as IN_CLOSE_WRITE, IN_CREATE or ALL_EVENTS");
            }
            foreach (var x in Values(w.Exclude))
                watch.Exclude.Add(x);
            options.Watches.Add(watch);
        }
    }

    /// <summary>A scalar, or the elements of an array: <c>"Mask": "IN_CREATE|IN_DELETE"</c> and <c>"Mask": ["IN_CREATE"]</c> both work.</summary>
    private static IEnumerable<string> Values(IConfigurationSection? s)
    {
        if (s is null)
            return [];
        if (s.Value is { Length: > 0 } value)
            return [value];
        return s.GetChildren().Select(c => c.Value).OfType<string>().Where(v => v.Length > 0);
    }

    /// <summary>The configuration's shape, as the binder fills it.</summary>
    internal sealed class Section
    {
        public string? DefaultHandler { get; set; }
        public string? ExceptionPolicy { get; set; }
        public IConfigurationSection? Exclude { get; set; }
        public List<WatchSection> Watches { get; set; } = [];
    }

    /// <summary>One element of <c>Watches</c>.</summary>
    internal sealed class WatchSection
    {
        public string? Path { get; set; }
        public List<string> Paths { get; set; } = [];
        public IConfigurationSection? Mask { get; set; }
        public bool Recursive { get; set; }
        public bool AutoAdd { get; set; }
        public string? Handler { get; set; }
        public IConfigurationSection? Exclude { get; set; }
    }
}
