// pyinotify's short tutorial, strategy 2: a Notifier with a short timeout, polled with quick_check() from a timer,
// the way a GUI event loop would call it, so events are handled on the same thread as everything else.
//   dotnet run --project samples/QuickCheck -- /tmp
using InotifyGen;

var path = args.Length > 0 ? args[0] : "/tmp";
using var wm = new WatchManager();
// The short timeout makes CheckEvents return at once when nothing is pending.
using var notifier = new Notifier(wm, new EventHandler(), timeout: TimeSpan.FromMilliseconds(10));
wm.AddWatch(path, EventMask.Create | EventMask.Delete, recursive: true, quiet: false);
Console.Error.WriteLine($"Watching {path}, checking every 300 ms (Ctrl-C to stop)");

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(300));
try
{
    while (await timer.WaitForNextTickAsync(stop.Token))
        QuickCheck(notifier);   // a GUI would do its other work between ticks
}
catch (OperationCanceledException)
{
}

static void QuickCheck(Notifier notifier)
{
    // Loop in case more events arrive while these are processed.
    while (notifier.CheckEvents())
    {
        notifier.ReadEvents();
        notifier.ProcessEvents();
    }
}

partial class EventHandler : ProcessEvent
{
    void process_IN_CREATE(InotifyEvent e) => Console.WriteLine($"Creating: {e.PathName}");
    void process_IN_DELETE(InotifyEvent e) => Console.WriteLine($"Removing: {e.PathName}");
}
