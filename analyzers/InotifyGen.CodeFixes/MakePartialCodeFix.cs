using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using InotifyGen.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace InotifyGen.CodeFixes;

/// <summary>IGEN003: adds <c>partial</c> to a handler class or a type that contains one.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFix)), Shared]
public sealed class MakePartialCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.HandlerTypeNotPartialId);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var token = root?.FindToken(diagnostic.Location.SourceSpan.Start);
            if (token?.Parent is not TypeDeclarationSyntax declaration || root is null)
                continue;
            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create($"Make '{declaration.Identifier.ValueText}' partial",
                    _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(declaration, TypeDeclarations.AddPartial(declaration)))),
                    equivalenceKey: nameof(MakePartialCodeFix)),
                diagnostic);
        }
    }
}
