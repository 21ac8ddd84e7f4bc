using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using InotifyGen.Generator.Models;
using InotifyGen.Roslyn;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace InotifyGen.Generator;

/// <summary>Turns a partial class declaration into a <see cref="HandlerClassModel"/>, or null when there is nothing to generate.</summary>
internal static class HandlerParser
{
    /// <summary>
    /// The syntax-only test, before any binding (<see cref="HandlerSyntax.IsCandidateClass"/>): a partial class part
    /// that declares a method that may be a handler. The part that names ProcessEvent may be another one.
    /// </summary>
    public static bool CouldBeHandler(SyntaxNode node) => HandlerSyntax.IsCandidateClass(node);

    /// <summary>
    /// <see cref="Parse"/>, never throwing (but for cancellation): a generator that throws adds nothing, so every
    /// handler of the project would go silent. A failure is reported for its class alone.
    /// </summary>
    public static ParseResult? TryParse(ClassDeclarationSyntax declaration, SemanticModel semanticModel, CancellationToken ct)
    {
        try
        {
            return Parse(declaration, semanticModel, ct) is { } model ? new ParseResult(model, null, null) : null;
        }
        catch (System.Exception ex) when (ex is not System.OperationCanceledException)
        {
            return new ParseResult(null, declaration.Identifier.ValueText, ex.GetType().Name + ": " + ex.Message);
        }
    }

    public static HandlerClassModel? Parse(ClassDeclarationSyntax declaration, SemanticModel semanticModel, CancellationToken ct)
    {
        if (semanticModel.GetDeclaredSymbol(declaration, ct) is not INamedTypeSymbol type)
            return null;
        if (!HandlerMethods.DerivesFromProcessEvent(type))
            return null;
        // A class in several partial parts is generated once, from its first candidate part.
        if (!IsFirstCandidatePart(type, declaration, ct))
            return null;
        if (!DispatchPlan.CanGenerateFor(type, ct))
            return null;
        var plan = DispatchPlan.For(type, semanticModel.Compilation, ct);
        if (plan is null || plan.Entries.IsEmpty)
            return null;
        ct.ThrowIfCancellationRequested();

        var targets = new List<(EventMask Event, int Rank, DispatchTarget Target)>();
        var handled = EventMask.None;
        var byRank = new EventMask[3];
        foreach (var entry in plan.Entries)
        {
            byRank[entry.Rank] |= entry.Event;
            // A default method stands for ALL_EVENTS only; the kernel sends UNMOUNT, Q_OVERFLOW and IGNORED unasked.
            if (entry.Rank != HandlerMethods.DefaultRank || (entry.Event & EventMask.AllEvents) != 0)
                handled |= entry.Event;
            targets.Add((entry.Event, entry.Rank, TargetFor(entry)));
        }

        return new HandlerClassModel(
            HintName(type),
            type.ContainingNamespace.IsGlobalNamespace ? "" : Strip(type.ContainingNamespace.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)),
            new EquatableArray<TypeDeclarationModel>(Containers(type)),
            new EquatableArray<DispatchCase>(Group(targets)),
            (uint)handled,
            !HandlerMethods.IsProcessEvent(type.BaseType),
            (uint)byRank[HandlerMethods.SpecialisedRank],
            (uint)byRank[HandlerMethods.FamilyRank],
            (uint)byRank[HandlerMethods.DefaultRank]);
    }

    private static bool IsFirstCandidatePart(INamedTypeSymbol type, ClassDeclarationSyntax declaration, CancellationToken ct)
    {
        foreach (var r in type.DeclaringSyntaxReferences)
            if (r.GetSyntax(ct) is var part && CouldBeHandler(part))
                return part.SyntaxTree == declaration.SyntaxTree && part.Span == declaration.Span;
        return false;
    }

    private static DispatchTarget TargetFor(DispatchEntry entry)
    {
        if (entry.ViaBase)
        {
            var declaringName = Strip(entry.Level.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
            // A winner known only from a compiled base's summary: that base's own switch calls it.
            return new DispatchTarget(null, false, false,
                declaringName + (entry.Method is null ? " (compiled handler)" : "." + entry.Method.Method.Name));
        }
        var winner = entry.Method!;
        return new DispatchTarget(Escape(winner.Method.Name), winner.ReturnsBool, winner.TakesIn, null);
    }

    /// <summary>
    /// One switch section per target, with its events in kernel order; sections read in lookup order
    /// (specialised, then family, then default), each rank in kernel order.
    /// </summary>
    private static DispatchCase[] Group(List<(EventMask Event, int Rank, DispatchTarget Target)> targets)
    {
        var order = new List<(DispatchTarget Target, int Rank, int First)>();
        var events = new Dictionary<DispatchTarget, List<string>>();
        for (var i = 0; i < targets.Count; i++)
        {
            var (evt, rank, target) = targets[i];
            if (!events.TryGetValue(target, out var list))
            {
                events[target] = list = new List<string>();
                order.Add((target, rank, i));
            }
            list.Add(evt.ToString());
        }
        return order
            .OrderBy(o => o.Rank).ThenBy(o => o.First)
            .Select(o => new DispatchCase(new EquatableArray<string>(events[o.Target].ToArray()), o.Target))
            .ToArray();
    }

    private static TypeDeclarationModel[] Containers(INamedTypeSymbol type)
    {
        var chain = new List<TypeDeclarationModel>();
        for (var t = type; t is not null; t = t.ContainingType)
            chain.Add(new TypeDeclarationModel(Keyword(t), Escape(t.Name) + TypeParameters(t)));
        chain.Reverse();
        return chain.ToArray();
    }

    private static string Keyword(INamedTypeSymbol t) => t switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };

    private static string TypeParameters(INamedTypeSymbol t) =>
        t.TypeParameters.IsEmpty ? "" : "<" + string.Join(", ", t.TypeParameters.Select(p => Escape(p.Name))) + ">";

    /// <summary>Namespace, containing types (joined by '+') and arity (after '`'), like a metadata name: unique per type.</summary>
    private static string HintName(INamedTypeSymbol type)
    {
        var parts = new List<string>();
        for (var t = type; t is not null; t = t.ContainingType)
            parts.Add(t.Arity == 0 ? t.Name : t.Name + "`" + t.Arity);
        parts.Reverse();
        var name = string.Join("+", parts);
        // Plain names (no '@' escapes, which hint names may not contain).
        for (var ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
            name = ns.Name + "." + name;
        return name;
    }

    private static string Escape(string identifier) =>
        SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None ? "@" + identifier : identifier;

    private static string Strip(string fullyQualified) =>
        fullyQualified.StartsWith("global::", System.StringComparison.Ordinal) ? fullyQualified.Substring("global::".Length) : fullyQualified;
}
