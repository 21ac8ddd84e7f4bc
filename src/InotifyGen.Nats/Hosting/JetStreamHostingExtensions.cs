using InotifyGen.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InotifyGen.Nats;

/// <summary>InotifyGen.Hosting integration: the publisher as a handler named <see cref="HandlerName"/>, configured from a section.</summary>
public static class JetStreamHostingExtensions
{
    /// <summary>The name of the publishing handler: use it as <c>DefaultHandler</c> or as a watch's <c>Handler</c>.</summary>
    public const string HandlerName = "jetstream";

    /// <summary>
    /// Publishes the events of the watches whose handler is <see cref="HandlerName"/> (or of all of them, with
    /// <c>"DefaultHandler": "jetstream"</c>) to JetStream, with <see cref="JetStreamPublisherOptions"/> bound from the
    /// configuration section <paramref name="sectionPath"/> (source-generated binder) and validated at start: each bad
    /// key is named with its fix. The publisher starts before the watches, runs the catch-up (with
    /// <c>StatePath</c>) once they are ready, and drains its buffer when the host stops.
    /// </summary>
    /// <example><code>
    /// // appsettings.json: { "Inotify": { "DefaultHandler": "jetstream", "Watches": [ { "Path": "/srv/uploads", "Recursive": true } ] },
    /// //                     "JetStream": { "Url": "nats://queue:4222", "StatePath": "/var/lib/uploads.state" } }
    /// builder.Services.AddInotify(inotify => inotify.BindConfiguration().PublishToJetStream());
    /// </code></example>
    public static InotifyBuilder PublishToJetStream(this InotifyBuilder builder, string sectionPath = JetStreamPublisherOptions.DefaultSection)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<JetStreamPublisherOptions>().BindConfiguration(sectionPath).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JetStreamPublisherOptions>>(new OptionsValidator(sectionPath)));
        services.TryAddSingleton(sp => new JetStreamPublisher(sp.GetRequiredService<IOptions<JetStreamPublisherOptions>>().Value,
            sp.GetService<ILoggerFactory>()?.CreateLogger<JetStreamPublisher>()));
        services.AddHostedService<PublisherService>();
        return builder.AddHandler(HandlerName, sp => sp.GetRequiredService<JetStreamPublisher>().Handler);
    }

    private sealed class OptionsValidator(string section) : IValidateOptions<JetStreamPublisherOptions>
    {
        public ValidateOptionsResult Validate(string? name, JetStreamPublisherOptions options) =>
            options.Validate(section + ":") is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }

    /// <summary>Starts the publisher before the watches (registered first), catches up once they are ready, drains at stop.</summary>
    private sealed class PublisherService(JetStreamPublisher publisher, IServiceProvider services, IOptions<InotifyOptions> inotify) : IHostedService
    {
        private Task _catchUp = Task.CompletedTask;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await publisher.StartAsync(cancellationToken).ConfigureAwait(false);
            var watcher = services.GetRequiredService<InotifyService>();
            _catchUp = Task.Run(async () =>
            {
                await watcher.WatchesReady.ConfigureAwait(false);
                var o = inotify.Value;
                var mine = o.Watches.Where(w => (w.Handler ?? o.DefaultHandler) == HandlerName).ToList();
                var mask = mine.Aggregate(EventMask.None, (m, w) => m | (w.Mask == EventMask.None ? EventMask.AllEvents : w.Mask));
                publisher.CatchUp(mine.SelectMany(w => w.Paths.Select(p => (p, w.Recursive))), mask, watcher.WatchManager);
            }, CancellationToken.None);
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            await _catchUp.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await publisher.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
