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

    /// <summary>The value for an error message, or "unknown" when it cannot be read.</summary>
    internal static string TryRead(string name)
    {
        try { return Read(name).ToString(CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return "unknown"; }
    }
}
