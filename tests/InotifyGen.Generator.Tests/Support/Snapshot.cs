using System.Runtime.CompilerServices;

namespace InotifyGen.Generator.Tests.Support;

/// <summary>
/// Compares text with a committed <c>Snapshots/NAME.verified.cs</c>. On a mismatch it writes <c>NAME.received.cs</c>
/// beside it and fails; with <c>UPDATE_SNAPSHOTS=1</c> it accepts the text as the new verified file instead.
/// (The Verify library is not on the feed; this is the small part of it these tests need.)
/// </summary>
internal static class Snapshot
{
    public static void Verify(string actual, string name, [CallerFilePath] string callerFile = "")
    {
        var dir = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        var verified = Path.Combine(dir, name + ".verified.cs");
        var received = Path.Combine(dir, name + ".received.cs");
        actual = Normalize(actual);

        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }

        var expected = File.Exists(verified) ? Normalize(File.ReadAllText(verified)) : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"No snapshot {verified}. Review {received}, then accept it with UPDATE_SNAPSHOTS=1."
            : $"Generated code differs from {verified}: {FirstDifference(expected, actual)}\nReview {received}; accept with UPDATE_SNAPSHOTS=1.");
    }

    private static string Normalize(string s) => s.Replace("\r\n", "\n");

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : "<end of file>";
            var al = i < a.Length ? a[i] : "<end of file>";
            if (el != al)
                return $"line {i + 1}\n  expected: {el}\n  actual:   {al}";
        }
        return "(no line differs)";
    }
}
