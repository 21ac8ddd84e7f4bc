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

    /// <inheritdoc/>
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var diagnostic = context.Diagnostics[0];
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
            return;
        if (root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not ClassDeclarationSyntax declaration
            || model.GetDeclaredSymbol(declaration, context.CancellationToken) is not { IsStatic: false } type)
            return;
        // A class that already has a base class cannot take another one.
        if (type.BaseType is { SpecialType: not SpecialType.System_Object } || type.IsRecord)
            return;
        var document = context.Document;
        context.RegisterCodeFix(
            CodeAction.Create("Derive from ProcessEvent",
                ct => AddBase(document, root, type, ct),
                equivalenceKey: nameof(DeriveFromProcessEventCodeFix)),
            diagnostic);
    }

    private static Task<Document> AddBase(Document document, SyntaxNode root, INamedTypeSymbol type, CancellationToken ct)
    {
        var baseType = SyntaxFactory.SimpleBaseType(
            SyntaxFactory.ParseTypeName("global::InotifyGen.ProcessEvent").WithAdditionalAnnotations(Simplifier.Annotation));
        var editor = new System.Collections.Generic.Dictionary<SyntaxNode, SyntaxNode>();
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != root.SyntaxTree || reference.GetSyntax(ct) is not ClassDeclarationSyntax decl)
                continue;
            // The base class goes in one part only (the first in this document); every part gets partial.
            var changed = TypeDeclarations.AddPartial(decl);
            if (editor.Count == 0)
                changed = AddFirstBase(changed, baseType);
            editor[decl] = changed;
        }
        return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNodes(editor.Keys, (original, _) => editor[original])));
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
