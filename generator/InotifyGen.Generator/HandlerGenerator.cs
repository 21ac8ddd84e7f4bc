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
        // them all. A handler class derives from ProcessEvent, so one of its parts has a base list: a partial class
        // part without one is dropped before anything is bound (HandlerParser generates from the first part with one).
        var handlers = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => HandlerParser.CouldBeHandler(node),
                static (ctx, ct) => HandlerParser.TryParse((ClassDeclarationSyntax)ctx.Node, ctx.SemanticModel, ct))
            .WithTrackingName(TrackingNames.HandlerClasses)
            .Where(static result => result is not null)
            .Select(static (result, _) => result!)
            .WithTrackingName(TrackingNames.Handlers);

        // Hint names are compared without case (CS8785 otherwise): Uploads and UpLoads need distinct file names. Only
        // the names are collected, so an edit inside one handler still regenerates that handler alone.
        var names = handlers
            .Select(static (r, _) => r.Model?.HintName ?? "")
            .Collect()
            .Select(static (all, _) => new EquatableArray<string>(all.ToArray()));

        context.RegisterSourceOutput(handlers.Combine(names), static (spc, pair) =>
        {
            var (result, allNames) = pair;
            if (result.Model is not { } model)
            {
                spc.ReportDiagnostic(Diagnostic.Create(GeneratorDiagnostics.Failed, Location.None, result.TypeName, result.Failure));
                return;
            }
            try
            {
                spc.AddSource(HintNames.Unique(model.HintName, allNames) + ".g.cs", HandlerEmitter.Emit(model));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                spc.ReportDiagnostic(Diagnostic.Create(GeneratorDiagnostics.Failed, Location.None, model.HintName, ex.GetType().Name + ": " + ex.Message));
            }
        });
    }
}
