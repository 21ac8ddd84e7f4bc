using System.Reflection;

namespace InotifyGen.Analyzers.Tests.Support;

/// <summary>Paths in the repository this test assembly was built from.</summary>
internal static class Repository
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    /// <summary>The configuration the test projects were built in (the build test reuses those outputs).</summary>
    public static string Configuration { get; } = Metadata("Configuration");

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
