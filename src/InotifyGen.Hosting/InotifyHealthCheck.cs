using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InotifyGen.Hosting;

/// <summary>When <see cref="InotifyHealthCheck"/> reports the inotify service degraded.</summary>
public sealed class InotifyHealthCheckOptions
{
    /// <summary>Degraded once the watches held reach this share of the watch limit that applies (<c>fs.inotify.max_user_watches</c>, or a user namespace's lower <c>user.max_inotify_watches</c>). Default 0.9.</summary>
    public double WatchLimitRatio { get; set; } = 0.9;

    /// <summary>The watch limit to compare with; null (the default) reads the one that applies (see <see cref="WatchLimitRatio"/>).</summary>
    public int? MaxUserWatches { get; set; }

    /// <summary>Degraded when the kernel's event queue overflowed this many times within <see cref="OverflowWindow"/>. Default 2.</summary>
    public int RepeatedOverflows { get; set; } = 2;

    /// <summary>How far back overflows count. Default 10 minutes.</summary>
    public TimeSpan OverflowWindow { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// The health of the inotify service: Unhealthy when its notifier is not running (it died of an exception, or has
/// not started); Degraded when the watches held come near <c>fs.inotify.max_user_watches</c>, when the kernel's
/// event queue overflowed repeatedly, or while the trees are still being walked at start; else Healthy. Each
/// result's data carries the watch count, the limit and the recent overflows.
/// </summary>
public sealed class InotifyHealthCheck : IHealthCheck
{
    private readonly InotifyService _service;
    private readonly InotifyHealthCheckOptions _options;

    /// <summary>Checks <paramref name="service"/> against <paramref name="options"/>.</summary>
    public InotifyHealthCheck(InotifyService service, InotifyHealthCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
        _options = options ?? new InotifyHealthCheckOptions();
    }

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Check());

    private HealthCheckResult Check()
    {
        if (_service.Fault is { } fault)
            return HealthCheckResult.Unhealthy($"the inotify notifier died: {fault.Message}", fault);
        if (!_service.IsRunning || _service.WatchManager is not { IsClosed: false } wm)
            return HealthCheckResult.Unhealthy("the inotify notifier is not running (the host has not started it, or it stopped)");
        var watches = wm.Watches.Count;
        // The limit that applies: inside a user namespace (a container) its own user.max_inotify_watches can be the lower one.
        var applied = _options.MaxUserWatches is { } given ? new AppliedLimit("fs.inotify.max_user_watches", given, null) : InotifyLimits.WatchLimit;
        var limit = applied.Value ?? 0;
        var overflows = _service.Overflows?.CountSince(DateTime.UtcNow - _options.OverflowWindow) ?? 0;
        var data = new Dictionary<string, object>
        {
            ["watches"] = watches,
            ["max_user_watches"] = limit,
            ["overflows"] = overflows,
        };
        if (limit > 0 && watches >= limit * _options.WatchLimitRatio)
            return HealthCheckResult.Degraded(
                $"{watches} inotify watches held, near {applied}: raise it (sysctl {applied.Sysctl}=N) or watch fewer directories", data: data);
        if (overflows >= _options.RepeatedOverflows)
            return HealthCheckResult.Degraded(
                $"the inotify event queue overflowed {overflows} times in the last {_options.OverflowWindow}: raise fs.inotify.max_queued_events, make the handlers faster, or set RescanOnOverflow", data: data);
        if (!_service.WatchesReady.IsCompleted)
            return HealthCheckResult.Degraded($"still walking the watched trees at start: {watches} watches so far", data: data);
        return HealthCheckResult.Healthy($"{watches} inotify watches", data);
    }
}

/// <summary>Registers <see cref="InotifyHealthCheck"/>.</summary>
public static class InotifyHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds the inotify service's health check (see <see cref="InotifyHealthCheck"/>); needs
    /// <see cref="InotifyServiceCollectionExtensions.AddInotify"/>.
    /// </summary>
    /// <example><code>builder.Services.AddHealthChecks().AddInotify();</code></example>
    public static IHealthChecksBuilder AddInotify(this IHealthChecksBuilder builder, string name = "inotify",
        Action<InotifyHealthCheckOptions>? configure = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new InotifyHealthCheckOptions();
        configure?.Invoke(options);
        return builder.Add(new HealthCheckRegistration(name, sp => new InotifyHealthCheck(sp.GetRequiredService<InotifyService>(), options), null, tags));
    }
}
