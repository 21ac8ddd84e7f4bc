using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace InotifyGen.Nats;

/// <summary>The stream publishers and workers share: found by name, or created as a durable work queue.</summary>
public static class JetStreamStream
{
    /// <summary>The stream's name unless configured.</summary>
    public const string DefaultName = "INOTIFY";

    /// <summary>The subjects of a stream created here unless configured (the default subject is under it).</summary>
    public const string DefaultSubjects = "inotify.>";

    /// <summary>How long JetStream remembers a message id to drop a re-sent message.</summary>
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A connection that publishers and workers share the rules of: it retries the first connect too, and
    /// reconnects for ever, 100 ms to 2 s apart, so a server restart is waited out rather than reported as an error.
    /// </summary>
    internal static NatsConnection Connect(string url, string clientName) => new(new NatsOpts
    {
        Url = url,
        Name = clientName,
        RetryOnInitialConnect = true,
        MaxReconnectRetry = -1,
        ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
        ReconnectWaitMax = TimeSpan.FromSeconds(2),
        LoggerFactory = NullLoggerFactory.Instance,
    });

    /// <summary>
    /// Makes sure the stream <paramref name="name"/> exists; a new one gets <paramref name="subjects"/> (comma-separated),
    /// work-queue retention (a message is removed once a worker acknowledges it), file storage and a 10-minute
    /// de-duplication window. An existing stream is used as it is.
    /// </summary>
    public static async Task EnsureAsync(INatsJSContext js, string name, string subjects, CancellationToken cancellationToken = default)
    {
        try
        {
            await js.GetStreamAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
        }
        var config = new StreamConfig(name, subjects.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            Retention = StreamConfigRetention.Workqueue,
            Storage = StreamConfigStorage.File,
            DuplicateWindow = DuplicateWindow,
        };
        try
        {
            await js.CreateStreamAsync(config, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.ErrCode == 10058)
        {
            // Another watcher or worker created it meanwhile.
        }
    }

    internal static bool IsValidName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
