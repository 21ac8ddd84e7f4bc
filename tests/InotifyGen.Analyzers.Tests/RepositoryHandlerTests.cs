using System.Text.RegularExpressions;
using InotifyGen.Analyzers.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace InotifyGen.Analyzers.Tests;

/// <summary>The handler classes elsewhere in the repository (samples, generator tests) raise no warning.</summary>
public class RepositoryHandlerTests
{
    /// <summary>Handler classes the generator tests write wrong on purpose, and the one rule each must raise.</summary>
    private static readonly Dictionary<string, string> Deliberate = new()
    {
        ["class Sloppy "] = "IGEN004",
        ["class PlainBase "] = "IGEN003", // a non-partial base: the generator copes, the analyzer still flags it
        ["file partial class Local "] = "IGEN014", // file-local: the generator skips it, the analyzer says why
        ["struct Value { partial class InStruct "] = "IGEN015", // in a type that is not partial: likewise
    };

    /// <summary>Generator test code that does not compile on purpose (the generator must survive it): not scanned.</summary>
    private const string DoesNotCompile = "partial class Unknown : NoSuchBase";

    /// <summary>Every raw string literal holding a ProcessEvent class in the generator's tests, named file:line.</summary>
    public static TheoryData<string> GeneratorTestHandlers()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in HandlerLiterals())
            data.Add(name);
        return data;
    }

    private static IEnumerable<(string Name, string Source)> HandlerLiterals()
    {
        var dir = Repository.PathOf("tests/InotifyGen.Generator.Tests");
        foreach (var file in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(dir, file);
            if (relative.StartsWith("Snapshots", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal)
                || relative.StartsWith("obj", StringComparison.Ordinal))
                continue;
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            foreach (var literal in root.DescendantNodes().OfType<LiteralExpressionSyntax>())
            {
                var text = literal.Token.ValueText;
                if (literal.Token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken) && text.Contains(": ProcessEvent", StringComparison.Ordinal)
                    && !text.Contains(DoesNotCompile, StringComparison.Ordinal))
                    yield return ($"{relative}:{literal.GetLocation().GetLineSpan().StartLinePosition.Line + 1}", text);
            }
        }
    }

    [Fact]
    public void GeneratorTests_HaveHandlerClasses() => Assert.True(HandlerLiterals().Count() >= 10);

    [Theory]
    [MemberData(nameof(GeneratorTestHandlers))]
    public async Task GeneratorTestHandler_RaisesNoWarning(string name)
    {
        var source = HandlerLiterals().Single(h => h.Name == name).Source;
        var diagnostics = await Scan.AnalyzeAsync(Scan.Compile(source));
        var deliberate = Deliberate.Where(d => source.Contains(d.Key, StringComparison.Ordinal)).Select(d => d.Value).ToList();
        if (deliberate.Count > 0)
        {
            Assert.NotEmpty(diagnostics);
            Assert.All(diagnostics.Where(d => d.Severity > DiagnosticSeverity.Info), d => Assert.Contains(d.Id, deliberate));
            return;
        }
        // IGEN006 (information) is allowed: some shapes show a specialised method beating its family on purpose.
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticSeverity.Info, d.Severity));
    }

    [Fact]
    public async Task GeneratorTestHandlerClasses_RaiseNoWarning()
    {
        // The classes the generator's dispatch tests compile for real (not source strings).
        var sources = Directory.EnumerateFiles(Repository.PathOf("tests/InotifyGen.Generator.Tests/Handlers"), "*.cs")
            .Select(File.ReadAllText).Prepend(ImplicitUsings).ToArray();
        // Named as that project, so the runtime's internals it may use are visible as they are there.
        var compilation = Scan.Compile(sources).WithAssemblyName("InotifyGen.Generator.Tests");
        var handlers = compilation.GetSymbolsWithName(_ => true, SymbolFilter.Type).OfType<INamedTypeSymbol>()
            .Count(t => InheritsProcessEvent(t));
        Assert.True(handlers >= 5, $"only {handlers} handler classes bound");
        // Test helpers (xunit's Assert, say) are not referenced here; the handler classes need only the runtime.
        var diagnostics = await Scan.AnalyzeAsync(compilation, _ => true);
        Assert.DoesNotContain(diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
    }

    private static bool InheritsProcessEvent(INamedTypeSymbol type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (t.ToDisplayString() == "InotifyGen.ProcessEvent")
                return true;
        return false;
    }

    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var project in Directory.EnumerateFiles(Repository.PathOf("samples"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(Repository.Root, Path.GetDirectoryName(project)!));
        return data;
    }

    [Fact]
    public void Samples_HaveHandlerClasses() =>
        Assert.True(Directory.EnumerateFiles(Repository.PathOf("samples"), "*.cs", SearchOption.AllDirectories)
            .Count(f => !f.Contains("/obj/", StringComparison.Ordinal) && File.ReadAllText(f).Contains(": ProcessEvent", StringComparison.Ordinal)) >= 3);

    /// <summary>What the SDK's implicit usings give a console project.</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    /// <summary>The projects whose output these tests compile against (or run as the generator).</summary>
    private static readonly HashSet<string> KnownProjects =
        ["InotifyGen.csproj", "InotifyGen.Generator.csproj", "InotifyGen.Analyzers.csproj", "InotifyGen.CodeFixes.csproj"];

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Sample_RaisesNoWarning(string sampleDir)
    {
        var dir = Repository.PathOf(sampleDir);
        var sources = Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .Prepend(ImplicitUsings)
            .ToArray();
        var compilation = Scan.Compile(sources).WithOptions(Scan.CompilationOptions.WithOutputKind(OutputKind.ConsoleApplication));
        // A sample that uses more than the runtime (hosting, say) misses those types here, so errors are tolerated;
        // its handler classes, which need only the runtime, are still checked.
        var usesMore = Directory.EnumerateFiles(dir, "*.csproj").Select(File.ReadAllText).Any(text =>
            text.Contains("<PackageReference", StringComparison.Ordinal)
            || Regex.Matches(text, "<ProjectReference Include=\"([^\"]+)\"").Any(m => !KnownProjects.Contains(Path.GetFileName(m.Groups[1].Value))));
        var diagnostics = await Scan.AnalyzeAsync(compilation, _ => usesMore);
        Assert.DoesNotContain(diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
    }
}
