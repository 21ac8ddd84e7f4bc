namespace InotifyGen.Async.Tests.Support;

/// <summary>
/// Tests that count process-wide things (thread-pool threads, inotify fds, named threads) or signal the process
/// run alone, after the parallel ones, so other tests cannot disturb the numbers.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Serial
{
    public const string Name = "serial";
}
