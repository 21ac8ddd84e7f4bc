// Usage: InotifyGen.WatchProbe PATH quiet|loud. Prints "PATH=WD" per AddWatch result, or the exception.
using InotifyGen;

using var wm = new WatchManager();
try
{
    foreach (var (path, wd) in wm.AddWatch(args[0], EventMask.AllEvents, quiet: args[1] == "quiet"))
        Console.WriteLine($"{path}={wd}");
    return 0;
}
catch (WatchManagerException e)
{
    Console.WriteLine($"{e.GetType().Name} errno={e.Errno}: {e.Message}");
    foreach (var (path, wd) in e.Added!)
        Console.WriteLine($"{path}={wd}");
    return 3;
}
