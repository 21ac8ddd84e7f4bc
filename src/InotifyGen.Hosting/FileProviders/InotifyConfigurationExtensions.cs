using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace InotifyGen.Hosting;

/// <summary>Makes the host's own configuration reload run on inotify.</summary>
public static class InotifyConfigurationExtensions
{
    /// <summary>
    /// Serves the configuration files of the content root (appsettings.json, appsettings.{Environment}.json, and
    /// any added later) through one <see cref="InotifyFileProvider"/>, with reload on change: one inotify instance
    /// for all of them instead of a FileSystemWatcher, and Kubernetes ConfigMap updates (the <c>..data</c> swap) are
    /// seen. The provider is registered in DI, and <see cref="InotifyServiceCollectionExtensions.AddInotify"/>'s
    /// service adds its watches to the same instance: the whole host then needs one inotify instance.
    /// </summary>
    /// <param name="builder">The host builder; call this right after creating it.</param>
    /// <param name="reloadOnChange">Whether those files are reloaded when they change (default true, also when the
    /// host's defaults turned reload off, e.g. with <c>hostBuilder:reloadConfigOnChange=false</c>).</param>
    /// <example><code>
    /// var builder = Host.CreateApplicationBuilder(args);
    /// builder.UseInotifyFileProvider();
    /// builder.Services.AddInotify(i => i.BindConfiguration());
    /// </code></example>
    public static TBuilder UseInotifyFileProvider<TBuilder>(this TBuilder builder, bool reloadOnChange = true)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(builder.Environment.ContentRootPath));
        var sources = builder.Configuration.Sources;
        var replaced = new List<int>();
        for (var i = 0; i < sources.Count; i++)
            if (sources[i] is FileConfigurationSource { FileProvider: PhysicalFileProvider p } && Path.TrimEndingDirectorySeparator(p.Root) == root)
                replaced.Add(i);
        // Their FileSystemWatchers hold an inotify instance each: let them go before taking ours.
        foreach (var p in replaced.Select(i => ((FileConfigurationSource)sources[i]).FileProvider).OfType<IDisposable>().Distinct())
            p.Dispose();
        if (builder.Configuration.Properties.TryGetValue("FileProvider", out var shared) && shared is PhysicalFileProvider { Root: var r } old
            && Path.TrimEndingDirectorySeparator(r) == root)
            old.Dispose();
        var provider = Create(root, waitForRelease: replaced.Count > 0);
        foreach (var i in replaced)
        {
            var source = (FileConfigurationSource)sources[i];
            source.FileProvider = provider;
            source.ReloadOnChange = reloadOnChange;
        }
        // For files added from here on; setting it also rebuilds every source, now on the new file provider.
        builder.Configuration.SetFileProvider(provider);
        builder.Services.AddSingleton(_ => provider); // created by a factory, so disposed with the host
        return builder;
    }

    /// <summary>
    /// A FileSystemWatcher closes its inotify instance on its own thread, a moment after it is disposed: where the
    /// instance limit is reached, wait for that (a few milliseconds; at most 2 s) rather than fail.
    /// </summary>
    private static InotifyFileProvider Create(string root, bool waitForRelease)
    {
        const int EMFILE = 24;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (true)
        {
            try
            {
                return new InotifyFileProvider(root);
            }
            catch (InotifyException e) when (waitForRelease && e.Errno == EMFILE && DateTime.UtcNow < until)
            {
                Thread.Sleep(5);
            }
        }
    }
}
