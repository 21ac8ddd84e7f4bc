using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using InotifyGen.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace InotifyGen.CodeFixes;

/// <summary>
/// IGEN007: makes a class with handler methods derive from <c>ProcessEvent</c> (and partial, which a handler must be).
/// Offered only for a class with no base class yet; interfaces in its base list stay, after ProcessEvent.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DeriveFromProcessEventCodeFix)), Shared]
public sealed class DeriveFromProcessEventCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.HandlerOutsideProcessEventId);

    /// <summary>Every class of a document in one edit, so that Fix All never has to merge overlapping changes.</summary>
    public override FixAllProvider GetFixAllProvider() => FixAll;

    private static readonly FixAllProvider FixAll =
        FixAllProvider.Create((context, document, diagnostics) => FixAsync(document, diagnostics, context.CancellationToken)!);

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var diagnostic = context.Diagnostics[0];
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null || Fixable(root, model, diagnostic, context.CancellationToken) is null)
            return;
        var document = context.Document;
        context.RegisterCodeFix(
            CodeAction.Create("Derive from ProcessEvent",
                ct => FixAsync(document, ImmutableArray.Create(diagnostic), ct)!,
                equivalenceKey: nameof(DeriveFromProcessEventCodeFix)),
            diagnostic);
    }

    /// <summary>The class the diagnostic is on, when it can take ProcessEvent as its base (it has no base class yet).</summary>
    private static INamedTypeSymbol? Fixable(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken ct)
    {
        if (root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not ClassDeclarationSyntax declaration
            || model.GetDeclaredSymbol(declaration, ct) is not { IsStatic: false } type)
            return null;
        // A class that already has a base class cannot take another one.
        return type.BaseType is { SpecialType: not SpecialType.System_Object } || type.IsRecord ? null : type;
    }

    private static async Task<Document?> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken ct)
    {
        var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
        if (root is null || model is null)
            return null;
        var baseType = SyntaxFactory.SimpleBaseType(
            SyntaxFactory.ParseTypeName("global::InotifyGen.ProcessEvent").WithAdditionalAnnotations(Simplifier.Annotation));
        // Each part of each class becomes partial; the base class goes in one part only (the first in this document).
        var edits = new Dictionary<SyntaxNode, bool>();
        var done = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var diagnostic in diagnostics)
        {
            if (Fixable(root, model, diagnostic, ct) is not { } type || !done.Add(type))
                continue;
            var first = true;
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree != root.SyntaxTree || reference.GetSyntax(ct) is not ClassDeclarationSyntax decl)
                    continue;
                edits[decl] = first;
                first = false;
            }
        }
        return document.WithSyntaxRoot(root.ReplaceNodes(edits.Keys, (original, rewritten) =>
        {
            var changed = TypeDeclarations.AddPartial((TypeDeclarationSyntax)rewritten);
            return edits[original] ? AddFirstBase(changed, baseType) : changed;
        }));
    }

    private static TypeDeclarationSyntax AddFirstBase(TypeDeclarationSyntax declaration, BaseTypeSyntax baseType)
    {
        if (declaration.BaseList is { } list)
        {
            // ": IDisposable" becomes ": ProcessEvent, IDisposable".
            var first = list.Types[0];
            var types = list.Types.Insert(0, baseType.WithLeadingTrivia(first.GetLeadingTrivia()));
            types = types.Replace(types[1], types[1].WithLeadingTrivia(SyntaxFactory.Space));
            return declaration.WithBaseList(list.WithTypes(types));
        }
        // "class C\n{" becomes "class C : ProcessEvent\n{": the newline after the name moves after the base.
        var last = declaration.ParameterList?.GetLastToken()
            ?? declaration.TypeParameterList?.GetLastToken()
            ?? declaration.Identifier;
        var trailing = last.TrailingTrivia;
        var newList = SyntaxFactory.BaseList(
                SyntaxFactory.Token(SyntaxKind.ColonToken).WithTrailingTrivia(SyntaxFactory.Space),
                SyntaxFactory.SingletonSeparatedList(baseType))
            .WithTrailingTrivia(trailing);
        var updated = declaration.ReplaceToken(last, last.WithTrailingTrivia(SyntaxFactory.Space));
        return updated.WithBaseList(newList);
    }
}
