using System;
using System.Collections.Immutable;
using System.Linq;
using InotifyGen.Generator.Models;
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
        // them all. A partial class part that declares no method that may be a handler (by name, attribute name or
        // parameter type) is dropped before anything is bound; HandlerParser generates from the first part that does.
        var handlers = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => HandlerParser.CouldBeHandler(node),
                static (ctx, ct) => HandlerParser.TryParse((ClassDeclarationSyntax)ctx.Node, ctx.SemanticModel, ct))
            .WithTrackingName(TrackingNames.HandlerClasses)
            .Where(static result => result is not null)
            .Select(static (result, _) => result!)
            .WithTrackingName(TrackingNames.Handlers);

        // Hint names are compared without case (CS8785 otherwise): Uploads and UpLoads need distinct file names. Only
        // the few names that clash are collected, so a new or edited handler leaves the others' output alone.
        var renames = handlers
            .Select(static (r, _) => r.Model?.HintName ?? "")
            .Collect()
            .Select(static (all, _) => HintNames.Clashes(all));

        context.RegisterSourceOutput(handlers.Combine(renames), static (spc, pair) =>
        {
            var (result, clashes) = pair;
            if (result.Model is not { } model)
            {
                spc.ReportDiagnostic(Diagnostic.Create(GeneratorDiagnostics.Failed, Location.None, result.TypeName, result.Failure));
                return;
            }
            try
            {
                spc.AddSource(HintNames.Unique(model.HintName, clashes) + ".g.cs", HandlerEmitter.Emit(model));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                spc.ReportDiagnostic(Diagnostic.Create(GeneratorDiagnostics.Failed, Location.None, model.HintName, ex.GetType().Name + ": " + ex.Message));
            }
        });
    }
}
