using InotifyGen.Daemon;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InotifyGen.Hosting;

/// <summary>Holds a <see cref="PidFile"/> from host start to host stop.</summary>
internal sealed class PidFileService(string path, bool forceKill, TimeSpan? killTimeout, ILogger<PidFileService> logger) : IHostedService, IDisposable
{
    private PidFile? _pidFile;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _pidFile = PidFile.Acquire(path, forceKill, killTimeout, logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _pidFile?.Dispose();
}
