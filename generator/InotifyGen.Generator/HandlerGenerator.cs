using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace InotifyGen.Generator;

/// <summary>
/// Compiles the handler methods of partial <c>ProcessEvent</c> classes (<c>process_IN_CREATE</c>, <c>[OnDelete]</c>,
/// <c>process_default</c>, ...) into a <c>DispatchEvent</c> switch and a <c>HandledEvents</c> mask.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class HandlerGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Handler methods are found by name as well as by attribute, so ForAttributeWithMetadataName cannot find
        // them all; a partial class is the cheapest syntax test that keeps every candidate.
        var handlers = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is ClassDeclarationSyntax c && c.Modifiers.Any(SyntaxKind.PartialKeyword),
                static (ctx, ct) => HandlerParser.Parse((ClassDeclarationSyntax)ctx.Node, ctx.SemanticModel, ct))
            .WithTrackingName(TrackingNames.HandlerClasses)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.Handlers);

        context.RegisterSourceOutput(handlers, static (spc, model) =>
            spc.AddSource(model.HintName + ".g.cs", HandlerEmitter.Emit(model)));
    }
}
