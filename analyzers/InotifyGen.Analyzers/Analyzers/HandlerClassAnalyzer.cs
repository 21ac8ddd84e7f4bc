using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using InotifyGen.Analyzers.Diagnostics;
using InotifyGen.Roslyn;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace InotifyGen.Analyzers;

/// <summary>
/// The rules about a class and its handler methods: IGEN003 (not partial), IGEN004 (signature), IGEN005 (an event
/// handled twice at one rank), IGEN006 (a specialised method hides its family method), IGEN007 (handler methods
/// outside a ProcessEvent class) and IGEN011 (flags in an [On(mask)] attribute).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HandlerClassAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.HandlerTypeNotPartial,
        DiagnosticDescriptors.InvalidHandlerSignature,
        DiagnosticDescriptors.EventHandledTwice,
        DiagnosticDescriptors.SpecialisedHidesFamily,
        DiagnosticDescriptors.HandlerOutsideProcessEvent,
        DiagnosticDescriptors.OnAttributeIncludesFlags);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
    }

    /// <summary>"Outer.Inner.H": enough to find a nested handler, without its namespace.</summary>
    private static readonly SymbolDisplayFormat NestedNameFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || HandlerMethods.IsProcessEvent(type))
            return;
        var declared = HandlerMethods.HandlersDeclaredIn(type);
        if (declared.IsEmpty)
            return;
        if (!HandlerMethods.DerivesFromProcessEvent(type))
        {
            ReportOutsideProcessEvent(context, type, declared);
            return;
        }
        if (HandlerDispatch.HasHandWrittenDispatch(type))
            return;
        ReportNotPartial(context, type);
        foreach (var h in declared)
        {
            if (!h.HasAllowedSignature)
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidHandlerSignature,
                    h.Method.Locations[0], h.Method.Name, DescribeProblems(h)));
            ReportFlagsInOnAttribute(context, h);
        }
        var dispatch = HandlerDispatch.For(type);
        if (dispatch is null)
            return;
        ReportHandledTwice(context, dispatch.Hierarchy);
        ReportHiddenFamily(context, dispatch.Hierarchy);
    }

    private static void ReportOutsideProcessEvent(SymbolAnalysisContext context, INamedTypeSymbol type, ImmutableArray<HandlerMethod> declared)
    {
        var names = declared.Select(h => h.Method.Name).Distinct().ToList();
        // On the name of the declaration (of a partial type) that holds the first handler method.
        var location = type.Locations[0];
        var firstMethod = declared[0].Method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken);
        if (firstMethod?.Parent is TypeDeclarationSyntax owner)
            location = owner.Identifier.GetLocation();
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.HandlerOutsideProcessEvent, location,
            type.Name, string.Join(", ", names)));
    }

    private static void ReportNotPartial(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        var handlerName = type.ToDisplayString(NestedNameFormat);
        for (var t = type; t is not null; t = t.ContainingType)
        {
            foreach (var reference in t.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax decl
                    && !decl.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.HandlerTypeNotPartial,
                        decl.Identifier.GetLocation(), t.Name, handlerName));
                }
            }
        }
    }

    /// <summary>IGEN011: <c>[On(EventMask.Create | EventMask.IsDir)]</c>; the flag part can never match an event.</summary>
    private static void ReportFlagsInOnAttribute(SymbolAnalysisContext context, HandlerMethod h)
    {
        foreach (var source in h.Sources)
        {
            if (source.Kind != HandlerSourceKind.MaskAttribute || source.NonEventBits == EventMask.None)
                continue;
            string? why = null;
            foreach (var n in EventTable.Names)
                if (why is null && !n.IsEvent && n.Mask != EventMask.AllEvents && (source.NonEventBits & n.Mask) == n.Mask)
                    why = n.NotAnEventBecause;
            why ??= "no inotify event has that value";
            var location = source.Attribute?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation()
                ?? h.Method.Locations[0];
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.OnAttributeIncludesFlags, location,
                h.Method.Name, HandlerDispatch.DescribeMask(source.NonEventBits), why));
        }
    }

    /// <summary>What is wrong with a handler's signature, e.g. "it returns int and it is static".</summary>
    private static string DescribeProblems(HandlerMethod h)
    {
        var m = h.Method;
        var parts = new List<string>();
        var p = h.Problems;
        if ((p & SignatureProblems.ReturnType) != 0)
            parts.Add(m.ReturnsByRef || m.ReturnsByRefReadonly
                ? "it returns by reference"
                : "it returns " + m.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat));
        if ((p & SignatureProblems.ParameterCount) != 0)
            parts.Add(m.Parameters.Length == 0 ? "it takes no parameter" : $"it takes {m.Parameters.Length} parameters");
        if ((p & SignatureProblems.ParameterType) != 0)
            parts.Add($"its parameter is {m.Parameters[0].Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}, not InotifyEvent");
        if ((p & SignatureProblems.ParameterRefKind) != 0)
            parts.Add(m.Parameters[0].IsParams ? "its parameter is 'params'" : m.Parameters[0].RefKind switch
            {
                RefKind.Ref => "its parameter is 'ref'",
                RefKind.Out => "its parameter is 'out'",
                _ => "its parameter is 'ref readonly'",
            });
        if ((p & SignatureProblems.Generic) != 0)
            parts.Add("it is generic");
        if ((p & SignatureProblems.Static) != 0)
            parts.Add("it is static");
        return HandlerDispatch.JoinAnd(parts);
    }

    /// <summary>IGEN005: in this class, another method at the winner's rank gets nothing for that event.</summary>
    private static void ReportHandledTwice(SymbolAnalysisContext context, ImmutableArray<ImmutableArray<HandlerMethod>> hierarchy)
    {
        var lost = new List<(HandlerMethod Loser, HandlerMethod Winner, int Rank, EventMask Events)>();
        foreach (var evt in HandlerMethods.DispatchableEvents)
        {
            var winner = HandlerMethods.FindWinner(hierarchy, evt, out var depth, out var rank);
            if (winner is null || depth != 0)
                continue;
            foreach (var h in hierarchy[0])
            {
                if (ReferenceEquals(h, winner) || !h.HasAllowedSignature || h.RankOf(evt) != rank)
                    continue;
                var i = lost.FindIndex(x => ReferenceEquals(x.Loser, h) && ReferenceEquals(x.Winner, winner));
                if (i < 0)
                    lost.Add((h, winner, rank, evt));
                else
                    lost[i] = (h, winner, rank, lost[i].Events | evt);
            }
        }
        foreach (var (loser, winner, rank, events) in lost)
        {
            var what = rank == HandlerMethods.DefaultRank
                ? "the events no other method handles"
                : HandlerDispatch.DescribeEvents(events);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.EventHandledTwice,
                loser.Method.Locations[0], loser.Method.Name, what, winner.Method.Name));
        }
    }

    /// <summary>IGEN006: an event goes to a specialised method where a family method would otherwise have received it.</summary>
    private static void ReportHiddenFamily(SymbolAnalysisContext context, ImmutableArray<ImmutableArray<HandlerMethod>> hierarchy)
    {
        var hidden = new List<(HandlerMethod Specialised, HandlerMethod Family, bool SpecialisedHere, EventMask Events)>();
        foreach (var evt in HandlerMethods.DispatchableEvents)
        {
            var winner = HandlerMethods.FindWinner(hierarchy, evt, out var depth, out var rank);
            if (winner is null || rank != HandlerMethods.SpecialisedRank)
                continue;
            var family = FirstAtRank(hierarchy, evt, HandlerMethods.FamilyRank, out var familyDepth);
            // Only where this class declares one of the two, so a base class's pair is reported once, on the base.
            if (family is null || ReferenceEquals(family, winner) || (depth != 0 && familyDepth != 0))
                continue;
            var i = hidden.FindIndex(x => ReferenceEquals(x.Specialised, winner) && ReferenceEquals(x.Family, family));
            if (i < 0)
                hidden.Add((winner, family, depth == 0, evt));
            else
                hidden[i] = (winner, family, depth == 0, hidden[i].Events | evt);
        }
        foreach (var (specialised, family, specialisedHere, events) in hidden)
        {
            var location = (specialisedHere ? specialised : family).Method.Locations[0];
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SpecialisedHidesFamily, location,
                specialised.Method.Name, HandlerDispatch.DescribeEvents(events), family.Method.Name));
        }
    }

    private static HandlerMethod? FirstAtRank(ImmutableArray<ImmutableArray<HandlerMethod>> hierarchy, EventMask evt, int rank, out int depth)
    {
        for (depth = 0; depth < hierarchy.Length; depth++)
            foreach (var h in hierarchy[depth])
                if (h.HasAllowedSignature && h.RankOf(evt) == rank)
                    return h;
        depth = -1;
        return null;
    }
}
