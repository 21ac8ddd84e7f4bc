using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace InotifyGen.Analyzers.Tests.Support;

/// <summary>
/// What the test code compiles against, all from this machine: the harness would otherwise download a reference pack
/// from NuGet at test time. The framework comes from the SDK's own reference pack (packs/Microsoft.NETCore.App.Ref)
/// for the running runtime, or, where the SDK has none, from the running runtime's assemblies.
/// </summary>
internal static class TestReferences
{
    /// <summary>No reference package: the framework is in <see cref="InotifyGen"/> with the rest.</summary>
    public static ReferenceAssemblies Framework { get; } = new("net" + Environment.Version.ToString(2));

    /// <summary>The framework's reference assemblies, the InotifyGen runtime, and the logging abstractions it exposes.</summary>
    public static ImmutableArray<MetadataReference> InotifyGen { get; } =
    [
        .. FrameworkAssemblies().Select(p => MetadataReference.CreateFromFile(p)),
        MetadataReference.CreateFromFile(typeof(ProcessEvent).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location),
    ];

    private static IEnumerable<string> FrameworkAssemblies()
    {
        // <dotnet>/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll
        var runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
        var tfm = "net" + Environment.Version.ToString(2);
        var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        var refDir = Directory.Exists(packs)
            ? Directory.EnumerateDirectories(packs)
                .Select(d => Path.Combine(d, "ref", tfm))
                .Where(Directory.Exists)
                .OrderByDescending(d => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(d))), out var v) ? v : new Version())
                .FirstOrDefault()
            : null;
        if (refDir is not null)
            return Directory.EnumerateFiles(refDir, "*.dll");
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p) == runtimeDir);
    }
}
