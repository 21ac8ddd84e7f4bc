using InotifyGen.Roslyn;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace InotifyGen.Analyzers;

/// <summary>Recognises calls that give a watch its own handler: <c>WatchManager.AddWatch</c> and <c>UpdateWatch</c>.</summary>
internal static class WatchCalls
{
    public const string WatchManagerName = "WatchManager";
    public const string HandlerParameter = "handler";
    public const string MaskParameter = "mask";

    /// <summary>True for <c>InotifyGen.WatchManager.AddWatch</c> or <c>UpdateWatch</c> (any overload).</summary>
    public static bool IsWatchCall(IMethodSymbol method) =>
        method.Name is "AddWatch" or "UpdateWatch"
        && method.ContainingType is { Name: WatchManagerName, ContainingType: null } t
        && t.ContainingNamespace is { Name: HandlerMethods.Namespace } ns && ns.ContainingNamespace is { IsGlobalNamespace: true };

    /// <summary>The syntax-only test before a call is bound: it calls something named AddWatch or UpdateWatch.</summary>
    public static bool MayBeWatchCall(InvocationExpressionSyntax invocation) =>
        (invocation.Expression switch
        {
            MemberAccessExpressionSyntax m => m.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax b => b.Name.Identifier.ValueText,
            SimpleNameSyntax n => n.Identifier.ValueText,
            _ => "",
        }) is "AddWatch" or "UpdateWatch";

    /// <summary>The argument bound to <paramref name="parameterName"/>, or null.</summary>
    public static IArgumentOperation? Argument(IInvocationOperation call, string parameterName)
    {
        foreach (var a in call.Arguments)
            if (a.Parameter?.Name == parameterName)
                return a;
        return null;
    }

    /// <summary>The operation under any conversions (to a base class, to a nullable).</summary>
    public static IOperation Unwrap(IOperation operation)
    {
        while (operation is IConversionOperation c)
            operation = c.Operand;
        return operation;
    }
}
