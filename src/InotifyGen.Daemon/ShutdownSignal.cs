using System.Runtime.InteropServices;

namespace InotifyGen.Daemon;

/// <summary>
/// Turns SIGTERM and SIGINT (and SIGQUIT) into a <see cref="CancellationToken"/>, so a daemon stops cleanly: its
/// loop sees the token, returns, and its <c>finally</c> blocks (pid file removal, closing the inotify fd) run.
/// Uses <see cref="PosixSignalRegistration"/>; the default action (terminating the process) is cancelled while
/// the registration lives. Not needed with Microsoft.Extensions.Hosting, whose console lifetime does the same.
/// </summary>
/// <example><code>
/// using var shutdown = ShutdownSignal.Register();
/// await notifier.RunAsync(shutdown.Token);
/// </code></example>
public sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    private ShutdownSignal()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal),
        ];
    }

    /// <summary>Starts listening for SIGTERM, SIGINT and SIGQUIT. Dispose to restore their default actions.</summary>
    public static ShutdownSignal Register() => new();

    /// <summary>Cancelled when the first of the signals arrives.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>The signal that arrived first, or null.</summary>
    public PosixSignal? Received => Volatile.Read(ref _received) is var v && v != 0 ? (PosixSignal)v : null;

    /// <summary>Unregisters the handlers (the signals' default actions apply again).</summary>
    public void Dispose()
    {
        foreach (var r in _registrations)
            r.Dispose();
        _cts.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // we stop ourselves, through the token
        Interlocked.CompareExchange(ref _received, (int)context.Signal, 0);
        try { _cts.Cancel(); }
        catch (ObjectDisposedException) { }
    }
}
