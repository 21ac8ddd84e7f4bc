using System.Collections.Immutable;
using InotifyGen.Analyzers.Diagnostics;
using InotifyGen.Roslyn;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace InotifyGen.Analyzers;

/// <summary>
/// IGEN001 and IGEN002: a <c>process_*</c> method of a ProcessEvent class whose name is no handler name, either
/// misspelt (with the nearest valid name) or named after a flag that is never reported on its own. A class that
/// writes its own DispatchEvent is left alone: its names mean what its dispatch makes them mean.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HandlerNameAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.HandlerNameMatchesNoEvent, DiagnosticDescriptors.HandlerNameIsNotAnEvent);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(HandlerMethods.ProcessEventMetadataName) is not null)
                start.RegisterSymbolAction(AnalyzeMethod, SymbolKind.Method);
        });
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context)
    {
        var method = (IMethodSymbol)context.Symbol;
        // The process_ prefix is reserved for handlers in a ProcessEvent class, as in pyinotify. An override
        // was already reported where its base method is declared.
        if (!HandlerMethods.HasHandlerPrefix(method) || method.MethodKind != MethodKind.Ordinary || method.IsOverride
            || !HandlerMethods.DerivesFromProcessEvent(method.ContainingType)
            || DispatchPlan.WritesOwnDispatch(method.ContainingType))
            return;
        // A valid name, or an [On...] attribute that makes the method a handler whatever its name.
        if (HandlerMethods.Classify(method) is not null)
            return;
        var location = method.Locations[0];
        if (EventTable.FindNonEvent(method.Name) is { } flag)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.HandlerNameIsNotAnEvent, location,
                method.Name, flag.NotAnEventBecause));
            return;
        }
        var suggestion = NearestHandlerName.For(method.Name);
        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticDescriptors.SuggestedNameProperty, suggestion);
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.HandlerNameMatchesNoEvent, location, properties,
            method.Name, suggestion));
    }
}
