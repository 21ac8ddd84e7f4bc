namespace InotifyGen;

// Each attribute is another spelling of a handler name in EventTable: [OnCreate] means process_IN_CREATE,
// [OnClose] means process_IN_CLOSE, [OnDefault] means process_default. A test keeps the two in step.

/// <summary>Base of the <c>[On...]</c> attributes that mark a method of a partial <see cref="ProcessEvent"/> class as a handler.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public abstract class HandlerAttribute : Attribute;

/// <summary>Handles IN_ACCESS, like <c>process_IN_ACCESS</c>.</summary>
public sealed class OnAccessAttribute : HandlerAttribute;
/// <summary>Handles IN_MODIFY, like <c>process_IN_MODIFY</c>.</summary>
public sealed class OnModifyAttribute : HandlerAttribute;
/// <summary>Handles IN_ATTRIB, like <c>process_IN_ATTRIB</c>.</summary>
public sealed class OnAttribAttribute : HandlerAttribute;
/// <summary>Handles IN_CLOSE_WRITE, like <c>process_IN_CLOSE_WRITE</c>.</summary>
public sealed class OnCloseWriteAttribute : HandlerAttribute;
/// <summary>Handles IN_CLOSE_NOWRITE, like <c>process_IN_CLOSE_NOWRITE</c>.</summary>
public sealed class OnCloseNoWriteAttribute : HandlerAttribute;
/// <summary>Handles IN_OPEN, like <c>process_IN_OPEN</c>.</summary>
public sealed class OnOpenAttribute : HandlerAttribute;
/// <summary>Handles IN_MOVED_FROM, like <c>process_IN_MOVED_FROM</c>.</summary>
public sealed class OnMovedFromAttribute : HandlerAttribute;
/// <summary>Handles IN_MOVED_TO, like <c>process_IN_MOVED_TO</c>.</summary>
public sealed class OnMovedToAttribute : HandlerAttribute;
/// <summary>Handles IN_CREATE, like <c>process_IN_CREATE</c>.</summary>
public sealed class OnCreateAttribute : HandlerAttribute;
/// <summary>Handles IN_DELETE, and IN_DELETE_SELF when nothing more specific does, like <c>process_IN_DELETE</c>.</summary>
public sealed class OnDeleteAttribute : HandlerAttribute;
/// <summary>Handles IN_DELETE_SELF, like <c>process_IN_DELETE_SELF</c>.</summary>
public sealed class OnDeleteSelfAttribute : HandlerAttribute;
/// <summary>Handles IN_MOVE_SELF, like <c>process_IN_MOVE_SELF</c>.</summary>
public sealed class OnMoveSelfAttribute : HandlerAttribute;
/// <summary>Handles IN_FILE_COMPLETE (InotifyGen's own event: a regular file complete, once per arrival), like <c>process_IN_FILE_COMPLETE</c>.</summary>
public sealed class OnFileCompleteAttribute : HandlerAttribute;
/// <summary>Handles IN_UNMOUNT, like <c>process_IN_UNMOUNT</c>.</summary>
public sealed class OnUnmountAttribute : HandlerAttribute;
/// <summary>Handles IN_Q_OVERFLOW, like <c>process_IN_Q_OVERFLOW</c>. Only the notifier's default handler ever sees it.</summary>
public sealed class OnQueueOverflowAttribute : HandlerAttribute;
/// <summary>Handles IN_IGNORED, like <c>process_IN_IGNORED</c>.</summary>
public sealed class OnIgnoredAttribute : HandlerAttribute;
/// <summary>Handles IN_CLOSE_WRITE and IN_CLOSE_NOWRITE when nothing more specific does, like <c>process_IN_CLOSE</c>.</summary>
public sealed class OnCloseAttribute : HandlerAttribute;
/// <summary>Handles IN_MOVED_FROM and IN_MOVED_TO when nothing more specific does, like <c>process_IN_MOVED</c>.</summary>
public sealed class OnMovedAttribute : HandlerAttribute;
/// <summary>Handles every event that no other method handles, like <c>process_default</c>.</summary>
public sealed class OnDefaultAttribute : HandlerAttribute;

/// <summary>Handles every event in <see cref="Events"/>, each as its specialised method: <c>[On(EventMask.Create | EventMask.Delete)]</c>.</summary>
public sealed class OnAttribute : HandlerAttribute
{
    /// <summary>Marks a handler for <paramref name="events"/>.</summary>
    public OnAttribute(EventMask events) => Events = events;

    /// <summary>The events handled.</summary>
    public EventMask Events { get; }
}
