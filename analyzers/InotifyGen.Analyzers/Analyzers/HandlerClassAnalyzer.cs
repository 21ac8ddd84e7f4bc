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
/// outside a ProcessEvent class), IGEN011 (flags in an [On(mask)] attribute), IGEN012 (an empty [On] mask), IGEN013 (a
/// handler attribute on a local function or lambda), IGEN014 (a file-local handler class) and IGEN015 (a type
/// containing a handler class is not partial).
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
        DiagnosticDescriptors.OnAttributeIncludesFlags,
        DiagnosticDescriptors.OnAttributeNamesNoEvent,
        DiagnosticDescriptors.HandlerAttributeOnLocalFunction,
        DiagnosticDescriptors.HandlerTypeFileLocal,
        DiagnosticDescriptors.ContainingTypeNotPartial);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        // Every rule here needs InotifyGen's types; a compilation without them costs nothing more.
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(HandlerMethods.ProcessEventMetadataName) is null)
                return;
            start.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
            start.RegisterSyntaxNodeAction(AnalyzeLocalFunction, SyntaxKind.LocalFunctionStatement, SyntaxKind.ParenthesizedLambdaExpression);
        });
    }

    /// <summary>"Outer.Inner.H": enough to find a nested handler, without its namespace.</summary>
    private static readonly SymbolDisplayFormat NestedNameFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || HandlerMethods.IsProcessEvent(type)
            || !HandlerSyntax.DeclaresCandidateMethod(type, context.CancellationToken))
            return;
        var declared = HandlerMethods.HandlersDeclaredIn(type);
        if (declared.IsEmpty)
            return;
        if (!HandlerMethods.DerivesFromProcessEvent(type))
        {
            ReportOutsideProcessEvent(context, type, declared);
            return;
        }
        if (DispatchPlan.WritesOwnDispatch(type))
            return;
        var plan = DispatchPlan.For(type, context.Compilation, context.CancellationToken);
        if (plan is null)
            return;
        ReportNoGeneratedDispatch(context, type, plan);
        foreach (var h in declared)
        {
            if (!h.HasAllowedSignature)
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidHandlerSignature,
                    h.Method.Locations[0], h.Method.Name, DescribeProblems(h)));
            ReportFlagsInOnAttribute(context, h);
        }
        if (plan.HasHandWrittenLevel)
            return;
        ReportHandledTwice(context, plan);
        ReportHiddenFamily(context, plan);
    }

    /// <summary>
    /// IGEN003, IGEN014 and IGEN015: the generator cannot add this class's dispatch (it is not partial, it is
    /// file-local, or a type containing it is not partial) and it needs one: some event goes to a method its base's
    /// switch does not call. Each is reported on the handler class, so that it belongs to the class's own analysis
    /// (the IDE shows it, and Fix All finds it, wherever the class is open).
    /// </summary>
    private static void ReportNoGeneratedDispatch(SymbolAnalysisContext context, INamedTypeSymbol type, DispatchPlan plan)
    {
        var ct = context.CancellationToken;
        var notPartial = new List<TypeDeclarationSyntax>();
        foreach (var reference in type.DeclaringSyntaxReferences)
            if (reference.GetSyntax(ct) is TypeDeclarationSyntax decl && !decl.Modifiers.Any(SyntaxKind.PartialKeyword))
                notPartial.Add(decl);
        // A type that is not partial has one declaration (CS0260 otherwise), so each container is named once.
        var containers = new List<string>();
        for (var t = type.ContainingType; t is not null; t = t.ContainingType)
            foreach (var reference in t.DeclaringSyntaxReferences)
                if (reference.GetSyntax(ct) is TypeDeclarationSyntax decl && !decl.Modifiers.Any(SyntaxKind.PartialKeyword))
                    containers.Insert(0, "'" + t.Name + "'");
        var fileLocal = DispatchPlan.IsFileLocal(type);
        if ((notPartial.Count == 0 && containers.Count == 0 && !fileLocal) || plan.BaseDispatchReachesEveryHandler(ct))
            return;
        var handlerName = type.ToDisplayString(NestedNameFormat);
        if (fileLocal)
        {
            // Making it partial would not help: no other file, so no generated one, can add to a file-local type.
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.HandlerTypeFileLocal, type.Locations[0], handlerName));
            return;
        }
        foreach (var decl in notPartial)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.HandlerTypeNotPartial,
                decl.Identifier.GetLocation(), type.Name, handlerName));
        if (containers.Count > 0)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContainingTypeNotPartial,
                type.Locations[0], handlerName, Describe.JoinAnd(containers)));
    }

    /// <summary>IGEN013: a handler attribute on a local function or a lambda, which no dispatch ever calls.</summary>
    private static void AnalyzeLocalFunction(SyntaxNodeAnalysisContext context)
    {
        var ct = context.CancellationToken;
        var (symbol, what) = context.Node switch
        {
            LocalFunctionStatementSyntax f when HandlerSyntax.HasCandidateAttribute(f.AttributeLists) =>
                (context.SemanticModel.GetDeclaredSymbol(f, ct) as IMethodSymbol, "the local function '" + f.Identifier.ValueText + "'"),
            ParenthesizedLambdaExpressionSyntax l when HandlerSyntax.HasCandidateAttribute(l.AttributeLists) =>
                (context.SemanticModel.GetSymbolInfo(l, ct).Symbol as IMethodSymbol, "a lambda"),
            _ => (null, ""),
        };
        if (symbol is null)
            return;
        foreach (var attribute in symbol.GetAttributes())
        {
            if (HandlerMethods.ClassifyAttribute(attribute) is null)
                continue;
            var location = attribute.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation() ?? context.Node.GetLocation();
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.HandlerAttributeOnLocalFunction, location,
                attribute.AttributeClass!.Name.Replace("Attribute", ""), what));
        }
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

    /// <summary>IGEN011: <c>[On(EventMask.Create | EventMask.IsDir)]</c>; the flag part can never match an event.</summary>
    private static void ReportFlagsInOnAttribute(SymbolAnalysisContext context, HandlerMethod h)
    {
        foreach (var source in h.Sources)
        {
            if (source.Kind != HandlerSourceKind.MaskAttribute)
                continue;
            if (source.Specialised == EventMask.None && source.NonEventBits == EventMask.None)
            {
                // IGEN012: [On(EventMask.None)] names nothing at all.
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.OnAttributeNamesNoEvent,
                    source.Attribute?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? h.Method.Locations[0],
                    h.Method.Name));
                continue;
            }
            if (source.NonEventBits == EventMask.None)
                continue;
            string? why = null;
            foreach (var n in EventTable.Names)
                if (why is null && !n.IsEvent && n.Mask != EventMask.AllEvents && (source.NonEventBits & n.Mask) == n.Mask)
                    why = n.NotAnEventBecause;
            why ??= "no inotify event has that value";
            var location = source.Attribute?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation()
                ?? h.Method.Locations[0];
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.OnAttributeIncludesFlags, location,
                h.Method.Name, Describe.Mask(source.NonEventBits), why));
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
        return Describe.JoinAnd(parts);
    }

    /// <summary>IGEN005: in this class, another method at the winner's rank gets nothing for that event.</summary>
    private static void ReportHandledTwice(SymbolAnalysisContext context, DispatchPlan plan)
    {
        var lost = new List<(HandlerMethod Loser, HandlerMethod Winner, int Rank, EventMask Events)>();
        foreach (var entry in plan.Entries)
        {
            if (entry.Method is not { } winner || entry.Depth != 0)
                continue;
            var (evt, rank) = (entry.Event, entry.Rank);
            foreach (var h in plan.Levels[0].Methods)
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
                : Describe.Events(events);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.EventHandledTwice,
                loser.Method.Locations[0], loser.Method.Name, what, winner.Method.Name));
        }
    }

    /// <summary>
    /// IGEN006: an event goes to a specialised handler where a family handler would otherwise have received it. A
    /// compiled base handler takes part through its summary; its methods are unnamed there, so its class is named.
    /// </summary>
    private static void ReportHiddenFamily(SymbolAnalysisContext context, DispatchPlan plan)
    {
        var levels = plan.Levels;
        // A handler is a method, or (null) the summary of the compiled base that ends the levels.
        var hidden = new List<(HandlerMethod? Specialised, HandlerMethod? Family, bool SpecialisedHere, EventMask Events)>();
        foreach (var entry in plan.Entries)
        {
            if (entry.Rank != HandlerMethods.SpecialisedRank)
                continue;
            var (evt, depth, winner) = (entry.Event, entry.Depth, entry.Method);
            // The family handler the event would go to without the specialised one: the plan's own lookup at the next rank.
            if (!HandlerMethods.FindAtRank(levels, evt, HandlerMethods.FamilyRank, out var familyDepth, out var family)
                || (winner is not null && ReferenceEquals(family, winner)))
                continue;
            // Only where this class declares one of the two, so a base class's pair is reported once, on the base.
            if (depth != 0 && familyDepth != 0)
                continue;
            var i = hidden.FindIndex(x => ReferenceEquals(x.Specialised, winner) && ReferenceEquals(x.Family, family));
            if (i < 0)
                hidden.Add((winner, family, depth == 0, evt));
            else
                hidden[i] = (winner, family, depth == 0, hidden[i].Events | evt);
        }
        var compiledBase = levels[levels.Length - 1].Summary is not null ? levels[levels.Length - 1].Type.Name : "";
        foreach (var (specialised, family, specialisedHere, events) in hidden)
        {
            // On this class's method of the pair (a summary has no location here).
            var location = (specialisedHere ? specialised : family)!.Method.Locations[0];
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SpecialisedHidesFamily, location,
                specialised?.Method.Name ?? compiledBase, Describe.Events(events), family?.Method.Name ?? compiledBase));
        }
    }
}
