using Microsoft.Extensions.Options;

namespace InotifyGen.Hosting;

/// <summary>
/// Checks <see cref="InotifyOptions"/> when the host starts (<c>ValidateOnStart</c>) and on every configuration
/// reload: each failure names the setting (its configuration key, or the watch's path when it was set in code) and
/// the fix. Whether a path exists is not checked here: that is the kernel's answer when the watch is added.
/// </summary>
internal sealed class InotifyOptionsValidator : IValidateOptions<InotifyOptions>
{
    public ValidateOptionsResult Validate(string? name, InotifyOptions options)
    {
        var failures = new List<string>(options.Problems);
        if (options.DefaultHandler is { } handler && !options.Handlers.ContainsKey(handler))
            failures.Add($"Inotify:DefaultHandler: no inotify handler is registered as '{handler}'; {Register(options, handler)}");
        CheckRegexes(options.Exclude, "Inotify:Exclude", failures);
        for (var i = 0; i < options.Watches.Count; i++)
        {
            var w = options.Watches[i];
            var where = w.Source ?? (w.Paths.Count > 0 ? $"the watch on '{w.Paths[0]}'" : $"watch {i} (set in code)");
            if (w.Paths.Count == 0)
                failures.Add($"{where}: the watch has no path; give \"Path\": \"/dir\" or \"Paths\": [ ... ]");
            if (w.Paths.Any(string.IsNullOrWhiteSpace))
                failures.Add($"{where}: a path is empty; give the file or directory to watch");
            if (w.Handler is { } h && !options.Handlers.ContainsKey(h))
                failures.Add($"{where}:Handler: no inotify handler is registered as '{h}'; {Register(options, h)}");
            CheckRegexes(w.Exclude, where + ":Exclude", failures);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Register(InotifyOptions options, string name) =>
        $"register it with AddInotify(i => i.AddHandler<{name}>()) (registered: {(options.Handlers.Count == 0 ? "none" : string.Join(", ", options.Handlers.Keys))})";

    private static void CheckRegexes(IEnumerable<string> patterns, string where, List<string> failures)
    {
        foreach (var pattern in patterns)
        {
            try
            {
                _ = new ExcludeFilter(pattern);
            }
            catch (ArgumentException e)
            {
                failures.Add($"{where}: {e.Message.Split(" (Parameter")[0]}; fix or remove it");
            }
        }
    }
}
