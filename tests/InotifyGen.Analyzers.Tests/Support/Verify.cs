using System.Collections.Immutable;
using System.Text;
using InotifyGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace InotifyGen.Analyzers.Tests.Support;

/// <summary>
/// The analyzer and code-fix checks, run by Roslyn's own test harnesses (Microsoft.CodeAnalysis.CSharp.Analyzer.Testing
/// and .CodeFix.Testing) with every InotifyGen analyzer and, as in the IDE and the build, the generator's output.
/// </summary>
internal static class Verify
{
    /// <summary>
    /// Asserts that the analyzers report exactly <paramref name="expected"/> (id and message), the i-th at the i-th
    /// span marked <c>[|like this|]</c> in <paramref name="markup"/>, and nothing else; the code must compile.
    /// </summary>
    public static Task AnalyzerAsync(string markup, params (string Id, string Message)[] expected) =>
        AnalyzerAsync(markup, [], expected);

    /// <inheritdoc cref="AnalyzerAsync(string, (string Id, string Message)[])"/>
    /// <param name="references">Assemblies the test code references besides the runtime (a compiled base, say).</param>
    public static Task AnalyzerAsync(string markup, MetadataReference[] references, params (string Id, string Message)[] expected)
    {
        var test = new AnalyzerTest { TestCode = NumberSpans(markup, expected.Length) };
        test.TestState.AdditionalReferences.AddRange(references);
        for (var i = 0; i < expected.Length; i++)
            test.ExpectedDiagnostics.Add(new DiagnosticResult(Descriptor(expected[i].Id)).WithLocation(i).WithMessage(expected[i].Message));
        return test.RunAsync();
    }

    /// <summary>Asserts that the analyzers report nothing, not even information, on <paramref name="sources"/> (one file each).</summary>
    public static Task SilentAsync(params string[] sources)
    {
        var test = new AnalyzerTest();
        foreach (var source in sources)
            test.TestState.Sources.Add(source);
        return test.RunAsync();
    }

    /// <summary>
    /// Applies <typeparamref name="TFix"/> to the diagnostics marked <c>{|IGEN003:like this|}</c> in
    /// <paramref name="markup"/> and checks the exact fixed text: one at a time, and with Fix All in a document, the
    /// project and the solution (the harness's own checks). The fixed code must raise no diagnostic.
    /// </summary>
    public static Task CodeFixAsync<TFix>(string markup, string fixedCode, string? title = null)
        where TFix : CodeFixProvider, new() =>
        CodeFixAsync<TFix>([markup], [fixedCode], title);

    /// <summary>
    /// <see cref="CodeFixAsync{TFix}(string, string, string?)"/> over several files of one project, with the number of
    /// single fixes and of Fix All passes (in the project and the solution; in one document, which sees one file at a
    /// time) the harness must need to get there.
    /// </summary>
    public static Task CodeFixAsync<TFix>(string[] markup, string[] fixedCode, string? title = null,
        int? incrementalIterations = null, int? fixAllIterations = null, int? fixAllInDocumentIterations = null)
        where TFix : CodeFixProvider, new()
    {
        var test = new CodeFixTest<TFix>
        {
            NumberOfIncrementalIterations = incrementalIterations,
            NumberOfFixAllIterations = fixAllIterations,
            NumberOfFixAllInDocumentIterations = fixAllInDocumentIterations ?? fixAllIterations,
        };
        foreach (var source in markup)
            test.TestState.Sources.Add(source);
        foreach (var source in fixedCode)
            test.FixedState.Sources.Add(source);
        if (title is not null)
            test.CodeActionVerifier = (action, verifier) => verifier.Equal(title, action.Title);
        return test.RunAsync();
    }

    /// <summary>Asserts that <typeparamref name="TFix"/> offers nothing for the diagnostics marked in <paramref name="markup"/>.</summary>
    public static Task NoCodeFixAsync<TFix>(string markup) where TFix : CodeFixProvider, new()
    {
        var test = new CodeFixTest<TFix> { TestCode = markup, FixedCode = markup };
        return test.RunAsync();
    }

    /// <summary>Every InotifyGen analyzer, in the order their rules are numbered.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = ImmutableArray.Create<DiagnosticAnalyzer>(
        new HandlerNameAnalyzer(), new HandlerClassAnalyzer(), new AddWatchAnalyzer(), new QueueOverflowAnalyzer());

    private static DiagnosticDescriptor Descriptor(string id) =>
        Analyzers.SelectMany(a => a.SupportedDiagnostics).First(d => d.Id == id);

    /// <summary>Turns the i-th <c>[|...|]</c> into the harness's numbered location <c>{|#i:...|}</c>.</summary>
    private static string NumberSpans(string markup, int expected)
    {
        var text = new StringBuilder();
        var next = 0;
        for (var i = 0; i < markup.Length; i++)
        {
            if (string.CompareOrdinal(markup, i, "[|", 0, 2) == 0)
                text.Append("{|#").Append(next++).Append(':');
            else if (string.CompareOrdinal(markup, i, "|]", 0, 2) == 0)
                text.Append("|}");
            else
            {
                text.Append(markup[i]);
                continue;
            }
            i++;
        }
        Assert.True(next == expected, $"{next} spans marked for {expected} expected diagnostics");
        return text.ToString();
    }

    /// <summary>The settings every test shares: references, language version, nullable, the generator.</summary>
    private static void Configure<TVerifier>(AnalyzerTest<TVerifier> test) where TVerifier : IVerifier, new()
    {
        test.ReferenceAssemblies = TestReferences.Framework;
        test.TestState.AdditionalReferences.AddRange(TestReferences.InotifyGen);
        // The generated dispatch is compiled (and must compile) but not compared: the generator's snapshots do that.
        test.TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var project = solution.GetProject(projectId)!;
            return solution
                .WithProjectParseOptions(projectId, ((CSharpParseOptions)project.ParseOptions!).WithLanguageVersion(LanguageVersion.Latest))
                .WithProjectCompilationOptions(projectId,
                    ((CSharpCompilationOptions)project.CompilationOptions!).WithNullableContextOptions(NullableContextOptions.Enable));
        });
    }

    private sealed class AnalyzerTest : CSharpAnalyzerTest<HandlerClassAnalyzer, DefaultVerifier>
    {
        public AnalyzerTest() => Configure(this);

        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => Analyzers;

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(HandlerGenerator)];
    }

    private sealed class CodeFixTest<TFix> : CSharpCodeFixTest<HandlerClassAnalyzer, TFix, DefaultVerifier>
        where TFix : CodeFixProvider, new()
    {
        public CodeFixTest() => Configure(this);

        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => Analyzers;

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(HandlerGenerator)];
    }
}
