// dotnet run --project samples/NatsWorker -- nats://queue:4222
// Every file a watcher of the fleet reports as written (IN_CLOSE_WRITE) or moved in, handed to one worker once.
// Start several: they share the durable consumer, each message going to one of them. Ctrl-C stops it.
using InotifyGen.Nats;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

await using var worker = new JetStreamWorker(new JetStreamWorkerOptions { Url = args.Length > 0 ? args[0] : "nats://127.0.0.1:4222" });
await worker.RunAsync((item, ct) =>
{
    // Replace with the real work; throwing here gets the file delivered again later.
    Console.WriteLine(item.EventsLost ? $"{item.Host}: events were lost, rescan" : $"{item.Host}:{item.PathName}");
    return ValueTask.CompletedTask;
}, stop.Token);
