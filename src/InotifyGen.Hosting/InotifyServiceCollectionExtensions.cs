using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace InotifyGen.Hosting;

/// <summary>Registers InotifyGen with a host.</summary>
public static class InotifyServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="InotifyService"/>, a BackgroundService that owns a <see cref="WatchManager"/> and an
    /// <see cref="AsyncNotifier"/>, adds the configured watches at host start, dispatches to handlers resolved from
    /// DI, logs through the host's <c>ILogger</c>, and stops with the host.
    /// </summary>
    /// <example><code>
    /// builder.Services.AddInotify(inotify => inotify
    ///     .BindConfiguration()                                   // "Inotify" section
    ///     .Watch&lt;SpoolHandler&gt;("/var/spool/in", EventMask.CloseWrite, recursive: true, autoAdd: true));
    /// </code></example>
    public static IServiceCollection AddInotify(this IServiceCollection services, Action<InotifyBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new InotifyBuilder(services);
        services.AddOptions<InotifyOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InotifyOptions>, InotifyOptionsValidator>());
        services.TryAddSingleton<LoggingHandler>();
        configure?.Invoke(builder);
        // Registered after the callback, so a pid file (UsePidFile) is taken before watching starts and released last.
        if (!services.Any(d => d.ServiceType == typeof(InotifyService)))
        {
            services.AddSingleton<InotifyService>();
            services.AddHostedService(static sp => sp.GetRequiredService<InotifyService>());
        }
        return services;
    }
}
