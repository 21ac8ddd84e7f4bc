using System.Reflection;
using InotifyGen.Generator.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace InotifyGen.Generator.Tests;

/// <summary>
/// The pipeline caches: running the driver again after an edit regenerates only what the edit changed, and no step
/// keeps a symbol, syntax node or compilation alive (which would defeat caching and leak memory in the IDE).
/// </summary>
public sealed class IncrementalTests
{
    // The generator's tracked step names (TrackingNames in the generator, which is internal to it).
    private static readonly string[] StepNames = { "HandlerClasses", "Handlers" };

    private const string Handler = """
        using InotifyGen;
        namespace App;

        partial class Handler : ProcessEvent
        {
            void process_IN_CREATE(InotifyEvent e) { }
            [OnDelete] void Removed(InotifyEvent e) { }
        }
        """;

    private const string Unrelated = """
        namespace App;

        partial class Unrelated
        {
            public int Answer() => 42;
        }
        """;

    [Fact]
    public void Rerun_UnrelatedEdit_EveryStepCachedOrUnchanged()
    {
        var (driver, compilation) = RunOnce(Handler, Unrelated);

        var edited = Replace(compilation, 1, Unrelated.Replace("42", "43", StringComparison.Ordinal));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var name in StepNames)
            AssertEveryOutput(result, name, r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        foreach (var output in result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs))
            Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output step was {output.Reason}");
    }

    [Fact]
    public void Rerun_NewUnrelatedFile_EveryHandlerStepCachedOrUnchanged()
    {
        var (driver, compilation) = RunOnce(Handler, Unrelated);

        var added = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace App; static class More { public static int Two() => 2; }", GeneratorHarness.ParseOptions, path: "More.cs"));
        var result = driver.RunGenerators(added).GetRunResult().Results.Single();

        AssertEveryOutput(result, "Handlers", r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Rerun_NewHandlerMethod_HandlerModelModifiedAndRegenerated()
    {
        var (driver, compilation) = RunOnce(Handler, Unrelated);
        var before = driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();

        var edited = Replace(compilation, 0, Handler.Replace(
            "[OnDelete]", "void process_IN_MODIFY(InotifyEvent e) { }\n    [OnDelete]", StringComparison.Ordinal));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps["Handlers"].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        var after = result.GeneratedSources.Single().SourceText.ToString();
        Assert.DoesNotContain("process_IN_MODIFY", before, StringComparison.Ordinal);
        Assert.Contains("process_IN_MODIFY(e);", after, StringComparison.Ordinal);
    }

    [Fact]
    public void Rerun_NewHandlerMethodInBaseClass_DerivedHandlerModified()
    {
        const string derived = "namespace App; partial class Derived : Handler { void process_IN_OPEN(InotifyGen.InotifyEvent e) { } }";
        var (driver, compilation) = RunOnce(Handler, derived);

        var edited = Replace(compilation, 0, Handler.Replace(
            "[OnDelete]", "void process_IN_ACCESS(InotifyEvent e) { }\n    [OnDelete]", StringComparison.Ordinal));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var derivedSource = result.GeneratedSources.Single(s => s.HintName == "App.Derived.g.cs").SourceText.ToString();
        Assert.Contains("case global::InotifyGen.EventMask.Access:", derivedSource, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryTrackedStep_HoldsNoSymbolSyntaxOrCompilation()
    {
        var (driver, compilation) = RunOnce(Handler, Unrelated, HandlerShapes.All["Inheritance"], HandlerShapes.All["Generic"]);
        var edited = Replace(compilation, 1, Unrelated.Replace("42", "7", StringComparison.Ordinal));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.NotEmpty(result.TrackedSteps);
        foreach (var name in StepNames)
            Assert.True(result.TrackedSteps.ContainsKey(name), $"step {name} is not tracked");
        // Our own steps (Roslyn's SourceOutput step holds the generated text and diagnostics, by design).
        foreach (var name in StepNames)
            foreach (var step in result.TrackedSteps[name])
                foreach (var (value, _) in step.Outputs)
                    AssertNoBannedObjects(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
    }

    [Fact]
    public void ObjectGraphCheck_FindsASymbolHiddenInAModel()
    {
        var symbol = GeneratorHarness.Compile("class C { }").GetTypeByMetadataName("C")!;
        var model = new { Name = "C", Nested = new object[] { 1, new List<object> { symbol } } };

        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() =>
            AssertNoBannedObjects(model, "test", new HashSet<object>(ReferenceEqualityComparer.Instance)));
    }

    private static (GeneratorDriver Driver, Compilation Compilation) RunOnce(params string[] sources)
    {
        var compilation = GeneratorHarness.Compile(sources);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        Assert.NotEmpty(driver.GetRunResult().Results.Single().GeneratedSources);
        return (driver, compilation);
    }

    private static Compilation Replace(Compilation compilation, int index, string newText)
    {
        var old = compilation.SyntaxTrees.ElementAt(index);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(newText, GeneratorHarness.ParseOptions, path: old.FilePath));
    }

    private static void AssertEveryOutput(GeneratorRunResult result, string step, Func<IncrementalStepRunReason, bool> allowed)
    {
        Assert.True(result.TrackedSteps.TryGetValue(step, out var runs), $"step {step} did not run");
        foreach (var output in runs.SelectMany(r => r.Outputs))
            Assert.True(allowed(output.Reason), $"step {step} gave {output.Reason} for {output.Value}");
    }

    /// <summary>Walks an object graph through its fields and fails on anything that ties a model to one compilation.</summary>
    private static void AssertNoBannedObjects(object? node, string step, HashSet<object> visited)
    {
        if (node is null || node is string || node.GetType().IsPrimitive || node.GetType().IsEnum || node is Pointer)
            return;
        Assert.False(node is ISymbol, $"step {step} holds an ISymbol: {node}");
        Assert.False(node is SyntaxNode, $"step {step} holds a SyntaxNode");
        Assert.False(node is Compilation, $"step {step} holds a Compilation");
        Assert.False(node is SemanticModel, $"step {step} holds a SemanticModel");
        Assert.False(node is Location, $"step {step} holds a Location");
        Assert.False(node is SyntaxTree, $"step {step} holds a SyntaxTree");
        if (!node.GetType().IsValueType && !visited.Add(node))
            return;
        if (node is Array items)
        {
            foreach (var item in items)
                AssertNoBannedObjects(item, step, visited);
            return;
        }
        if (node.GetType().IsGenericType && node.GetType().GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>))
            Assert.Fail($"step {step} holds an ImmutableArray, which compares by reference: use EquatableArray");
        for (var type = node.GetType(); type is not null; type = type.BaseType)
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                if (!field.FieldType.IsPointer && !field.FieldType.IsByRefLike)
                    AssertNoBannedObjects(field.GetValue(node), step, visited);
    }
}
