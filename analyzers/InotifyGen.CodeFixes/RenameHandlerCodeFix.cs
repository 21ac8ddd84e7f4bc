using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using InotifyGen.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Rename;

namespace InotifyGen.CodeFixes;

/// <summary>IGEN001: renames a misspelt handler to the suggested name, with every reference to it.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RenameHandlerCodeFix)), Shared]
public sealed class RenameHandlerCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.HandlerNameMatchesNoEventId);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => FixAll;

    private static readonly FixAllProvider FixAll = new SequentialRenameFixAllProvider(DiagnosticDescriptors.SuggestedNameProperty);

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var diagnostic = context.Diagnostics[0];
        if (!diagnostic.Properties.TryGetValue(DiagnosticDescriptors.SuggestedNameProperty, out var newName) || newName is null)
            return;
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (model is null || root is null)
            return;
        var declaration = root.FindNode(diagnostic.Location.SourceSpan);
        if (model.GetDeclaredSymbol(declaration, context.CancellationToken) is not IMethodSymbol method)
            return;
        var solution = context.Document.Project.Solution;
        context.RegisterCodeFix(
            CodeAction.Create($"Rename to '{newName}'",
                ct => Rename(solution, method, newName, ct),
                equivalenceKey: nameof(RenameHandlerCodeFix)),
            diagnostic);
    }

    private static Task<Solution> Rename(Solution solution, IMethodSymbol method, string newName, CancellationToken ct) =>
        Renamer.RenameSymbolAsync(solution, method, new SymbolRenameOptions(), newName, ct);
}
