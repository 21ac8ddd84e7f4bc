using System.Collections.Immutable;
using InotifyGen.Roslyn;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace InotifyGen.Analyzers;

/// <summary>
/// Suppresses the rules that misfire on handler methods the generated dispatch calls: "can be static" (CA1822:
/// accepting it breaks the handler, IGEN004), "unused private member" (IDE0051: the caller is generated) and "unused
/// parameter" (IDE0060: the event parameter is the handler's signature, used or not).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HandlerMethodSuppressor : DiagnosticSuppressor
{
    private static readonly SuppressionDescriptor MarkStatic = new(
        "IGENSPR01", "CA1822", "A handler method is called on its instance by the generated dispatch; a static one would never be called.");

    private static readonly SuppressionDescriptor UnusedMember = new(
        "IGENSPR02", "IDE0051", "A handler method is called by the generated dispatch.");

    private static readonly SuppressionDescriptor UnusedParameter = new(
        "IGENSPR03", "IDE0060", "The event parameter is part of the handler signature the generated dispatch calls.");

    /// <inheritdoc/>
    public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions { get; } =
        ImmutableArray.Create(MarkStatic, UnusedMember, UnusedParameter);

    /// <inheritdoc/>
    public override void ReportSuppressions(SuppressionAnalysisContext context)
    {
        foreach (var diagnostic in context.ReportedDiagnostics)
        {
            var descriptor = diagnostic.Id switch
            {
                "CA1822" => MarkStatic,
                "IDE0051" => UnusedMember,
                "IDE0060" => UnusedParameter,
                _ => null,
            };
            if (descriptor is not null && IsDispatchedHandler(context, diagnostic))
                context.ReportSuppression(Suppression.Create(descriptor, diagnostic));
        }
    }

    /// <summary>True when the diagnostic is on a method (or its parameter) that the dispatch of its class calls.</summary>
    private static bool IsDispatchedHandler(SuppressionAnalysisContext context, Diagnostic diagnostic)
    {
        if (diagnostic.Location.SourceTree is not { } tree)
            return false;
        var node = tree.GetRoot(context.CancellationToken).FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var declaration = node as MethodDeclarationSyntax ?? node.FirstAncestorOrSelf<MethodDeclarationSyntax>();
        if (declaration is null)
            return false;
        // A parameter diagnostic must be on the method's own parameter, not on a lambda's inside its body.
        if (diagnostic.Id == "IDE0060" && node.FirstAncestorOrSelf<ParameterSyntax>()?.Parent?.Parent != declaration)
            return false;
        var model = context.GetSemanticModel(tree);
        if (model.GetDeclaredSymbol(declaration, context.CancellationToken) is not IMethodSymbol method
            || !HandlerMethods.DerivesFromProcessEvent(method.ContainingType))
            return false;
        var plan = DispatchPlan.For(method.ContainingType, model.Compilation, context.CancellationToken);
        return plan is { HasHandWrittenLevel: false } && plan.Received.ContainsKey(method);
    }
}
