namespace InotifyGen.Async.Tests.Support;

/// <summary>Process-wide facts read from /proc: our named threads and open inotify/eventfd descriptors.</summary>
public static class Probe
{
    /// <summary>Threads of this process whose name (as Linux shows it, 15 characters) is <paramref name="name"/>.</summary>
    public static int ThreadsNamed(string name) =>
        Directory.GetDirectories("/proc/self/task").Count(t =>
        {
            try { return File.ReadAllText(System.IO.Path.Combine(t, "comm")).TrimEnd('\n') == name; }
            catch (IOException) { return false; } // the thread ended meanwhile
        });

    /// <summary>Open descriptors whose target contains <paramref name="kind"/> ("inotify", "eventfd").</summary>
    public static int OpenFds(string kind) =>
        Directory.GetFiles("/proc/self/fd").Count(fd =>
        {
            try { return new FileInfo(fd).LinkTarget?.Contains(kind, StringComparison.Ordinal) == true; }
            catch (IOException) { return false; }
        });

    /// <summary>Polls <paramref name="condition"/> until true or the deadline; returns its last value.</summary>
    public static bool Eventually(Func<bool> condition, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (!condition())
        {
            if (DateTime.UtcNow >= until)
                return condition();
            Thread.Sleep(5);
        }
        return true;
    }
}
