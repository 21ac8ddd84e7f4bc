using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace InotifyGen.CodeFixes;

/// <summary>Small edits to a type declaration that keep the user's layout.</summary>
internal static class TypeDeclarations
{
    /// <summary>Adds <c>partial</c> right before the <c>class</c>/<c>struct</c>/<c>record</c> keyword, where C# requires it.</summary>
    public static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax declaration)
    {
        if (declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            return declaration;
        if (declaration.Modifiers.Count == 0)
        {
            // "class C" becomes "partial class C": the keyword's leading trivia (indentation, comments) moves to partial.
            var keyword = declaration.Keyword;
            var partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return declaration
                .WithKeyword(keyword.WithLeadingTrivia(SyntaxFactory.TriviaList()))
                .WithModifiers(SyntaxFactory.TokenList(partial));
        }
        return declaration.WithModifiers(declaration.Modifiers.Add(
            SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
    }
}
