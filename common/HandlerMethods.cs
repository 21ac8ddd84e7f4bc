// Symbol-level rules for handler methods, shared (linked) by the generator and the analyzers so that what the
// generator dispatches and what the analyzers accept can never drift apart. Keep it free of generator-only types.
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace InotifyGen.Roslyn;

/// <summary>Where a method's handler meaning comes from.</summary>
internal enum HandlerSourceKind
{
    /// <summary>Its name, e.g. <c>process_IN_CREATE</c>.</summary>
    Name,
    /// <summary>A named attribute, e.g. <c>[OnCreate]</c>, <c>[OnClose]</c>, <c>[OnDefault]</c>.</summary>
    Attribute,
    /// <summary><c>[On(EventMask)]</c>: specialised for every event bit of its argument.</summary>
    MaskAttribute,
}

/// <summary>One reason a method is a handler: its name or one of its attributes.</summary>
internal sealed class HandlerSource
{
    public HandlerSource(HandlerSourceKind kind, HandlerName? handler, AttributeData? attribute,
        EventMask specialised, EventMask family, bool isDefault, EventMask nonEventBits = EventMask.None)
    {
        Kind = kind;
        Handler = handler;
        Attribute = attribute;
        Specialised = specialised;
        Family = family;
        IsDefault = isDefault;
        NonEventBits = nonEventBits;
    }

    public HandlerSourceKind Kind { get; }
    /// <summary>The table entry for a name or named attribute; null for <c>[On(mask)]</c>.</summary>
    public HandlerName? Handler { get; }
    /// <summary>The attribute (for its location and arguments); null for a name.</summary>
    public AttributeData? Attribute { get; }
    public EventMask Specialised { get; }
    public EventMask Family { get; }
    public bool IsDefault { get; }
    /// <summary>For <c>[On(mask)]</c>: bits of the argument that are not dispatchable events (IN_ISDIR, options, unnamed bits).</summary>
    public EventMask NonEventBits { get; }
}

/// <summary>Why a handler method's signature is not allowed (several can apply).</summary>
[System.Flags]
internal enum SignatureProblems
{
    None = 0,
    /// <summary>Returns something other than <c>void</c> or <c>bool</c>.</summary>
    ReturnType = 1,
    /// <summary>Does not take exactly one parameter.</summary>
    ParameterCount = 2,
    /// <summary>Its one parameter is not an <c>InotifyGen.InotifyEvent</c>.</summary>
    ParameterType = 4,
    /// <summary>Its one parameter is <c>ref</c>, <c>out</c> or <c>ref readonly</c> (only by value or <c>in</c>).</summary>
    ParameterRefKind = 8,
    /// <summary>The method is generic.</summary>
    Generic = 16,
    /// <summary>The method is static.</summary>
    Static = 32,
}

/// <summary>What one method means as a handler: the events it handles at each lookup rank, and whether its shape is allowed.</summary>
internal sealed class HandlerMethod
{
    public HandlerMethod(IMethodSymbol method, ImmutableArray<HandlerSource> sources, SignatureProblems problems)
    {
        Method = method;
        Sources = sources;
        Problems = problems;
        foreach (var s in sources)
        {
            Specialised |= s.Specialised;
            Family |= s.Family;
            IsDefault |= s.IsDefault;
        }
    }

    public IMethodSymbol Method { get; }
    /// <summary>Every name or attribute that makes it a handler (a method can carry several).</summary>
    public ImmutableArray<HandlerSource> Sources { get; }
    public SignatureProblems Problems { get; }
    /// <summary>True when the generator can call it: <c>void</c>/<c>bool</c>, one <c>InotifyEvent</c> by value or <c>in</c>, not generic, not static.</summary>
    public bool HasAllowedSignature => Problems == SignatureProblems.None;
    /// <summary>Events it handles as a specialised method (rank 0).</summary>
    public EventMask Specialised { get; }
    /// <summary>Events it handles as a family method (rank 1).</summary>
    public EventMask Family { get; }
    /// <summary>True when it is a default method (rank 2: every event nothing else handles, except IN_Q_OVERFLOW).</summary>
    public bool IsDefault { get; }
    public bool ReturnsBool => Method.ReturnType.SpecialType == SpecialType.System_Boolean;
    public bool TakesIn => Method.Parameters.Length == 1 && Method.Parameters[0].RefKind == RefKind.In;

    /// <summary>
    /// The rank at which it handles <paramref name="evt"/> (one dispatchable event): 0 specialised, 1 family,
    /// 2 default, or -1 when it does not. IN_Q_OVERFLOW only ever matches a specialised method, as in pyinotify.
    /// </summary>
    public int RankOf(EventMask evt)
    {
        if ((Specialised & evt) != 0)
            return HandlerMethods.SpecialisedRank;
        if (evt == EventMask.QueueOverflow)
            return -1;
        if ((Family & evt) != 0)
            return HandlerMethods.FamilyRank;
        if (IsDefault && (EventTable.AllDispatchable & evt) != 0)
            return HandlerMethods.DefaultRank;
        return -1;
    }
}

/// <summary>
/// What the generator recorded (as <c>[GeneratedHandler]</c>) about a handler class compiled in another assembly: the
/// events its whole hierarchy handles at each rank. It stands in for methods a derived class cannot see (private ones
/// are not imported from metadata).
/// </summary>
internal sealed class HandlerSummary
{
    public HandlerSummary(EventMask specialised, EventMask family, EventMask @default)
    {
        Specialised = specialised;
        Family = family;
        Default = @default;
    }

    public EventMask Specialised { get; }
    public EventMask Family { get; }
    /// <summary>The events that go to a default method.</summary>
    public EventMask Default { get; }

    /// <summary>Like <see cref="HandlerMethod.RankOf"/>: 0 specialised, 1 family, 2 default, -1 not handled.</summary>
    public int RankOf(EventMask evt) =>
        (Specialised & evt) != 0 ? HandlerMethods.SpecialisedRank
        : (Family & evt) != 0 ? HandlerMethods.FamilyRank
        : (Default & evt) != 0 ? HandlerMethods.DefaultRank
        : -1;
}

/// <summary>
/// One class of a handler hierarchy: the handler methods it declares, or (for a generated handler from another
/// assembly) the <see cref="HandlerSummary"/> of it and all its bases.
/// </summary>
internal sealed class HandlerLevel
{
    public HandlerLevel(INamedTypeSymbol type, ImmutableArray<HandlerMethod> methods, HandlerSummary? summary)
    {
        Type = type;
        Methods = methods;
        Summary = summary;
    }

    public INamedTypeSymbol Type { get; }
    public ImmutableArray<HandlerMethod> Methods { get; }
    public HandlerSummary? Summary { get; }
}

/// <summary>Classifies methods and types against the handler rules in <see cref="EventTable"/>.</summary>
internal static class HandlerMethods
{
    public const string Namespace = "InotifyGen";
    public const string ProcessEventName = "ProcessEvent";
    public const string ProcessEventMetadataName = "InotifyGen.ProcessEvent";
    public const string InotifyEventName = "InotifyEvent";
    public const string InotifyEventMetadataName = "InotifyGen.InotifyEvent";
    public const string HandlerAttributeMetadataName = "InotifyGen.HandlerAttribute";
    /// <summary>The attribute the generator puts on each handler class it compiles (see <see cref="HandlerSummary"/>).</summary>
    public const string GeneratedHandlerAttributeName = "GeneratedHandlerAttribute";
    /// <summary>The member the generator overrides with the switch.</summary>
    public const string DispatchMethodName = "DispatchEvent";
    /// <summary>The member the generator overrides with the union of handled events.</summary>
    public const string HandledEventsPropertyName = "HandledEvents";

    public const int SpecialisedRank = 0;
    public const int FamilyRank = 1;
    public const int DefaultRank = 2;

    /// <summary>Every event a handler can be dispatched, one bit each, in kernel order.</summary>
    public static readonly ImmutableArray<EventMask> DispatchableEvents = BuildDispatchable();

    private static ImmutableArray<EventMask> BuildDispatchable()
    {
        var b = ImmutableArray.CreateBuilder<EventMask>();
        foreach (var n in EventTable.Names)
            if (n.IsEvent)
                b.Add(n.Mask);
        return b.ToImmutable();
    }

    /// <summary>True for <c>InotifyGen.ProcessEvent</c> itself.</summary>
    public static bool IsProcessEvent(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: ProcessEventName, Arity: 0 } t && IsInRootNamespace(t);

    /// <summary>True when <paramref name="type"/> is a class deriving, directly or not, from <c>InotifyGen.ProcessEvent</c> (not ProcessEvent itself).</summary>
    public static bool DerivesFromProcessEvent(ITypeSymbol? type)
    {
        if (type is not { TypeKind: TypeKind.Class })
            return false;
        for (var b = type.BaseType; b is not null; b = b.BaseType)
            if (IsProcessEvent(b))
                return true;
        return false;
    }

    /// <summary>True for <c>InotifyGen.InotifyEvent</c>.</summary>
    public static bool IsInotifyEvent(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: InotifyEventName, Arity: 0 } t && IsInRootNamespace(t);

    /// <summary>True when the method's name starts with <c>process_</c>, valid or not (for the analyzers' misspelling checks).</summary>
    public static bool HasHandlerPrefix(IMethodSymbol method) =>
        method.Name.StartsWith(EventTable.HandlerPrefix, System.StringComparison.Ordinal);

    /// <summary>
    /// The handler meaning of one attribute: a named <c>[On...]</c> attribute, <c>[On(mask)]</c>, or null when the
    /// attribute is not one of InotifyGen's handler attributes.
    /// </summary>
    public static HandlerSource? ClassifyAttribute(AttributeData attribute)
    {
        var cls = attribute.AttributeClass;
        if (cls is null || cls.Arity != 0 || !IsInRootNamespace(cls))
            return null;
        if (cls.Name == EventTable.MaskAttribute)
        {
            // [On(EventMask)]: the argument is a compile-time constant; an erroneous one counts as no events.
            uint bits = 0;
            if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is { } v)
            {
                try { bits = System.Convert.ToUInt32(v, System.Globalization.CultureInfo.InvariantCulture); }
                catch (System.Exception ex) when (ex is System.OverflowException or System.InvalidCastException or System.FormatException) { bits = 0; }
            }
            var mask = (EventMask)bits;
            var events = mask & EventTable.AllDispatchable;
            return new HandlerSource(HandlerSourceKind.MaskAttribute, null, attribute, events, EventMask.None, false, mask & ~events);
        }
        var h = EventTable.FindHandlerByAttribute(cls.Name);
        return h is null ? null : new HandlerSource(HandlerSourceKind.Attribute, h, attribute, h.Specialised, h.Family, h.IsDefault);
    }

    /// <summary>
    /// What <paramref name="method"/> means as a handler, or null when it is not one (no valid handler name and no
    /// handler attribute). A non-null result may still have a signature the generator cannot call
    /// (<see cref="HandlerMethod.HasAllowedSignature"/>).
    /// </summary>
    public static HandlerMethod? Classify(IMethodSymbol method)
    {
        if (method.MethodKind != MethodKind.Ordinary)
            return null;
        ImmutableArray<HandlerSource>.Builder? sources = null;
        var byName = EventTable.FindHandler(method.Name);
        if (byName is not null)
            (sources ??= ImmutableArray.CreateBuilder<HandlerSource>()).Add(
                new HandlerSource(HandlerSourceKind.Name, byName, null, byName.Specialised, byName.Family, byName.IsDefault));
        foreach (var a in method.GetAttributes())
        {
            var s = ClassifyAttribute(a);
            if (s is not null)
                (sources ??= ImmutableArray.CreateBuilder<HandlerSource>()).Add(s);
        }
        return sources is null ? null : new HandlerMethod(method, sources.ToImmutable(), CheckSignature(method));
    }

    /// <summary>Checks the allowed shape: <c>void</c> or <c>bool</c>, exactly one <c>InotifyEvent</c> by value or <c>in</c>, not generic, not static.</summary>
    public static SignatureProblems CheckSignature(IMethodSymbol method)
    {
        var p = SignatureProblems.None;
        if (!method.ReturnsVoid && method.ReturnType.SpecialType != SpecialType.System_Boolean)
            p |= SignatureProblems.ReturnType;
        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
            p |= SignatureProblems.ReturnType;
        if (method.Parameters.Length != 1)
            p |= SignatureProblems.ParameterCount;
        else
        {
            var param = method.Parameters[0];
            if (!IsInotifyEvent(param.Type))
                p |= SignatureProblems.ParameterType;
            if (param.RefKind is not (RefKind.None or RefKind.In) || param.IsParams)
                p |= SignatureProblems.ParameterRefKind;
        }
        if (method.IsGenericMethod)
            p |= SignatureProblems.Generic;
        if (method.IsStatic)
            p |= SignatureProblems.Static;
        return p;
    }

    /// <summary>Every handler method declared directly in <paramref name="type"/>, in declaration order (any signature).</summary>
    public static ImmutableArray<HandlerMethod> HandlersDeclaredIn(INamedTypeSymbol type)
    {
        var b = ImmutableArray.CreateBuilder<HandlerMethod>();
        foreach (var m in type.GetMembers())
            if (m is IMethodSymbol method && Classify(method) is { } h)
                b.Add(h);
        return b.ToImmutable();
    }

    /// <summary>
    /// The types whose handler methods a handler class sees, most derived first: <paramref name="type"/> and its
    /// bases up to (not including) <c>ProcessEvent</c>. Empty when it does not derive from ProcessEvent.
    /// </summary>
    public static ImmutableArray<INamedTypeSymbol> HandlerHierarchy(INamedTypeSymbol type)
    {
        if (!DerivesFromProcessEvent(type))
            return ImmutableArray<INamedTypeSymbol>.Empty;
        var b = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
        for (INamedTypeSymbol? t = type; t is not null && !IsProcessEvent(t); t = t.BaseType)
            b.Add(t);
        return b.ToImmutable();
    }

    /// <summary>
    /// The levels a handler class sees, most derived first, up to (not including) ProcessEvent. A generated handler
    /// from another assembly ends the walk with its summary, since its private methods are invisible from here.
    /// </summary>
    public static ImmutableArray<HandlerLevel> HandlerLevels(INamedTypeSymbol type)
    {
        var b = ImmutableArray.CreateBuilder<HandlerLevel>();
        foreach (var t in HandlerHierarchy(type))
        {
            var summary = t.DeclaringSyntaxReferences.IsEmpty ? GeneratedSummary(t) : null;
            b.Add(new HandlerLevel(t, HandlersDeclaredIn(t), summary));
            if (summary is not null)
                break;
        }
        return b.ToImmutable();
    }

    /// <summary>The summary the generator recorded on <paramref name="type"/> (<c>[GeneratedHandler(s, f, d)]</c>), or null.</summary>
    public static HandlerSummary? GeneratedSummary(INamedTypeSymbol type)
    {
        foreach (var a in type.GetAttributes())
        {
            if (a.AttributeClass is not { Name: GeneratedHandlerAttributeName, Arity: 0 } cls || !IsInRootNamespace(cls)
                || a.ConstructorArguments.Length != 3)
                continue;
            return new HandlerSummary(MaskOf(a.ConstructorArguments[0]), MaskOf(a.ConstructorArguments[1]), MaskOf(a.ConstructorArguments[2]));
        }
        return null;
    }

    private static EventMask MaskOf(TypedConstant c) => c.Value is uint u ? (EventMask)u : EventMask.None;

    /// <summary>
    /// pyinotify's lookup for one event over <see cref="HandlerLevels"/>: the first specialised handler anywhere, else
    /// the first family one, else the first default one (allowed signatures only). Returns false when nothing handles
    /// it. <paramref name="method"/> is the winning method, or null when the winner is in a level's summary.
    /// </summary>
    public static bool FindWinner(ImmutableArray<HandlerLevel> levels, EventMask evt, out int depth, out int rank, out HandlerMethod? method)
    {
        for (rank = SpecialisedRank; rank <= DefaultRank; rank++)
            if (FindAtRank(levels, evt, rank, out depth, out method))
                return true;
        depth = -1;
        rank = -1;
        method = null;
        return false;
    }

    /// <summary>
    /// The first handler of <paramref name="evt"/> at one <paramref name="rank"/>, most derived first (allowed
    /// signatures only): the one the lookup would pick if nothing ranked before it. <paramref name="method"/> is null
    /// when it is in a level's summary. A summary records each event at its winning rank only.
    /// </summary>
    public static bool FindAtRank(ImmutableArray<HandlerLevel> levels, EventMask evt, int rank, out int depth, out HandlerMethod? method)
    {
        for (depth = 0; depth < levels.Length; depth++)
        {
            foreach (var h in levels[depth].Methods)
            {
                if (h.HasAllowedSignature && h.RankOf(evt) == rank)
                {
                    method = h;
                    return true;
                }
            }
            if (levels[depth].Summary is { } s && s.RankOf(evt) == rank)
            {
                method = null;
                return true;
            }
        }
        depth = -1;
        method = null;
        return false;
    }

    private static bool IsInRootNamespace(ISymbol symbol) =>
        symbol.ContainingType is null
        && symbol.ContainingNamespace is { Name: Namespace } ns && ns.ContainingNamespace is { IsGlobalNamespace: true };
}
