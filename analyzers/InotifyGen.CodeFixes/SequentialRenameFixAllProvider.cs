using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Rename;

namespace InotifyGen.CodeFixes;

/// <summary>
/// Fix All for renames, which a batch fixer cannot merge (each rename edits every reference, in any document): the
/// methods to rename are marked first, then renamed one after another, each in the solution the previous one left.
/// </summary>
internal sealed class SequentialRenameFixAllProvider : FixAllProvider
{
    private readonly string _newNameProperty;

    public SequentialRenameFixAllProvider(string newNameProperty) => _newNameProperty = newNameProperty;

    public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() =>
        new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

    public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
    {
        var diagnostics = new List<Diagnostic>();
        switch (fixAllContext.Scope)
        {
            case FixAllScope.Document when fixAllContext.Document is { } document:
                diagnostics.AddRange(await fixAllContext.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false));
                break;
            case FixAllScope.Project:
                diagnostics.AddRange(await fixAllContext.GetAllDiagnosticsAsync(fixAllContext.Project).ConfigureAwait(false));
                break;
            case FixAllScope.Solution:
                foreach (var project in fixAllContext.Solution.Projects)
                    diagnostics.AddRange(await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false));
                break;
            default:
                return null;
        }
        if (diagnostics.Count == 0)
            return null;
        var solution = fixAllContext.Solution;
        return CodeAction.Create("Rename every misspelt handler",
            ct => RenameAllAsync(solution, diagnostics, ct),
            fixAllContext.CodeActionEquivalenceKey);
    }

    private async Task<Solution> RenameAllAsync(Solution solution, List<Diagnostic> diagnostics, CancellationToken ct)
    {
        // 1. Mark each declaration with its new name: spans move as renames edit the text, marks do not.
        var marks = new List<(DocumentId Document, SyntaxAnnotation Mark)>();
        foreach (var byTree in diagnostics.Where(d => d.Location.SourceTree is not null).GroupBy(d => d.Location.SourceTree!))
        {
            var document = solution.GetDocument(byTree.Key);
            if (document is null)
                continue;
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            if (root is null)
                continue;
            var marked = new Dictionary<SyntaxNode, SyntaxAnnotation>();
            foreach (var d in byTree)
            {
                if (!d.Properties.TryGetValue(_newNameProperty, out var newName) || newName is null)
                    continue;
                var node = root.FindNode(d.Location.SourceSpan);
                if (!marked.ContainsKey(node))
                    marked[node] = new SyntaxAnnotation(nameof(SequentialRenameFixAllProvider), newName);
            }
            solution = solution.WithDocumentSyntaxRoot(document.Id,
                root.ReplaceNodes(marked.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(marked[original])));
            marks.AddRange(marked.Values.Select(m => (document.Id, m)));
        }

        // 2. Rename one at a time, finding each declaration again in the current solution.
        foreach (var (documentId, mark) in marks)
        {
            var document = solution.GetDocument(documentId);
            if (document is null)
                continue;
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
            var node = root?.GetAnnotatedNodes(mark).FirstOrDefault();
            if (node is null || model is null || model.GetDeclaredSymbol(node, ct) is not { } symbol)
                continue;
            solution = await Renamer.RenameSymbolAsync(solution, symbol, new SymbolRenameOptions(), mark.Data!, ct).ConfigureAwait(false);
        }
        return solution;
    }
}
