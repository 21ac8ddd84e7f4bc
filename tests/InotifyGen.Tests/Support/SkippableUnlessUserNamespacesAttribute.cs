using System.Diagnostics;

namespace InotifyGen.Tests.Support;

/// <summary>A fact that is skipped when this machine cannot create user namespaces (unshare -U -r).</summary>
public sealed class SkippableUnlessUserNamespacesAttribute : FactAttribute
{
    private static readonly Lazy<bool> Available = new(() =>
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("unshare", "-U -r true") { RedirectStandardError = true, UseShellExecute = false });
            return p is not null && p.WaitForExit(10_000) && p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public SkippableUnlessUserNamespacesAttribute()
    {
        if (!Available.Value)
            Skip = "unshare -U -r is not available here: the limit cannot be lowered without touching the global sysctl";
    }
}
