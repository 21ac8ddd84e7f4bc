using System.Diagnostics;

namespace InotifyGen.Tests.Support;

/// <summary>Counts of process resources, taken after finalizers ran so that earlier tests' garbage does not count.</summary>
public static class Leaks
{
    /// <summary>
    /// The open fds with what each points to (<c>anon_inode:inotify</c>, a path, <c>pipe:[…]</c>), after finalizers ran.
    /// </summary>
    public static Dictionary<string, string> Fds()
    {
        Settle();
        var fds = new Dictionary<string, string>();
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try { fds[Path.GetFileName(fd)] = new FileInfo(fd).LinkTarget ?? "?"; }
            catch (IOException) { } // closed meanwhile (the listing's own fd among them)
        }
        return fds;
    }

    /// <summary>
    /// The fds open now that were not open in <paramref name="before"/>, leaving out pipes and sockets: InotifyGen opens
    /// neither, and the runtime and other tests' child processes open and close them at their own pace.
    /// </summary>
    public static List<string> OpenedSince(Dictionary<string, string> before) =>
        Fds().Where(fd => !(before.TryGetValue(fd.Key, out var was) && was == fd.Value)
                && !fd.Value.StartsWith("pipe:", StringComparison.Ordinal) && !fd.Value.StartsWith("socket:", StringComparison.Ordinal))
            .Select(fd => $"{fd.Key} -> {fd.Value}").ToList();

    public static int Threads()
    {
        Settle();
        return Process.GetCurrentProcess().Threads.Count;
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
