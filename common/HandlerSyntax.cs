// The syntax-only test for "could this be a handler", run before anything is bound, shared (linked) by the generator
// and the analyzers so that both skip exactly the same code.
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace InotifyGen.Roslyn;

/// <summary>Recognises handler candidates by their syntax alone: names, attribute names and parameter types as written.</summary>
internal static class HandlerSyntax
{
    /// <summary>
    /// True for a partial class declaration with a member that may be a handler method. A handler class derives from
    /// ProcessEvent (maybe in another part) and needs dispatch only for the handler methods it declares itself.
    /// </summary>
    public static bool IsCandidateClass(SyntaxNode node) =>
        node is ClassDeclarationSyntax c && c.Modifiers.Any(SyntaxKind.PartialKeyword) && DeclaresCandidateMethod(c);

    /// <summary>True when some part of <paramref name="type"/> declared in source has a method that may be a handler.</summary>
    public static bool DeclaresCandidateMethod(INamedTypeSymbol type, System.Threading.CancellationToken ct)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
            if (reference.GetSyntax(ct) is TypeDeclarationSyntax declaration && DeclaresCandidateMethod(declaration))
                return true;
        return false;
    }

    /// <summary>True when the declaration (one part of a type) has a method that may be a handler.</summary>
    public static bool DeclaresCandidateMethod(TypeDeclarationSyntax declaration)
    {
        foreach (var member in declaration.Members)
            if (member is MethodDeclarationSyntax method && IsCandidateMethod(method))
                return true;
        return false;
    }

    /// <summary>
    /// A method named <c>process_*</c>, with an attribute named <c>On...</c>, or taking one <c>InotifyEvent</c> (the
    /// only shape the dispatch calls, which also catches a handler attribute imported under another name).
    /// </summary>
    public static bool IsCandidateMethod(MethodDeclarationSyntax method) =>
        method.Identifier.ValueText.StartsWith(EventTable.HandlerPrefix, System.StringComparison.Ordinal)
        || HasCandidateAttribute(method.AttributeLists)
        || method.ParameterList.Parameters is { Count: 1 } p && RightmostName(p[0].Type) == HandlerMethods.InotifyEventName;

    /// <summary>True when an attribute is named <c>On...</c>, as every InotifyGen handler attribute is.</summary>
    public static bool HasCandidateAttribute(SyntaxList<AttributeListSyntax> lists)
    {
        foreach (var list in lists)
            foreach (var attribute in list.Attributes)
                if (RightmostName(attribute.Name).StartsWith("On", System.StringComparison.Ordinal))
                    return true;
        return false;
    }

    private static string RightmostName(TypeSyntax? type) => type switch
    {
        QualifiedNameSyntax q => q.Right.Identifier.ValueText,
        AliasQualifiedNameSyntax a => a.Name.Identifier.ValueText,
        SimpleNameSyntax n => n.Identifier.ValueText,
        _ => "",
    };
}
