// pyinotify's short tutorial, strategy 1: Notifier.loop() without a timeout, and README's first example.
// Watches a directory (default /tmp) and everything below it; prints creations and deletions until Ctrl-C.
//   dotnet run --project samples/NotifierLoop -- /tmp
//   (elsewhere) touch /tmp/foo && rm -f /tmp/foo   ->   Creating: /tmp/foo   Removing: /tmp/foo
using InotifyGen;

var path = args.Length > 0 ? args[0] : "/tmp";
using var wm = new WatchManager();
using var notifier = new Notifier(wm, new EventHandler());
wm.AddWatch(path, recursive: true, autoAdd: true, quiet: false);   // no mask: asks the kernel for what EventHandler handles
Console.Error.WriteLine($"Watching {path} for {EventsCodes.MaskName(wm.GetWatch(wm.GetWd(path)!.Value)!.Mask)} (Ctrl-C to stop)");
notifier.Loop();                                                    // until Ctrl-C

public partial class EventHandler : ProcessEvent
{
    void process_IN_CREATE(InotifyEvent e) => Console.WriteLine($"Creating: {e.PathName}");
    [OnDelete] void Removing(InotifyEvent e) => Console.WriteLine($"Removing: {e.PathName}");
}
