// The single table of event names and handler names. Compiled into the runtime and linked into the
// generator and analyzers, so MaskName, the generated dispatch and the diagnostics share one truth.
using System;
using System.Collections.Generic;

namespace InotifyGen;

/// <summary>One named bit: an event (which a handler can receive) or a flag (which it cannot).</summary>
internal sealed class EventName
{
    public EventName(string name, EventMask mask, string? attribute, string? notAnEventBecause = null)
    {
        Name = name;
        Mask = mask;
        Attribute = attribute;
        NotAnEventBecause = notAnEventBecause;
    }

    /// <summary>The IN_* name, e.g. <c>IN_CLOSE_WRITE</c>.</summary>
    public string Name { get; }
    public EventMask Mask { get; }
    /// <summary>The attribute class name that handles exactly this event, e.g. <c>OnCloseWriteAttribute</c>.</summary>
    public string? Attribute { get; }
    /// <summary>For a flag: why no handler can ever be called for it. Null for events.</summary>
    public string? NotAnEventBecause { get; }
    public bool IsEvent => NotAnEventBecause is null;
}

/// <summary>
/// A valid handler name (<c>process_IN_CREATE</c>, <c>process_IN_CLOSE</c>, <c>process_default</c>) and the
/// events it receives, split by pyinotify's lookup rank: specialised beats family beats default.
/// </summary>
internal sealed class HandlerName
{
    public HandlerName(string methodName, string? attribute, EventMask specialised, EventMask family, bool isDefault = false)
    {
        MethodName = methodName;
        Attribute = attribute;
        Specialised = specialised;
        Family = family;
        IsDefault = isDefault;
    }

    public string MethodName { get; }
    /// <summary>The attribute that means the same as this name, if there is one.</summary>
    public string? Attribute { get; }
    public EventMask Specialised { get; }
    public EventMask Family { get; }
    public bool IsDefault { get; }
    public EventMask Handles => IsDefault ? EventTable.AllDispatchable : Specialised | Family;
}

internal static class EventTable
{
    public const string HandlerPrefix = "process_";
    public const string DefaultMethodName = "process_default";
    public const string AttributeNamespace = "InotifyGen";
    public const string DefaultAttribute = "OnDefaultAttribute";
    /// <summary><c>[On(EventMask)]</c>: specialised for every event bit in its argument.</summary>
    public const string MaskAttribute = "OnAttribute";

    /// <summary>Every named bit in kernel order; events first, then flags.</summary>
    public static readonly EventName[] Names =
    {
        new("IN_ACCESS", EventMask.Access, "OnAccessAttribute"),
        new("IN_MODIFY", EventMask.Modify, "OnModifyAttribute"),
        new("IN_ATTRIB", EventMask.Attrib, "OnAttribAttribute"),
        new("IN_CLOSE_WRITE", EventMask.CloseWrite, "OnCloseWriteAttribute"),
        new("IN_CLOSE_NOWRITE", EventMask.CloseNoWrite, "OnCloseNoWriteAttribute"),
        new("IN_OPEN", EventMask.Open, "OnOpenAttribute"),
        new("IN_MOVED_FROM", EventMask.MovedFrom, "OnMovedFromAttribute"),
        new("IN_MOVED_TO", EventMask.MovedTo, "OnMovedToAttribute"),
        new("IN_CREATE", EventMask.Create, "OnCreateAttribute"),
        new("IN_DELETE", EventMask.Delete, "OnDeleteAttribute"),
        new("IN_DELETE_SELF", EventMask.DeleteSelf, "OnDeleteSelfAttribute"),
        new("IN_MOVE_SELF", EventMask.MoveSelf, "OnMoveSelfAttribute"),
        new("IN_FILE_COMPLETE", EventMask.FileComplete, "OnFileCompleteAttribute"),
        new("IN_UNMOUNT", EventMask.Unmount, "OnUnmountAttribute"),
        new("IN_Q_OVERFLOW", EventMask.QueueOverflow, "OnQueueOverflowAttribute"),
        new("IN_IGNORED", EventMask.Ignored, "OnIgnoredAttribute"),
        new("IN_ONLYDIR", EventMask.OnlyDir, null,
            "IN_ONLYDIR is an option for AddWatch (watch the path only if it is a directory); the kernel never reports it"),
        new("IN_DONT_FOLLOW", EventMask.DontFollow, null,
            "IN_DONT_FOLLOW is an option for AddWatch (do not follow a symbolic link); the kernel never reports it"),
        new("IN_EXCL_UNLINK", EventMask.ExclUnlink, null,
            "IN_EXCL_UNLINK is an option for AddWatch (ignore children once unlinked); the kernel never reports it"),
        new("IN_MASK_ADD", EventMask.MaskAdd, null,
            "IN_MASK_ADD is an option for AddWatch (add to the existing mask); the kernel never reports it"),
        new("IN_ISDIR", EventMask.IsDir, null,
            "IN_ISDIR is only ever piggybacked onto another event; test InotifyEvent.IsDir in that event's handler instead"),
        new("IN_ONESHOT", EventMask.OneShot, null,
            "IN_ONESHOT is an option for AddWatch (remove the watch after one event); the kernel never reports it"),
        new("ALL_EVENTS", EventMask.AllEvents, null,
            "ALL_EVENTS is a mask of every event, not an event; handle each event, or use process_default"),
    };

    /// <summary>Every event a handler can be dispatched.</summary>
    public const EventMask AllDispatchable = UserEvents | EventMask.Unmount | EventMask.QueueOverflow | EventMask.Ignored;

    /// <summary>Every event a watch can ask for: the kernel's <see cref="EventMask.AllEvents"/> and InotifyGen's own <see cref="EventMask.FileComplete"/>.</summary>
    public const EventMask UserEvents = EventMask.AllEvents | EventMask.FileComplete;

    /// <summary>The family names, pyinotify's <c>'process_IN_' + maskname.split('_')[1]</c> where it differs from an event.</summary>
    private static readonly HandlerName[] Families =
    {
        new("process_IN_CLOSE", "OnCloseAttribute", EventMask.None, EventMask.CloseWrite | EventMask.CloseNoWrite),
        new("process_IN_MOVED", "OnMovedAttribute", EventMask.None, EventMask.MovedFrom | EventMask.MovedTo),
        new("process_IN_MOVE", null, EventMask.None, EventMask.MoveSelf),
    };

    /// <summary>Every valid handler method name, with the events each receives at each rank.</summary>
    public static readonly HandlerName[] Handlers = BuildHandlers();

    private static HandlerName[] BuildHandlers()
    {
        var list = new List<HandlerName>();
        foreach (var n in Names)
        {
            if (!n.IsEvent)
                continue;
            // IN_DELETE is also the family of IN_DELETE_SELF.
            var family = n.Mask == EventMask.Delete ? EventMask.DeleteSelf : EventMask.None;
            list.Add(new HandlerName(HandlerPrefix + n.Name, n.Attribute, n.Mask, family));
        }
        list.AddRange(Families);
        list.Add(new HandlerName(DefaultMethodName, DefaultAttribute, EventMask.None, EventMask.None, isDefault: true));
        return list.ToArray();
    }

    /// <summary>The handler name entry for a method name (exact, case-sensitive), or null.</summary>
    public static HandlerName? FindHandler(string methodName)
    {
        foreach (var h in Handlers)
            if (h.MethodName == methodName)
                return h;
        return null;
    }

    /// <summary>The handler name entry an attribute class name stands for, or null.</summary>
    public static HandlerName? FindHandlerByAttribute(string attributeClassName)
    {
        foreach (var h in Handlers)
            if (h.Attribute == attributeClassName)
                return h;
        return null;
    }

    /// <summary>The flag (not an event) a <c>process_*</c> name refers to, or null.</summary>
    public static EventName? FindNonEvent(string methodName)
    {
        foreach (var n in Names)
            if (!n.IsEvent && methodName == HandlerPrefix + n.Name)
                return n;
        return null;
    }

    /// <summary>The IN_* name of one bit, or null.</summary>
    public static string? NameOf(EventMask bit)
    {
        foreach (var n in Names)
            if (n.Mask == bit)
                return n.Name;
        return null;
    }
}
