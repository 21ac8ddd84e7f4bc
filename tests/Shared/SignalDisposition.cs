namespace InotifyGen.Tests.Shared;

/// <summary>
/// For tests that stop a child with SIGINT: a process started in the background by a non-interactive shell (for
/// example `nohup … &amp;`) has SIGINT ignored, its children inherit that, and the test would only time out.
/// </summary>
internal static class SignalDisposition
{
    private const int SigInt = 2;

    /// <summary>Fails, saying why and what to do, when SIGINT is ignored in this process (so in its children).</summary>
    public static void AssertSigIntReachesChildren()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        if (line is null)
            return;
        var ignored = Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16);
        Assert.True((ignored & (1UL << (SigInt - 1))) == 0,
            "this test stops a child with SIGINT, but SIGINT is ignored in the test process (SigIgn in /proc/self/status), " +
            "and children inherit that: run the tests in the foreground, not as a background job of a non-interactive shell " +
            "(`nohup … &`, `cmd &` in a script)");
    }
}
