// pyinotify's quick start: `python -m pyinotify [dir]`. Watches the directory given (default /tmp) for every
// event and prints each one in pyinotify's format until Ctrl-C.
using InotifyGen;

var path = args.Length > 0 ? args[0] : "/tmp";
using var wm = new WatchManager();
using var notifier = new Notifier(wm, new PrintAllEvents());
wm.AddWatch(path, EventMask.AllEvents, quiet: false);
notifier.Loop();
