using System.Collections.Immutable;
using InotifyGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace InotifyGen.Generator.Tests.Support;

/// <summary>Compiles C# source against the real runtime and runs the generator over it.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions =
        new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    // Every assembly the test host loaded from (the framework, the runtime, Logging.Abstractions): what a consumer sees.
    private static readonly ImmutableArray<MetadataReference> References =
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => !Path.GetFileName(p).StartsWith("InotifyGen.Generator", StringComparison.Ordinal))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();

    /// <summary>The generator's version as the generated header shows it.</summary>
    public static string GeneratorVersion
    {
        get
        {
            var v = typeof(HandlerGenerator).Assembly
                .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
                .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
            return v.Split('+')[0];
        }
    }

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "HandlerTests",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            new[] { new HandlerGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator; returns the generated sources and the compilation that includes them.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(params string[] sources)
    {
        var input = Compile(sources);
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return (result, output);
    }

    /// <summary>
    /// Errors anywhere, and warnings inside generated files: the generated code must compile with zero warnings
    /// (the test sources themselves may lack doc comments and the like).
    /// </summary>
    public static IReadOnlyList<Diagnostic> Problems(Compilation output, GeneratorRunResult result)
    {
        var generated = result.GeneratedSources.Select(s => s.SyntaxTree.FilePath).ToHashSet();
        return output.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error
                || (d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree is { } t && generated.Contains(t.FilePath)))
            .ToList();
    }
}
