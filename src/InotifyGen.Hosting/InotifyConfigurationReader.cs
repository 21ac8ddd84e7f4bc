using Microsoft.Extensions.Configuration;

namespace InotifyGen.Hosting;

/// <summary>
/// Reads an <c>Inotify</c> configuration section into <see cref="InotifyOptions"/> by hand: no reflection-based
/// binder, so it is trim- and Native-AOT-safe, and every error names the configuration key and the fix.
/// </summary>
internal static class InotifyConfigurationReader
{
    public static void Read(IConfiguration section, InotifyOptions options)
    {
        if (section["DefaultHandler"] is { Length: > 0 } handler)
            options.DefaultHandler = handler;
        if (section["ExceptionPolicy"] is { Length: > 0 } policy)
        {
            if (!Enum.TryParse<HandlerExceptionPolicy>(policy, ignoreCase: true, out var p) || !Enum.IsDefined(p))
                throw Error(section, "ExceptionPolicy", $"'{policy}' is not a policy; use Propagate or LogAndContinue");
            options.ExceptionPolicy = p;
        }
        foreach (var x in Strings(section, "Exclude", split: false))
            options.Exclude.Add(x);
        foreach (var w in section.GetSection("Watches").GetChildren())
        {
            var watch = new InotifyWatchOptions
            {
                Recursive = Bool(w, "Recursive"),
                AutoAdd = Bool(w, "AutoAdd"),
                Handler = w["Handler"] is { Length: > 0 } h ? h : null,
            };
            foreach (var p in Strings(w, "Path", split: false).Concat(Strings(w, "Paths", split: false)))
                watch.Paths.Add(p);
            if (watch.Paths.Count == 0)
                throw Error(w, "Path", "the watch has no path; give \"Path\": \"/dir\" or \"Paths\": [ ... ]");
            var names = Strings(w, "Mask", split: true).ToList();
            if (names.Count > 0)
            {
                if (!EventsCodes.TryParse(names, out var mask, out var unknown))
                    throw Error(w, "Mask", $"'{unknown}' is not an event name; use IN_* names such as IN_CLOSE_WRITE, IN_CREATE or ALL_EVENTS");
                watch.Mask = mask;
            }
            foreach (var x in Strings(w, "Exclude", split: false))
                watch.Exclude.Add(x);
            options.Watches.Add(watch);
        }
    }

    /// <summary>A scalar (split on '|' and ',' when <paramref name="split"/>) or the elements of an array.</summary>
    private static IEnumerable<string> Strings(IConfiguration c, string key, bool split)
    {
        if (c[key] is { } value)
            return split ? value.Split(['|', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [value];
        return c.GetSection(key).GetChildren().Select(s => s.Value).OfType<string>().Where(v => v.Length > 0);
    }

    private static bool Bool(IConfiguration c, string key)
    {
        var value = c[key];
        if (string.IsNullOrEmpty(value))
            return false;
        return bool.TryParse(value, out var b) ? b : throw Error(c, key, $"'{value}' is not true or false");
    }

    private static InvalidOperationException Error(IConfiguration c, string key, string message) =>
        new($"configuration {(c is IConfigurationSection s ? s.Path + ":" : "")}{key}: {message}");
}
