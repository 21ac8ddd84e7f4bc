namespace InotifyGen.Tests.Support;

public static partial class KernelLimits
{
    private const string LockPath = "/tmp/inotifygen-tests-kernel-limits.lock";

    /// <summary>Holds the cross-process lock (an exclusive flock) until disposed; waits for it with a deadline.</summary>
    public static IDisposable Lock()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5); // another test process holds it for the few microseconds of its change
            }
        }
    }
}
