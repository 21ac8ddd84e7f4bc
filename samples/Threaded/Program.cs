// pyinotify's short tutorial, strategy 3: a ThreadedNotifier handles events on its own thread while this one
// does something else (here: waits for Enter), then removes the watches and stops the thread.
//   dotnet run --project samples/Threaded -- /tmp
using InotifyGen;

var path = args.Length > 0 ? args[0] : "/tmp";
using var wm = new WatchManager();
using var notifier = new ThreadedNotifier(wm, new EventHandler());
// Start the thread first: nothing is watched yet, so it just waits.
notifier.Start();
var wdd = wm.AddWatch(path, EventMask.Create | EventMask.Delete, recursive: true, quiet: false);
Console.Error.WriteLine($"Watching {path} from another thread; press Enter to stop");

Console.ReadLine();

// Removing /tmp's watch alone would leave its subdirectories watched; recursive removes them too.
if (wdd[path] > 0)
    wm.RmWatch(wdd[path], recursive: true);
notifier.Stop();
if (notifier.Fault is { } fault)
    Console.Error.WriteLine($"The notifier thread failed: {fault}");

partial class EventHandler : ProcessEvent
{
    void process_IN_CREATE(InotifyEvent e) => Console.WriteLine($"Creating: {e.PathName}");
    void process_IN_DELETE(InotifyEvent e) => Console.WriteLine($"Removing: {e.PathName}");
}
