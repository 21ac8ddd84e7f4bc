namespace InotifyGen;

/// <summary>
/// pyinotify's <c>WatchManagerError</c>: a watch operation failed with <c>quiet: false</c>. It carries the result
/// up to and including the failure, and the error of the failing call.
/// </summary>
public sealed class WatchManagerException : InotifyException
{
    internal WatchManagerException(InotifyException cause, IReadOnlyDictionary<string, int>? added, IReadOnlyDictionary<int, bool>? updated)
        : base(cause.Errno, cause.Path, cause.Message)
    {
        Added = added;
        Updated = updated;
    }

    /// <summary>From AddWatch: path to wd for every path handled so far (-1 for the failed one), or null.</summary>
    public IReadOnlyDictionary<string, int>? Added { get; }

    /// <summary>From UpdateWatch or RmWatch: wd to success for every wd handled so far, or null.</summary>
    public IReadOnlyDictionary<int, bool>? Updated { get; }
}
