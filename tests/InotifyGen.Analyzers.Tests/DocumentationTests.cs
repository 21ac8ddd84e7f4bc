using System.Reflection;
using System.Text.RegularExpressions;
using InotifyGen.Analyzers.Diagnostics;
using InotifyGen.Analyzers.Tests.Support;
using Microsoft.CodeAnalysis;

namespace InotifyGen.Analyzers.Tests;

/// <summary>Every descriptor is documented (with examples that behave as documented), tracked and supported.</summary>
public partial class DocumentationTests
{
    public static IReadOnlyList<DiagnosticDescriptor> Descriptors { get; } = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .OrderBy(d => d.Id, StringComparer.Ordinal)
        .ToList();

    public static TheoryData<string> Ids() => [.. Descriptors.Select(d => d.Id)];

    private static readonly string Docs = File.ReadAllText(Repository.PathOf("docs/diagnostics.md"));

    [Fact]
    public void Ids_AreNumberedFromOneWithoutGaps()
    {
        Assert.Equal(Enumerable.Range(1, Descriptors.Count).Select(i => $"IGEN{i:000}"), Descriptors.Select(d => d.Id));
    }

    [Fact]
    public void Analyzers_SupportEveryDescriptorExactlyOnce()
    {
        var supported = Verify.Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).OrderBy(i => i, StringComparer.Ordinal);
        Assert.Equal(Descriptors.Select(d => d.Id), supported);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void HelpLink_PointsAtItsAnchorInTheDocs(string id)
    {
        var descriptor = Descriptors.Single(d => d.Id == id);
        var anchor = id.ToLowerInvariant();
        Assert.EndsWith("/docs/diagnostics.md#" + anchor, descriptor.HelpLinkUri, StringComparison.Ordinal);
        Assert.Contains($"<a id=\"{anchor}\"></a>\n## {id}: {descriptor.Title}\n", Docs, StringComparison.Ordinal);
        Assert.Contains($"| [{id}](#{anchor}) | {Severity(descriptor)} |", Docs, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public async Task BadExample_RaisesOnlyItsRule(string id)
    {
        var diagnostics = await Scan.AnalyzeAsync(Scan.Compile(Example(id, "Bad")));
        Assert.NotEmpty(diagnostics);
        Assert.All(diagnostics, d => Assert.Equal(id, d.Id));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public Task GoodExample_RaisesNothing(string id) => Verify.SilentAsync(Example(id, "Good"));

    [Fact]
    public void UnshippedReleaseNotes_ListEveryRuleWithItsCategoryAndSeverity()
    {
        var text = File.ReadAllText(Repository.PathOf("analyzers/InotifyGen.Analyzers/AnalyzerReleases.Unshipped.md"));
        var rows = RuleRow().Matches(text).Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value)).ToList();
        Assert.Equal(Descriptors.Select(d => (d.Id, d.Category, d.DefaultSeverity.ToString())), rows);
    }

    /// <summary>The csharp block after "**Bad**" or "**Good**" in the rule's section.</summary>
    private static string Example(string id, string label)
    {
        var start = Docs.IndexOf($"<a id=\"{id.ToLowerInvariant()}\"></a>", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section for {id}");
        var next = Docs.IndexOf("<a id=", start + 1, StringComparison.Ordinal);
        var section = next < 0 ? Docs[start..] : Docs[start..next];
        var match = Regex.Match(section, $@"\*\*{label}\*\*\n\n```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, $"{id} has no {label} example");
        return match.Groups[1].Value;
    }

    private static string Severity(DiagnosticDescriptor d) => d.DefaultSeverity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "info",
    };

    [GeneratedRegex(@"^(IGEN\d{3}) \| (\S+) \| (\w+) \|", RegexOptions.Multiline)]
    private static partial Regex RuleRow();
}
