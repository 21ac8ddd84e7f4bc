using System.Collections.Immutable;
using InotifyGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace InotifyGen.Analyzers.Tests.Support;

/// <summary>
/// Runs the generator and the analyzers over code whose diagnostics are not known span by span (the samples, the
/// generator tests' handlers, the docs' bad examples): what <see cref="Verify"/> checks exactly, this only lists.
/// </summary>
internal static class Scan
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create("HandlerTests",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Test{i}.cs")),
            TestReferences.InotifyGen, CompilationOptions);

    /// <summary>
    /// Runs the generator, then the analyzers: every analyzer diagnostic (any severity, and AD0001 if an analyzer
    /// threw), in source order. The code, with the generated dispatch, must compile.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, Func<Diagnostic, bool>? toleratedError = null)
    {
        compilation = RunGenerator(compilation);
        var errors = compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && !(toleratedError?.Invoke(d) ?? false)).ToList();
        Assert.True(errors.Count == 0, "the test code does not compile:\n" + string.Join("\n", errors));
        var withAnalyzers = compilation.WithAnalyzers(Verify.Analyzers,
            new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null,
                concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        return [.. diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)];
    }

    /// <summary>The compilation with the generator's output added.</summary>
    public static Compilation RunGenerator(Compilation compilation)
    {
        CSharpGeneratorDriver.Create([new HandlerGenerator().AsSourceGenerator()], parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        return output;
    }
}
