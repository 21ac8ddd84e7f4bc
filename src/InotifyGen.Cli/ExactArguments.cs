using System.Text;

namespace InotifyGen.Cli;

/// <summary>
/// The command line with every byte kept. .NET decodes argv as UTF-8 with U+FFFD for bad bytes, so a path that is not
/// UTF-8 would name another file; when an argument holds U+FFFD, its exact bytes are read back from
/// /proc/self/cmdline (whose last entries are the arguments) and decoded losslessly (<see cref="FileNames"/>).
/// </summary>
internal static class ExactArguments
{
    public static string[] Of(string[] args)
    {
        if (!args.Any(a => a.Contains('\uFFFD', StringComparison.Ordinal)))
            return args;
        byte[] cmdline;
        try
        {
            cmdline = File.ReadAllBytes("/proc/self/cmdline");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return args;
        }
        var entries = new List<byte[]>();
        for (int start = 0, end; start < cmdline.Length; start = end + 1)
        {
            end = Array.IndexOf(cmdline, (byte)0, start);
            if (end < 0)
                end = cmdline.Length;
            entries.Add(cmdline[start..end]);
        }
        if (entries.Count < args.Length)
            return args;
        var exact = entries[^args.Length..];
        // The same arguments, or (an unusual host) something else: then keep .NET's.
        for (var i = 0; i < args.Length; i++)
            if (Encoding.UTF8.GetString(exact[i]) != args[i])
                return args;
        return exact.Select(b => FileNames.Decode(b)).ToArray();
    }
}
