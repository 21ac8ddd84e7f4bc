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
    public static HandlerClassModel? Parse(ClassDeclarationSyntax declaration, SemanticModel semanticModel, CancellationToken ct)
    {
        if (semanticModel.GetDeclaredSymbol(declaration, ct) is not INamedTypeSymbol type)
            return null;
        if (!HandlerMethods.DerivesFromProcessEvent(type))
            return null;
        // A class in several partial parts is generated once, from its first part.
        var first = type.DeclaringSyntaxReferences[0];
        if (first.SyntaxTree != declaration.SyntaxTree || first.Span != declaration.Span)
            return null;
        if (!WillGenerateFor(type, ct))
            return null;

        var levels = HandlerMethods.HandlerLevels(type);
        if (!levels.Any(l => l.Summary is not null || l.Methods.Any(m => m.HasAllowedSignature)))
            return null;
        ct.ThrowIfCancellationRequested();

        var targets = new List<(EventMask Event, int Rank, DispatchTarget Target)>();
        var handled = EventMask.None;
        var byRank = new EventMask[3];
        foreach (var evt in HandlerMethods.DispatchableEvents)
        {
            if (!HandlerMethods.FindWinner(levels, evt, out var depth, out var rank, out var winner))
                continue;
            byRank[rank] |= evt;
            // A default method stands for ALL_EVENTS only; the kernel sends UNMOUNT, Q_OVERFLOW and IGNORED unasked.
            if (rank != HandlerMethods.DefaultRank || (evt & EventMask.AllEvents) != 0)
                handled |= evt;
            targets.Add((evt, rank, TargetFor(winner, levels[depth].Type, depth, semanticModel.Compilation, type, ct)));
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

    /// <summary>
    /// True when the generator writes dispatch for <paramref name="type"/>: every part and every containing type
    /// is partial, and the user has not written DispatchEvent or HandledEvents by hand.
    /// </summary>
    private static bool WillGenerateFor(INamedTypeSymbol type, CancellationToken ct)
    {
        if (type.DeclaringSyntaxReferences.IsEmpty)
            return false;
        foreach (var r in type.DeclaringSyntaxReferences)
            if (r.GetSyntax(ct) is not ClassDeclarationSyntax c || !c.Modifiers.Any(SyntaxKind.PartialKeyword))
                return false;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            foreach (var r in outer.DeclaringSyntaxReferences)
                if (r.GetSyntax(ct) is not TypeDeclarationSyntax t || !t.Modifiers.Any(SyntaxKind.PartialKeyword))
                    return false;
        return !DeclaresDispatchMember(type);
    }

    private static bool DeclaresDispatchMember(INamedTypeSymbol type) =>
        type.GetMembers(HandlerMethods.DispatchMethodName).Any(m => !m.IsImplicitlyDeclared)
        || type.GetMembers(HandlerMethods.HandledEventsPropertyName).Any(m => !m.IsImplicitlyDeclared);

    /// <summary>True when a base class dispatches its own handler methods (generated here, or compiled elsewhere).</summary>
    private static bool HasOwnDispatch(INamedTypeSymbol type, CancellationToken ct) =>
        type.DeclaringSyntaxReferences.IsEmpty
            ? type.GetMembers(HandlerMethods.DispatchMethodName).Any(m => m is IMethodSymbol { IsOverride: true })
            : DeclaresDispatchMember(type) || WillGenerateFor(type, ct);

    private static DispatchTarget TargetFor(HandlerMethod? winner, INamedTypeSymbol declaring, int depth,
        Compilation compilation, INamedTypeSymbol type, CancellationToken ct)
    {
        var declaringName = Strip(declaring.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
        // A winner known only from a compiled base's summary: that base's own switch calls it.
        if (winner is null)
            return new DispatchTarget(null, false, false, declaringName + " (compiled handler)");
        var method = winner.Method;
        // The base's own switch picks this same method (nothing nearer the derived class outranks it), and it can
        // call a method that is private to the base.
        if (depth > 0 && (HasOwnDispatch(declaring, ct) || !compilation.IsSymbolAccessibleWithin(method, type)))
            return new DispatchTarget(null, false, false, declaringName + "." + method.Name);
        return new DispatchTarget(Escape(method.Name), winner.ReturnsBool, winner.TakesIn, null);
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
