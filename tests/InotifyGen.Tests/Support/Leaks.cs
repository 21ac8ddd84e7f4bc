using System.Diagnostics;

namespace InotifyGen.Tests.Support;

/// <summary>Counts of process resources, taken after finalizers ran so that earlier tests' garbage does not count.</summary>
public static class Leaks
{
    public static int OpenFds()
    {
        Settle();
        return Directory.GetFiles("/proc/self/fd").Length;
    }

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
