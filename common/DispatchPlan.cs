// The dispatch of one handler class: which method (or which base class's own switch) each event goes to. The
// generator writes exactly this plan and the analyzers check exactly this plan; neither works it out on its own.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace InotifyGen.Roslyn;

/// <summary>Where one event goes in a <see cref="DispatchPlan"/>.</summary>
internal sealed class DispatchEntry
{
    public DispatchEntry(EventMask @event, int rank, int depth, HandlerLevel level, HandlerMethod? method, bool viaBase)
    {
        Event = @event;
        Rank = rank;
        Depth = depth;
        Level = level;
        Method = method;
        ViaBase = viaBase;
    }

    /// <summary>The event (one bit).</summary>
    public EventMask Event { get; }
    /// <summary>The rank of the winning handler: specialised, family or default.</summary>
    public int Rank { get; }
    /// <summary>How far up the hierarchy the winner is declared: 0 for the class itself.</summary>
    public int Depth { get; }
    /// <summary>The class of the hierarchy that declares the winner (or whose summary holds it).</summary>
    public HandlerLevel Level { get; }
    /// <summary>The winning method, or null when it is known only from a compiled base's summary.</summary>
    public HandlerMethod? Method { get; }
    /// <summary>
    /// True when the class's switch hands the event to <c>base.DispatchEvent</c>: the base's own switch picks the same
    /// method (and can call one private to it).
    /// </summary>
    public bool ViaBase { get; }
}

/// <summary>
/// pyinotify's lookup applied once to a handler class: for each event, the winning method over
/// <see cref="HandlerMethods.HandlerLevels"/>, and how the class's switch reaches it.
/// </summary>
internal sealed class DispatchPlan
{
    private DispatchPlan(INamedTypeSymbol type, ImmutableArray<HandlerLevel> levels, ImmutableArray<DispatchEntry> entries,
        bool handWrittenLevel)
    {
        Type = type;
        Levels = levels;
        Entries = entries;
        HasHandWrittenLevel = handWrittenLevel;
        var received = new Dictionary<IMethodSymbol, EventMask>(SymbolEqualityComparer.Default);
        foreach (var e in entries)
        {
            if (e.Method is null)
            {
                ReceivedBySummary |= e.Event;
                continue;
            }
            received.TryGetValue(e.Method.Method, out var events);
            received[e.Method.Method] = events | e.Event;
        }
        Received = received;
    }

    /// <summary>The name of the tool the generated members' <c>[GeneratedCode]</c> names.</summary>
    public const string GeneratorName = "InotifyGen.Generator";

    public INamedTypeSymbol Type { get; }

    /// <summary>The class and each base up to ProcessEvent (or up to a compiled generated handler), most derived first.</summary>
    public ImmutableArray<HandlerLevel> Levels { get; }

    /// <summary>One entry per handled event, in kernel order.</summary>
    public ImmutableArray<DispatchEntry> Entries { get; }

    /// <summary>
    /// True when a class of the hierarchy dispatches by hand (<see cref="WritesOwnDispatch"/>): which method its switch
    /// calls is then unknown, so the analyzers' dispatch rules stay silent.
    /// </summary>
    public bool HasHandWrittenLevel { get; }

    /// <summary>Each method called for some event, with the events it is called for.</summary>
    public IReadOnlyDictionary<IMethodSymbol, EventMask> Received { get; }

    /// <summary>The events that reach a compiled base handler's methods, known only from its summary.</summary>
    public EventMask ReceivedBySummary { get; }

    /// <summary>The compiled base handler whose summary ends <see cref="Levels"/>, or null.</summary>
    public INamedTypeSymbol? SummaryType =>
        !Levels.IsEmpty && Levels[Levels.Length - 1].Summary is not null ? Levels[Levels.Length - 1].Type : null;

    /// <summary>Every event some method is called for.</summary>
    public EventMask Handled
    {
        get
        {
            var all = EventMask.None;
            foreach (var e in Entries)
                all |= e.Event;
            return all;
        }
    }

    /// <summary>
    /// The plan of <paramref name="type"/>, or null when it does not derive from ProcessEvent. With a
    /// <paramref name="compilation"/>, an inherited method the class cannot call is reached through the base's switch.
    /// </summary>
    public static DispatchPlan? For(INamedTypeSymbol type, Compilation? compilation, CancellationToken ct)
    {
        var levels = HandlerMethods.HandlerLevels(type);
        if (levels.IsEmpty)
            return null;
        var handWritten = false;
        foreach (var level in levels)
            handWritten |= WritesOwnDispatch(level.Type);
        var entries = ImmutableArray.CreateBuilder<DispatchEntry>();
        // Whether each base dispatches itself, worked out once per base rather than once per event.
        var dispatchesItself = new bool?[levels.Length];
        foreach (var evt in HandlerMethods.DispatchableEvents)
        {
            if (!HandlerMethods.FindWinner(levels, evt, out var depth, out var rank, out var winner))
                continue;
            var viaBase = winner is null
                || (depth > 0 && ((dispatchesItself[depth] ??= DispatchesItself(levels[depth].Type, ct))
                    || (compilation is not null && !compilation.IsSymbolAccessibleWithin(winner.Method, type))));
            entries.Add(new DispatchEntry(evt, rank, depth, levels[depth], winner, viaBase));
        }
        return new DispatchPlan(type, levels, entries.ToImmutable(), handWritten);
    }

    /// <summary>
    /// The one definition of "the class writes its own dispatch": it declares DispatchEvent or HandledEvents, other
    /// than the generator's output (which carries <c>[GeneratedCode("InotifyGen.Generator")]</c>). The generator
    /// leaves such a class alone, and so do the analyzers.
    /// </summary>
    public static bool WritesOwnDispatch(INamedTypeSymbol type) =>
        DeclaresByHand(type, HandlerMethods.DispatchMethodName) || DeclaresByHand(type, HandlerMethods.HandledEventsPropertyName);

    private static bool DeclaresByHand(INamedTypeSymbol type, string name)
    {
        foreach (var member in type.GetMembers(name))
            if (!member.IsImplicitlyDeclared && !IsGenerated(member))
                return true;
        return false;
    }

    private static bool IsGenerated(ISymbol member)
    {
        foreach (var a in member.GetAttributes())
            if (a.AttributeClass is { Name: "GeneratedCodeAttribute" }
                && a.ConstructorArguments.Length == 2 && a.ConstructorArguments[0].Value is GeneratorName)
                return true;
        return false;
    }

    /// <summary>True when <paramref name="type"/>'s own switch dispatches its handlers: by hand, generated here, or compiled elsewhere.</summary>
    public static bool DispatchesItself(INamedTypeSymbol type, CancellationToken ct) =>
        type.DeclaringSyntaxReferences.IsEmpty
            ? HandlerMethods.GeneratedSummary(type) is not null || OverridesDispatch(type)
            : WritesOwnDispatch(type) || CanGenerateFor(type, ct);

    private static bool OverridesDispatch(INamedTypeSymbol type)
    {
        foreach (var m in type.GetMembers(HandlerMethods.DispatchMethodName))
            if (m is IMethodSymbol { IsOverride: true })
                return true;
        return false;
    }

    /// <summary>
    /// True when the generator can add dispatch to <paramref name="type"/>: declared in source, every part and every
    /// containing type partial, none of them file-local, and no dispatch written by hand.
    /// </summary>
    public static bool CanGenerateFor(INamedTypeSymbol type, CancellationToken ct)
    {
        if (type.DeclaringSyntaxReferences.IsEmpty || IsFileLocal(type))
            return false;
        for (var t = type; t is not null; t = t.ContainingType)
            foreach (var r in t.DeclaringSyntaxReferences)
                if (r.GetSyntax(ct) is not TypeDeclarationSyntax d || !d.Modifiers.Any(SyntaxKind.PartialKeyword))
                    return false;
        return !WritesOwnDispatch(type);
    }

    /// <summary>True when the type or a type containing it is <c>file</c>-local: no other file (so no generated one) can add to it.</summary>
    public static bool IsFileLocal(INamedTypeSymbol type)
    {
        for (var t = type; t is not null; t = t.ContainingType)
            if (t.IsFileLocal)
                return true;
        return false;
    }

    /// <summary>
    /// True when the switch of the nearest base that dispatches itself already calls every handler of this class:
    /// each event goes to the method that base's plan picks, or to an override of it, which its virtual call
    /// reaches. Such a class (one that only overrides inherited handlers) needs no dispatch of its own.
    /// </summary>
    public bool BaseDispatchReachesEveryHandler(CancellationToken ct)
    {
        var dispatching = Type.BaseType;
        while (dispatching is not null && HandlerMethods.DerivesFromProcessEvent(dispatching) && !DispatchesItself(dispatching, ct))
            dispatching = dispatching.BaseType;
        if (dispatching is null || !HandlerMethods.DerivesFromProcessEvent(dispatching))
            return false;
        var basePlan = For(dispatching, null, ct);
        if (basePlan is null || basePlan.Entries.Length != Entries.Length)
            return false;
        for (var i = 0; i < Entries.Length; i++)
        {
            var (mine, theirs) = (Entries[i], basePlan.Entries[i]);
            if (mine.Event != theirs.Event || mine.Rank != theirs.Rank)
                return false;
            if (mine.Method is null || theirs.Method is null)
            {
                if (mine.Method is not null || theirs.Method is not null)
                    return false;
                continue;   // both from the same compiled base's summary
            }
            if (!SymbolEqualityComparer.Default.Equals(mine.Method.Method, theirs.Method.Method) && !Overrides(mine.Method.Method, theirs.Method.Method))
                return false;
        }
        return true;
    }

    private static bool Overrides(IMethodSymbol method, IMethodSymbol baseMethod)
    {
        for (var m = method.OverriddenMethod; m is not null; m = m.OverriddenMethod)
            if (SymbolEqualityComparer.Default.Equals(m.OriginalDefinition, baseMethod.OriginalDefinition))
                return true;
        return false;
    }
}
