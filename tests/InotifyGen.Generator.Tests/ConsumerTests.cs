using InotifyGen.Generator.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace InotifyGen.Generator.Tests;

/// <summary>Shapes of consumer code the generator must cope with: it never fails the build, whatever the user wrote.</summary>
public sealed class ConsumerTests
{
    [Fact]
    public void HandlersWhoseNamesDifferOnlyInCase_GetDistinctFiles()
    {
        // Hint names are compared without case: two files "N.Uploads.g.cs" and "N.UpLoads.g.cs" are CS8785, and a
        // generator that throws adds nothing at all.
        var (result, output) = GeneratorHarness.Run("""
            using InotifyGen;
            namespace N
            {
                partial class Uploads : ProcessEvent { void process_IN_CREATE(InotifyEvent e) { } }
                partial class UpLoads : ProcessEvent { void process_IN_DELETE(InotifyEvent e) { } }
                partial class UPLOADS : ProcessEvent { void process_IN_MODIFY(InotifyEvent e) { } }
            }
            """);

        Assert.Empty(GeneratorHarness.Problems(output, result));
        Assert.Equal(new[] { "N.UPLOADS.g.cs", "N.UpLoads.2.g.cs", "N.Uploads.3.g.cs" },
            result.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FileLocalHandler_GetsNoGeneratedCode_SoNoErrorInIt()
    {
        // No other file can add to a file-local type (the generated part would be another type: CS0115); the
        // analyzers report IGEN014 instead.
        var (result, output) = GeneratorHarness.Run("""
            using InotifyGen;
            file partial class Local : ProcessEvent { void process_IN_CREATE(InotifyEvent e) { } }
            file class Outer { public partial class Inner : ProcessEvent { void process_IN_CREATE(InotifyEvent e) { } } }
            partial class Visible : ProcessEvent { void process_IN_CREATE(InotifyEvent e) { } }
            """);

        Assert.Empty(GeneratorHarness.Problems(output, result));
        Assert.Equal("Visible.g.cs", Assert.Single(result.GeneratedSources).HintName);
    }

    [Fact]
    public void HandlerNestedInNonPartialTypes_GetsNoGeneratedCode_SoNoErrorInIt()
    {
        // Reopening a type that is not partial would be a second type of the same name (CS0260, CS0102); the
        // analyzers report IGEN015 instead. A handler beside them still gets its dispatch.
        var (result, output) = GeneratorHarness.Run("""
            using InotifyGen;
            namespace N
            {
                class Outer { public partial class Inner : ProcessEvent { void process_IN_CREATE(InotifyEvent e) { } } }
                partial class Middle { static class Deep { partial class H : ProcessEvent { [OnDelete] void Gone(InotifyEvent e) { } } } }
                struct Value { partial class InStruct : ProcessEvent { void process_default(InotifyEvent e) { } } }
                partial class Visible : ProcessEvent { void process_IN_CREATE(InotifyEvent e) { } }
            }
            """);

        Assert.Empty(GeneratorHarness.Problems(output, result));
        Assert.Equal("N.Visible.g.cs", Assert.Single(result.GeneratedSources).HintName);
    }

    [Fact]
    public void HandlerWhoseBaseIsNamedInAnotherPart_GetsItsDispatchOnce()
    {
        // The syntax pre-filter looks for handler-like methods, not for a base list: the part that names
        // ProcessEvent and the parts with the handler methods can be different ones, in different files.
        var (result, output) = GeneratorHarness.Run(
            "namespace N; partial class Split : InotifyGen.ProcessEvent { }",
            "using InotifyGen; namespace N; partial class Split { void process_IN_CREATE(InotifyEvent e) { } }",
            "using InotifyGen; namespace N; partial class Split { [OnDelete] void Gone(InotifyEvent e) { } }");

        Assert.Empty(GeneratorHarness.Problems(output, result));
        var generated = Assert.Single(result.GeneratedSources);
        Assert.Equal("N.Split.g.cs", generated.HintName);
        Assert.Contains("process_IN_CREATE(e);", generated.SourceText.ToString(), StringComparison.Ordinal);
        Assert.Contains("Gone(e);", generated.SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void HandlerAttributeUnderAnAlias_IsStillDispatched()
    {
        // Not named On..., but the method takes one InotifyEvent, which the pre-filter also lets through.
        var (result, output) = GeneratorHarness.Run("""
            using InotifyGen;
            using Made = InotifyGen.OnCreateAttribute;
            partial class Aliased : ProcessEvent { [Made] void Created(InotifyEvent e) { } }
            """);

        Assert.Empty(GeneratorHarness.Problems(output, result));
        Assert.Contains("Created(e);", Assert.Single(result.GeneratedSources).SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CSharp9Consumer_GeneratedCodeCompilesWithNoDiagnostic()
    {
        var parse = new CSharpParseOptions(LanguageVersion.CSharp9);
        var input = GeneratorHarness.Compile().AddSyntaxTrees(CSharpSyntaxTree.ParseText("""
            using InotifyGen;
            namespace App.Handlers
            {
                public partial class Uploads : ProcessEvent
                {
                    [OnCreate] void Created(InotifyEvent e) { }
                    void process_IN_CLOSE(in InotifyEvent e) { }
                    bool process_default(InotifyEvent e) => false;
                }
                public partial class Outer<T>
                {
                    internal partial class Nested : Uploads { void process_IN_DELETE(InotifyEvent e) { } }
                }
            }
            partial class Global : ProcessEvent { void process_IN_ATTRIB(InotifyEvent e) { } }
            """, parse, path: "CSharp9.cs"));
        var driver = CSharpGeneratorDriver.Create(new[] { new HandlerGenerator().AsSourceGenerator() }, parseOptions: parse)
            .RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);

        Assert.Empty(generatorDiagnostics);
        var result = driver.GetRunResult().Results.Single();
        Assert.Equal(3, result.GeneratedSources.Length);
        Assert.All(result.GeneratedSources, s => Assert.Equal(LanguageVersion.CSharp9, ((CSharpParseOptions)s.SyntaxTree.Options).LanguageVersion));
        var diagnostics = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(diagnostics.Count == 0, string.Join("\n", diagnostics));
    }

    [Fact]
    public void CodeThatDoesNotCompile_NeitherThrowsNorFailsTheGenerator()
    {
        // Half-typed code, as the IDE runs the generator on every keystroke: unknown and cyclic bases, bad attribute
        // arguments, duplicate and unfinished members. Run asserts that the generator neither threw nor reported.
        var (result, _) = GeneratorHarness.Run("""
            using InotifyGen;
            partial class Unknown : NoSuchBase { void process_IN_CREATE(InotifyEvent e) { } }
            partial class Cycle1 : Cycle2 { void process_IN_CREATE(InotifyEvent e) { } }
            partial class Cycle2 : Cycle1 { void process_IN_DELETE(InotifyEvent e) { } }
            partial class BadArguments : ProcessEvent
            {
                [On(1 / 0)] void DivideByZero(InotifyEvent e) { }
                [On("text")] void Text(InotifyEvent e) { }
                [On] void Missing(InotifyEvent e) { }
                [OnCreate(42)] void Extra(InotifyEvent e) { }
            }
            partial class Duplicates : ProcessEvent
            {
                void process_IN_CREATE(InotifyEvent e) { }
                void process_IN_CREATE(InotifyEvent e) { }
                void process_IN_MODIFY(InotifyEvent) { }
                void process_IN_DELETE(
            }
            partial class Unfinished : ProcessEvent<int> { void process_default(InotifyEvent e)
            """);

        // What it does write is well-formed, whatever it was given.
        Assert.All(result.GeneratedSources, s => Assert.Empty(s.SyntaxTree.GetDiagnostics()));
    }
}
