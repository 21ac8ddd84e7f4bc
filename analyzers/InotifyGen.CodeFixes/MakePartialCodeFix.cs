using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using InotifyGen.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace InotifyGen.CodeFixes;

/// <summary>IGEN003 and IGEN015: adds <c>partial</c> to a handler class, or to each type that contains one.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFix)), Shared]
public sealed class MakePartialCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.HandlerTypeNotPartialId, DiagnosticDescriptors.ContainingTypeNotPartialId);

    /// <summary>
    /// Every declaration of a document in one edit (nested ones too), so that Fix All never has to merge overlapping
    /// changes, whatever asks for it (the IDE, <c>dotnet format</c>).
    /// </summary>
    public override FixAllProvider GetFixAllProvider() => FixAll;

    private static readonly FixAllProvider FixAll =
        FixAllProvider.Create((context, document, diagnostics) => FixAsync(document, diagnostics, context.CancellationToken)!);

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null)
                continue;
            var declarations = Declarations(root, diagnostic);
            if (declarations.Count == 0)
                continue;
            var document = context.Document;
            var names = string.Join(" and ", declarations.Select(d => "'" + d.Identifier.ValueText + "'"));
            context.RegisterCodeFix(
                CodeAction.Create($"Make {names} partial",
                    ct => FixAsync(document, ImmutableArray.Create(diagnostic), ct)!,
                    equivalenceKey: nameof(MakePartialCodeFix)),
                diagnostic);
        }
    }

    /// <summary>
    /// The declarations to make partial: for IGEN003 the one it is reported on, for IGEN015 (reported on the handler)
    /// each declaration around it that is not partial, outermost first. A type that is not partial has one
    /// declaration, so they are all in this document.
    /// </summary>
    private static List<TypeDeclarationSyntax> Declarations(SyntaxNode root, Diagnostic diagnostic)
    {
        var found = new List<TypeDeclarationSyntax>();
        if (root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not TypeDeclarationSyntax declaration)
            return found;
        if (diagnostic.Id == DiagnosticDescriptors.HandlerTypeNotPartialId)
        {
            found.Add(declaration);
            return found;
        }
        foreach (var container in declaration.Ancestors().OfType<TypeDeclarationSyntax>())
            if (!container.Modifiers.Any(SyntaxKind.PartialKeyword))
                found.Insert(0, container);
        return found;
    }

    private static async Task<Document?> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken ct)
    {
        var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        if (root is null)
            return null;
        var declarations = new HashSet<TypeDeclarationSyntax>();
        foreach (var diagnostic in diagnostics)
            declarations.UnionWith(Declarations(root, diagnostic));
        return document.WithSyntaxRoot(root.ReplaceNodes(declarations, (_, rewritten) => TypeDeclarations.AddPartial(rewritten)));
    }
}
