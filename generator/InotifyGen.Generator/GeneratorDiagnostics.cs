using Microsoft.CodeAnalysis;

namespace InotifyGen.Generator;

/// <summary>What the generator itself reports (the rules about user code are the analyzers'; see docs/diagnostics.md).</summary>
internal static class GeneratorDiagnostics
{
    /// <summary>
    /// The generator could not compile one class's dispatch: a bug in the generator. It reports this instead of
    /// throwing, since a generator that throws adds nothing at all and every handler of the project goes silent.
    /// </summary>
    public static readonly DiagnosticDescriptor Failed = new(
        "IGEN100", "InotifyGen's generator failed on a handler class",
        "InotifyGen's generator could not compile the dispatch of '{0}', so its handler methods are never called ({1}); please report this with the class",
        "InotifyGen.Generator", DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "The other handler classes of the project are still compiled.",
        helpLinkUri: "https://github.com/InotifyGen/InotifyGen/blob/main/docs/diagnostics.md#igen100");
}
