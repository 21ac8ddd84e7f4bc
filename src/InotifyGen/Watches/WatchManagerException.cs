namespace InotifyGen;

/// <summary>
/// pyinotify's <c>WatchManagerError</c>: a watch operation failed with <c>quiet: false</c>. It carries the result
/// up to and including the failure, and the error of the failing call.
/// </summary>
public sealed class WatchManagerException : InotifyException
{
    internal WatchManagerException(InotifyException cause, IReadOnlyList<WatchResult>? results, IReadOnlyDictionary<int, bool>? updated)
        : base(cause.Errno, cause.Path, cause.Message)
    {
        Results = results is null ? null : [.. results];
        Added = Results is null ? null : WatchResults.ToWds(Results);
        Updated = updated;
    }

    /// <summary>From AddWatch: path to wd for every path handled so far (-1 for the failed one), or null.</summary>
    public IReadOnlyDictionary<string, int>? Added { get; }

    /// <summary>From AddWatch: the typed result of every path handled so far, the failed one last, or null.</summary>
    public IReadOnlyList<WatchResult>? Results { get; }

    /// <summary>From UpdateWatch or RmWatch: wd to success for every wd handled so far, or null.</summary>
    public IReadOnlyDictionary<int, bool>? Updated { get; }
}
