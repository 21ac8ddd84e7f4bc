// A child process for tests that need another user or a user namespace (permission errors and lowered limits
// cannot be seen as root in the test process). Usage: InotifyGen.WatchProbe PATH MODE
//   quiet | loud   AddWatch(PATH) with quiet true or false; prints "PATH=WD" per result, or the exception
//   tree           AddWatch(PATH, recursive, quiet: false); the same output
//   autoadd        watches PATH recursive + autoAdd with a WatchFailed callback, then makes PATH/a, PATH/b and
//                  PATH/locked (mode 000); prints "failed PATH errno=N: MESSAGE" for each failure reported, and
//                  "watched PATH" for each directory watched, once PATH/locked failed or was watched
//   instance       creates a WatchManager; prints "ok" or the exception
using InotifyGen;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

var path = args.Length > 0 ? args[0] : "";
var mode = args.Length > 1 ? args[1] : "instance";
try
{
    if (mode == "instance")
    {
        using var only = new WatchManager();
        Console.WriteLine("ok");
        return 0;
    }
    using var wm = new WatchManager();
    if (mode == "autoadd")
        return AutoAdd(wm, path);
    var options = new WatchOptions { Mask = EventMask.AllEvents, Quiet = mode == "quiet", Recursive = mode == "tree" };
    foreach (var r in wm.AddWatch(path, options))
        Console.WriteLine($"{r.Path}={r.Wd}");
    return 0;
}
catch (WatchManagerException e)
{
    Console.WriteLine($"{e.GetType().Name} errno={e.Errno}: {e.Message}");
    foreach (var (p, wd) in e.Added!)
        Console.WriteLine($"{p}={wd}");
    return 3;
}
catch (InotifyException e)
{
    Console.WriteLine($"{e.GetType().Name} errno={e.Errno}: {e.Message}");
    return 3;
}

static int AutoAdd(WatchManager wm, string top)
{
    var failures = new List<WatchResult>();
    var locked = Path.Combine(top, "locked");
    var notifier = new ThreadedNotifier(wm, new DelegateHandler(_ => { }));
    wm.AddWatch(top, new WatchOptions
    {
        Mask = EventMask.Create,
        Recursive = true,
        AutoAdd = true,
        Quiet = false,
        WatchFailed = r => { lock (failures) { failures.Add(r); Monitor.PulseAll(failures); } },
    });
    notifier.Start();
    Directory.CreateDirectory(Path.Combine(top, "a"));
    Directory.CreateDirectory(Path.Combine(top, "b"));
    Directory.CreateDirectory(locked, UnixFileMode.None);
    var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
    lock (failures)
        while (!failures.Exists(f => f.Path == locked) && wm.GetWd(locked) is null && DateTime.UtcNow < deadline)
            Monitor.Wait(failures, TimeSpan.FromMilliseconds(20)); // the watch table has no event to wait on; the callback pulses
    var watched = new[] { top, Path.Combine(top, "a"), Path.Combine(top, "b"), locked }.Where(p => wm.GetWd(p) is not null).ToList();
    notifier.Stop();
    lock (failures)
        foreach (var f in failures)
            Console.WriteLine($"failed {f.Path} errno={f.Errno}: {f.Error!.Message}");
    foreach (var p in watched)
        Console.WriteLine($"watched {p}");
    return 0;
}
