using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using InotifyGen.Roslyn;
using Microsoft.CodeAnalysis;

namespace InotifyGen.Analyzers;

/// <summary>
/// The dispatch the generator builds for one handler type, worked out with the generator's own rules
/// (<see cref="HandlerMethods.FindWinner(ImmutableArray{ImmutableArray{HandlerMethod}}, EventMask, out int, out int)"/>): which method each event reaches.
/// </summary>
internal sealed class HandlerDispatch
{
    private HandlerDispatch(INamedTypeSymbol type, ImmutableArray<ImmutableArray<HandlerMethod>> hierarchy,
        Dictionary<IMethodSymbol, EventMask> received)
    {
        Type = type;
        Hierarchy = hierarchy;
        Received = received;
    }

    public INamedTypeSymbol Type { get; }

    /// <summary>The handler methods of the type and each base up to ProcessEvent, most derived first.</summary>
    public ImmutableArray<ImmutableArray<HandlerMethod>> Hierarchy { get; }

    /// <summary>Each method that is called for some event, and the events it is called for.</summary>
    public Dictionary<IMethodSymbol, EventMask> Received { get; }

    /// <summary>Every event some method is called for.</summary>
    public EventMask Handled
    {
        get
        {
            var all = EventMask.None;
            foreach (var m in Received.Values)
                all |= m;
            return all;
        }
    }

    /// <summary>
    /// The dispatch of <paramref name="type"/>, or null when it does not derive from ProcessEvent or a class of its
    /// hierarchy dispatches by hand (then nothing is known about which method gets which event).
    /// </summary>
    public static HandlerDispatch? For(INamedTypeSymbol type)
    {
        var types = HandlerMethods.HandlerHierarchy(type);
        if (types.IsEmpty)
            return null;
        foreach (var t in types)
            if (HasHandWrittenDispatch(t))
                return null;
        var b = ImmutableArray.CreateBuilder<ImmutableArray<HandlerMethod>>(types.Length);
        foreach (var t in types)
            b.Add(HandlerMethods.HandlersDeclaredIn(t));
        var hierarchy = b.MoveToImmutable();
        var received = new Dictionary<IMethodSymbol, EventMask>(SymbolEqualityComparer.Default);
        foreach (var evt in HandlerMethods.DispatchableEvents)
        {
            var winner = HandlerMethods.FindWinner(hierarchy, evt, out _, out _);
            if (winner is null)
                continue;
            received.TryGetValue(winner.Method, out var events);
            received[winner.Method] = events | evt;
        }
        return new HandlerDispatch(type, hierarchy, received);
    }

    /// <summary>
    /// True when the class itself declares DispatchEvent or HandledEvents, other than the generator's output (which
    /// carries [GeneratedCode]): the generator leaves such a class alone, and so do these rules.
    /// </summary>
    public static bool HasHandWrittenDispatch(INamedTypeSymbol type) =>
        HasHandWritten(type, HandlerMethods.DispatchMethodName) || HasHandWritten(type, HandlerMethods.HandledEventsPropertyName);

    private static bool HasHandWritten(INamedTypeSymbol type, string name)
    {
        foreach (var member in type.GetMembers(name))
        {
            if (member.IsImplicitlyDeclared)
                continue;
            var generated = false;
            foreach (var a in member.GetAttributes())
                generated |= a.AttributeClass is { Name: "GeneratedCodeAttribute" };
            if (!generated)
                return true;
        }
        return false;
    }

    /// <summary>"IN_CREATE", "IN_CLOSE_WRITE and IN_CLOSE_NOWRITE", "IN_A, IN_B and IN_C", in kernel order.</summary>
    public static string DescribeEvents(EventMask events)
    {
        var names = new List<string>();
        foreach (var n in EventTable.Names)
            if (n.IsEvent && (events & n.Mask) != 0)
                names.Add(n.Name);
        return JoinAnd(names);
    }

    /// <summary>A mask as the IN_* names of its bits joined by '|', as pyinotify's maskname writes it.</summary>
    public static string DescribeMask(EventMask mask)
    {
        if (mask == EventMask.AllEvents)
            return "ALL_EVENTS";
        var sb = new StringBuilder();
        var rest = mask;
        foreach (var n in EventTable.Names)
        {
            if (n.Mask == EventMask.AllEvents || (mask & n.Mask) != n.Mask)
                continue;
            if (sb.Length > 0)
                sb.Append('|');
            sb.Append(n.Name);
            rest &= ~n.Mask;
        }
        if (rest != 0)
            sb.Append(sb.Length > 0 ? "|" : "").Append("0x").Append(((uint)rest).ToString("x", System.Globalization.CultureInfo.InvariantCulture));
        return sb.Length == 0 ? "0" : sb.ToString();
    }

    /// <summary>"a", "a and b", "a, b and c".</summary>
    public static string JoinAnd(IReadOnlyList<string> items)
    {
        if (items.Count == 0)
            return "";
        if (items.Count == 1)
            return items[0];
        var sb = new StringBuilder();
        for (var i = 0; i < items.Count - 1; i++)
        {
            if (i > 0)
                sb.Append(", ");
            sb.Append(items[i]);
        }
        return sb.Append(" and ").Append(items[items.Count - 1]).ToString();
    }
}
