using System.Globalization;

namespace InotifyGen;

/// <summary>
/// The kernel's inotify limits in /proc/sys/fs/inotify, pyinotify's <c>max_queued_events</c>,
/// <c>max_user_instances</c> and <c>max_user_watches</c>. Setting a value needs root.
/// </summary>
public static class InotifyLimits
{
    private const string Dir = "/proc/sys/fs/inotify/";

    /// <summary>How many events the kernel queues for one inotify instance before IN_Q_OVERFLOW. Read when an instance is created.</summary>
    public static int MaxQueuedEvents { get => Read("max_queued_events"); set => Write("max_queued_events", value); }

    /// <summary>How many inotify instances (WatchManagers) one user may have open.</summary>
    public static int MaxUserInstances { get => Read("max_user_instances"); set => Write("max_user_instances", value); }

    /// <summary>How many watches one user may have across all instances.</summary>
    public static int MaxUserWatches { get => Read("max_user_watches"); set => Write("max_user_watches", value); }

    private static int Read(string name) =>
        int.Parse(File.ReadAllText(Dir + name).Trim(), CultureInfo.InvariantCulture);

    private static void Write(string name, int value)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(nameof(value), value, $"fs.inotify.{name} must be positive");
        try
        {
            File.WriteAllText(Dir + name, value.ToString(CultureInfo.InvariantCulture));
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException(
                $"setting fs.inotify.{name} needs root: run as root, or `sudo sysctl fs.inotify.{name}={value}`", e);
        }
    }

    /// <summary>
    /// The watch limit that applies to this process, and how to name it in an error message. Inside a user namespace
    /// (a container) the namespace's own <c>/proc/sys/user/max_inotify_watches</c> can be the lower one, and then
    /// raising fs.inotify.max_user_watches would not help.
    /// </summary>
    internal static AppliedLimit WatchLimit => Applied("max_user_watches", "max_inotify_watches");

    /// <summary>The instance limit that applies to this process; see <see cref="WatchLimit"/>.</summary>
    internal static AppliedLimit InstanceLimit => Applied("max_user_instances", "max_inotify_instances");

    private static AppliedLimit Applied(string global, string perNamespace)
    {
        var fs = TryReadFile(Dir + global);
        var user = TryReadFile(UserDir + perNamespace);
        return user is { } u && (fs is not { } f || u < f)
            ? new AppliedLimit($"user.{perNamespace}", u, fs is null ? null : $"fs.inotify.{global}")
            : new AppliedLimit($"fs.inotify.{global}", fs, null);
    }

    private const string UserDir = "/proc/sys/user/";

    private static int? TryReadFile(string path)
    {
        try { return int.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return null; }
    }
}

/// <summary>
/// A kernel limit as an error message names it: the sysctl (<c>fs.inotify.max_user_watches</c>, or the user
/// namespace's <c>user.max_inotify_watches</c> when that one is lower), its value, and the global one it undercuts.
/// </summary>
internal readonly record struct AppliedLimit(string Sysctl, int? Value, string? Undercut)
{
    /// <summary>"fs.inotify.max_user_watches = 8192", or "user.max_inotify_watches = 2, this user namespace's limit, below fs.inotify.max_user_watches".</summary>
    public override string ToString()
    {
        var value = Value?.ToString(CultureInfo.InvariantCulture) ?? "unknown";
        return Undercut is null ? $"{Sysctl} = {value}" : $"{Sysctl} = {value}, this user namespace's limit, below {Undercut}";
    }

    /// <summary>How to raise it: a sysctl here, or from outside for a user namespace's limit.</summary>
    public string Fix(string property) => Undercut is null
        ? $"raise it with `sysctl {Sysctl}=<n>` (InotifyLimits.{property})"
        : $"raise it with `sysctl {Sysctl}=<n>` in the user namespace's parent (for a container: its runtime's settings); raising {Undercut} does not help";
}
