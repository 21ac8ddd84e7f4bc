namespace InotifyGen.Tests.Support;

/// <summary>The collection of tests that must not run beside any other test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWide
{
    public const string Name = "Process-wide state";
}
