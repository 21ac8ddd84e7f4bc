using System.Collections.Immutable;
using InotifyGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace InotifyGen.Analyzers.Tests.Support;

/// <summary>
/// Runs the analyzers over a compilation that references the real runtime assembly (no test framework from the
/// feed: Microsoft.CodeAnalysis.*.Testing is not on it), and applies code fixes through an AdhocWorkspace.
/// </summary>
internal static class Harness
{
    public static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(
        new HandlerNameAnalyzer(), new HandlerClassAnalyzer(), new AddWatchAnalyzer(), new QueueOverflowAnalyzer());

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);

    /// <summary>The framework's assemblies, the InotifyGen runtime, and the logging abstractions it exposes.</summary>
    public static readonly ImmutableArray<MetadataReference> References = BuildReferences();

    private static ImmutableArray<MetadataReference> BuildReferences()
    {
        var frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p) == frameworkDir)
            .Append(typeof(ProcessEvent).Assembly.Location)
            .Append(typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location);
        return [.. paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create("HandlerTests",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Test{i}.cs")),
            References, CompilationOptions);

    /// <summary>
    /// Runs the generator, then the analyzers: every analyzer diagnostic (any severity, and AD0001 if an analyzer
    /// threw), in source order. The code, with the generated dispatch, must compile.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, Func<Diagnostic, bool>? toleratedError = null)
    {
        // As in the IDE and the build, the analyzers see the generated dispatch.
        compilation = RunGenerator(compilation);
        var errors = compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && !(toleratedError?.Invoke(d) ?? false)).ToList();
        Assert.True(errors.Count == 0, "the test code does not compile:\n" + string.Join("\n", errors));
        var withAnalyzers = compilation.WithAnalyzers(Analyzers,
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

    /// <summary>
    /// Asserts that the analyzers report exactly <paramref name="expected"/> (id and message) at the spans marked
    /// in <paramref name="markup"/>, in order, and nothing else.
    /// </summary>
    public static async Task VerifyAsync(string markup, params (string Id, string Message)[] expected)
    {
        var (source, spans) = Markup.Parse(markup);
        Assert.Equal(expected.Length, spans.Count);
        var diagnostics = await AnalyzeAsync(Compile(source));
        // One line per diagnostic, so a mismatch shows the whole message.
        var actual = diagnostics.Select(d => $"{d.Id} {d.Location.SourceSpan} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");
        var wanted = expected.Select((e, i) => $"{e.Id} {spans[i]} {e.Message}");
        Assert.Equal(string.Join("\n", wanted), string.Join("\n", actual));
    }

    /// <summary>Asserts that the analyzers report nothing, not even information.</summary>
    public static async Task VerifySilentAsync(params string[] sources)
    {
        var diagnostics = await AnalyzeAsync(Compile(sources));
        Assert.True(diagnostics.IsEmpty, "unexpected: " + string.Join("\n", diagnostics));
    }

    /// <summary>
    /// Applies <paramref name="fix"/> to the single <paramref name="id"/> diagnostic of <paramref name="source"/>
    /// through an AdhocWorkspace, checks the exact fixed text, then that it compiles without that diagnostic.
    /// </summary>
    public static async Task VerifyFixAsync(CodeFixProvider fix, string id, string source, string expectedFixed,
        string? expectedTitle = null, params string[] otherSources)
    {
        using var workspace = new AdhocWorkspace();
        var (document, actions) = await CodeActionsAsync(workspace, fix, id, source, otherSources);
        var documentId = document.Id;
        var projectId = document.Project.Id;
        var action = Assert.Single(actions);
        if (expectedTitle is not null)
            Assert.Equal(expectedTitle, action.Title);
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        var fixedText = (await changed.GetDocument(documentId)!.GetTextAsync()).ToString();
        Assert.Equal(expectedFixed.ReplaceLineEndings("\n"), fixedText.ReplaceLineEndings("\n"));

        var fixedCompilation = (await changed.GetProject(projectId)!.GetCompilationAsync())!;
        Assert.DoesNotContain(await AnalyzeAsync(fixedCompilation), d => d.Id == id);
    }

    /// <summary>The code actions <paramref name="fix"/> offers for the single <paramref name="id"/> diagnostic.</summary>
    public static async Task<List<CodeAction>> CodeActionsAsync(CodeFixProvider fix, string id, string source)
    {
        using var workspace = new AdhocWorkspace();
        return (await CodeActionsAsync(workspace, fix, id, source, [])).Actions;
    }

    private static async Task<(Document Document, List<CodeAction> Actions)> CodeActionsAsync(AdhocWorkspace workspace,
        CodeFixProvider fix, string id, string source, string[] otherSources)
    {
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "HandlerTests", "HandlerTests", LanguageNames.CSharp,
                compilationOptions: CompilationOptions, parseOptions: ParseOptions, metadataReferences: References));
        var documentId = DocumentId.CreateNewId(projectId);
        solution = solution.AddDocument(documentId, "Test.cs", SourceText.From(source));
        for (var i = 0; i < otherSources.Length; i++)
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), $"Other{i}.cs", SourceText.From(otherSources[i]));
        var document = solution.GetDocument(documentId)!;

        var compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostic = Assert.Single(await AnalyzeAsync(compilation), d => d.Id == id);
        Assert.Contains(id, fix.FixableDiagnosticIds);
        var actions = new List<CodeAction>();
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
        return (document, actions);
    }
}
