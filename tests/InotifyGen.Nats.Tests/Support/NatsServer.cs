using System.Net;
using System.Net.Sockets;
using InotifyGen.Cli.Tests.Support;
using InotifyGen.Tests.Support;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace InotifyGen.Nats.Tests.Support;

/// <summary>
/// A real <c>nats-server -js</c> on a free port with a store directory of its own, for one test. It can be stopped and
/// started again on the same port and store (the stream survives, as it would on a server restart).
/// </summary>
public sealed class NatsServer : IDisposable
{
    private readonly TempDir _store = new();
    private CliProcess? _process;

    /// <summary>Picks a free port and, unless told not to, starts the server on it.</summary>
    public NatsServer(bool start = true)
    {
        Port = FreePort();
        if (start)
            Start();
    }

    public int Port { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public void Start()
    {
        const string server = "/usr/sbin/nats-server";
        Assert.True(File.Exists(server), "nats-server is not installed: apt-get install nats-server (.ci/run does it)");
        _process = CliProcess.StartProgram(server, "-js", "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-sd", _store.Path);
        _process.WaitForStderr(l => l.Contains("Server is ready", StringComparison.Ordinal));
    }

    /// <summary>Stops the server (SIGTERM) and waits for its exit.</summary>
    public void Stop()
    {
        _process?.Signal();
        _process?.Dispose();
        _process = null;
    }

    /// <summary>A JetStream context on a fresh connection (dispose the connection).</summary>
    public (NatsConnection Connection, NatsJSContext Js) Connect()
    {
        var connection = new NatsConnection(new NatsOpts { Url = Url });
        return (connection, new NatsJSContext(connection));
    }

    /// <summary>
    /// How many messages the stream has stored since it was made (its last sequence number), and how many it holds;
    /// zeros while it does not exist.
    /// </summary>
    public async Task<(ulong Stored, ulong Held)> StreamCountsAsync(string stream = JetStreamStream.DefaultName)
    {
        var (connection, js) = Connect();
        await using (connection)
        {
            try
            {
                var s = await js.GetStreamAsync(stream);
                return (s.Info.State.LastSeq, (ulong)s.Info.State.Messages);
            }
            catch (NatsJSApiException e) when (e.Error.Code == 404)
            {
                return (0, 0);
            }
        }
    }

    public void Dispose()
    {
        Stop();
        _store.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
