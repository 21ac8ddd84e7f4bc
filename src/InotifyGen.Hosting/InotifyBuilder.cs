using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InotifyGen.Hosting;

/// <summary>Configures the inotify background service registered by <see cref="InotifyServiceCollectionExtensions.AddInotify"/>.</summary>
public sealed class InotifyBuilder
{
    internal InotifyBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection, for registering what the handlers depend on.</summary>
    public IServiceCollection Services { get; }

    internal bool HasPidFile { get; private set; }

    /// <summary>
    /// Registers <typeparamref name="THandler"/> as a singleton resolved from DI (its constructor dependencies are
    /// injected), under <paramref name="name"/> (default: the class name), for watches and configuration to refer to.
    /// </summary>
    public InotifyBuilder AddHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(string? name = null)
        where THandler : ProcessEvent
    {
        Services.TryAddSingleton<THandler>();
        return AddHandler(name ?? typeof(THandler).Name, static sp => sp.GetRequiredService<THandler>());
    }

    /// <summary>Registers a handler made by <paramref name="factory"/> (called once, at start) under <paramref name="name"/>.</summary>
    public InotifyBuilder AddHandler(string name, Func<IServiceProvider, ProcessEvent> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);
        return Configure(o => o.Handlers[name] = factory);
    }

    /// <summary>Registers <typeparamref name="THandler"/> and makes it the handler of watches that name none.</summary>
    public InotifyBuilder UseDefaultHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>()
        where THandler : ProcessEvent
    {
        AddHandler<THandler>();
        return Configure(o => o.DefaultHandler = typeof(THandler).Name);
    }

    /// <summary>Makes the handler registered as <paramref name="name"/> the handler of watches that name none.</summary>
    public InotifyBuilder UseDefaultHandler(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Configure(o => o.DefaultHandler = name);
    }

    /// <summary>Adds a watch (see <see cref="WatchManager.AddWatch(string, EventMask, ProcessEvent?, bool, bool, bool, bool, ExcludeFilter?)"/>).</summary>
    /// <param name="path">The file or directory.</param>
    /// <param name="mask">The events; <see cref="EventMask.None"/> means those the handler handles.</param>
    /// <param name="recursive">Also watch every directory below.</param>
    /// <param name="autoAdd">Watch directories created inside later on.</param>
    /// <param name="handler">The registered handler's name; null for the default handler.</param>
    public InotifyBuilder Watch(string path, EventMask mask = EventMask.None, bool recursive = false, bool autoAdd = false, string? handler = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Configure(o =>
        {
            var w = new InotifyWatchOptions { Mask = mask, Recursive = recursive, AutoAdd = autoAdd, Handler = handler };
            w.Paths.Add(path);
            o.Watches.Add(w);
        });
    }

    /// <summary>Registers <typeparamref name="THandler"/> (from DI) and adds a watch handled by it.</summary>
    public InotifyBuilder Watch<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(string path,
        EventMask mask = EventMask.None, bool recursive = false, bool autoAdd = false)
        where THandler : ProcessEvent
    {
        AddHandler<THandler>();
        return Watch(path, mask, recursive, autoAdd, typeof(THandler).Name);
    }

    /// <summary>
    /// Reads watches and settings from the configuration section at <paramref name="sectionPath"/> of the app's
    /// <see cref="IConfiguration"/> (default <c>Inotify</c>), bound by the configuration binder's source generator
    /// (AOT-safe), checked when the host starts, and followed when the configuration reloads: a watch added there
    /// is added to the running host, a removed one is removed.
    /// </summary>
    /// <example><code>
    /// "Inotify": {
    ///   "DefaultHandler": "SpoolHandler",
    ///   "Watches": [ { "Path": "/var/spool/in", "Mask": "IN_CLOSE_WRITE|IN_MOVED_TO", "Recursive": true, "AutoAdd": true } ]
    /// }
    /// </code></example>
    public InotifyBuilder BindConfiguration(string sectionPath = InotifyOptions.DefaultSection)
    {
        ArgumentException.ThrowIfNullOrEmpty(sectionPath);
        Services.AddOptions<InotifyOptions>().Configure<IConfiguration>((o, config) => InotifyConfigurationBinding.Apply(config.GetSection(sectionPath), o));
        Services.AddSingleton<IOptionsChangeTokenSource<InotifyOptions>>(sp =>
            new ConfigurationChangeTokenSource<InotifyOptions>(sp.GetRequiredService<IConfiguration>().GetSection(sectionPath)));
        return this;
    }

    /// <summary>Reads watches and settings from <paramref name="section"/>; see <see cref="BindConfiguration(string)"/>.</summary>
    public InotifyBuilder BindConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        Services.AddSingleton<IOptionsChangeTokenSource<InotifyOptions>>(new ConfigurationChangeTokenSource<InotifyOptions>(section));
        return Configure(o => InotifyConfigurationBinding.Apply(section, o));
    }

    /// <summary>
    /// Holds a pid file while the host runs (see <see cref="Daemon.PidFile"/>): written atomically at start, before
    /// the watches; a stale one is taken over; a live one fails the start unless <paramref name="forceKill"/>
    /// (which stops that process first). Removed at shutdown.
    /// </summary>
    public InotifyBuilder UsePidFile(string path, bool forceKill = false, TimeSpan? killTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        HasPidFile = true;
        Services.AddHostedService(sp => new PidFileService(path, forceKill, killTimeout, sp.GetRequiredService<ILogger<PidFileService>>()));
        return this;
    }

    /// <summary>Changes the options in code.</summary>
    public InotifyBuilder Configure(Action<InotifyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.AddOptions<InotifyOptions>().Configure(configure);
        return this;
    }
}
