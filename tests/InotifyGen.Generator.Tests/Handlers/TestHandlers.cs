// Handler classes compiled by the generator under test (through the Analyzer project reference). Each method
// records its own name, so the tests see which one the generated switch called.
namespace InotifyGen.Generator.Tests.Handlers;

/// <summary>Specialised, family and default methods for the close events.</summary>
public sealed partial class CloseLookup : RecordingHandler
{
    void process_IN_CLOSE_WRITE(InotifyEvent e) => Record(nameof(process_IN_CLOSE_WRITE), e);
    void process_IN_CLOSE(InotifyEvent e) => Record(nameof(process_IN_CLOSE), e);
    void process_default(InotifyEvent e) => Record(nameof(process_default), e);
}

/// <summary>process_IN_DELETE is also the family of IN_DELETE_SELF.</summary>
public sealed partial class DeleteLookup : RecordingHandler
{
    void process_IN_DELETE(in InotifyEvent e) => Record(nameof(process_IN_DELETE), e);
    void process_default(InotifyEvent e) => Record(nameof(process_default), e);
}

/// <summary>process_IN_MOVED takes MOVED_FROM and MOVED_TO; process_IN_MOVE only MOVE_SELF.</summary>
public sealed partial class MoveLookup : RecordingHandler
{
    void process_IN_MOVED(InotifyEvent e) => Record(nameof(process_IN_MOVED), e);
    void process_IN_MOVE(InotifyEvent e) => Record(nameof(process_IN_MOVE), e);
    void process_default(InotifyEvent e) => Record(nameof(process_default), e);
}

/// <summary>The same rules through attributes.</summary>
public sealed partial class AttributeLookup : RecordingHandler
{
    [OnCreate] void Created(InotifyEvent e) => Record(nameof(Created), e);
    [On(EventMask.Delete | EventMask.Attrib)] void DeletedOrChanged(InotifyEvent e) => Record(nameof(DeletedOrChanged), e);
    [OnClose] void Closed(InotifyEvent e) => Record(nameof(Closed), e);
    [OnCloseNoWrite] void ClosedAfterReading(InotifyEvent e) => Record(nameof(ClosedAfterReading), e);
    [OnDefault] void Other(InotifyEvent e) => Record(nameof(Other), e);
}

/// <summary>Level one: a private specialised method and a family method.</summary>
public partial class Grandparent : RecordingHandler
{
    private void process_IN_CREATE(InotifyEvent e) => Record("Grandparent." + nameof(process_IN_CREATE), e);
    protected void process_IN_CLOSE(InotifyEvent e) => Record("Grandparent." + nameof(process_IN_CLOSE), e);
}

/// <summary>Level two: a default method and a virtual specialised one.</summary>
public partial class Parent : Grandparent
{
    protected virtual void process_IN_DELETE(InotifyEvent e) => Record("Parent." + nameof(process_IN_DELETE), e);
    void process_default(InotifyEvent e) => Record("Parent." + nameof(process_default), e);
}

/// <summary>Level three: a specialised attribute method and an override.</summary>
public sealed partial class Child : Parent
{
    protected override void process_IN_DELETE(InotifyEvent e) => Record("Child." + nameof(process_IN_DELETE), e);
    [OnCloseWrite] void Written(InotifyEvent e) => Record("Child." + nameof(Written), e);
}

/// <summary>A chain filter: returns true (stop) for names starting with "skip", like a pyinotify pevent.</summary>
public sealed partial class SkipFilter : RecordingHandler
{
    bool process_default(InotifyEvent e)
    {
        Record(nameof(process_default), e);
        return e.Name.StartsWith("skip", StringComparison.Ordinal);
    }
}

/// <summary>Stops the chain for IN_CREATE only: a bool specialised method next to a void default.</summary>
public sealed partial class StopCreates : RecordingHandler
{
    bool process_IN_CREATE(InotifyEvent e)
    {
        Record(nameof(process_IN_CREATE), e);
        return true;
    }

    void process_default(InotifyEvent e) => Record(nameof(process_default), e);
}

/// <summary>Records every event; runs after whatever handler it is given as <c>next</c>.</summary>
public sealed partial class Collector : RecordingHandler
{
    public Collector(ProcessEvent? next = null) : base(next)
    {
    }

    void process_default(InotifyEvent e) => Record(nameof(process_default), e);
}

/// <summary>A default method and a specialised overflow method: only the latter sees IN_Q_OVERFLOW.</summary>
public sealed partial class OverflowAware : RecordingHandler
{
    public OverflowAware(ProcessEvent? next = null) : base(next)
    {
    }

    [OnQueueOverflow] void Overflowed(InotifyEvent e) => Record(nameof(Overflowed), e);
    void process_default(InotifyEvent e) => Record(nameof(process_default), e);
}

/// <summary>README's first example, recording instead of printing.</summary>
public sealed partial class ReadmeHandler : RecordingHandler
{
    void process_IN_CREATE(InotifyEvent e) => Record(nameof(process_IN_CREATE), e);
    [OnDelete] void Removing(InotifyEvent e) => Record(nameof(Removing), e);
}

/// <summary>A generic handler nested in a generic class.</summary>
public static partial class Outer<TOuter>
{
    public sealed partial class Nested<TInner> : RecordingHandler
    {
        void process_IN_CREATE(InotifyEvent e) => Record(typeof(TOuter).Name + "." + typeof(TInner).Name, e);
    }
}

/// <summary>A generated base whose specialised handler is virtual.</summary>
public partial class VirtualBase : RecordingHandler
{
    protected virtual void process_IN_CREATE(InotifyEvent e) => Record("VirtualBase.process_IN_CREATE", e);
    void process_default(InotifyEvent e) => Record(nameof(process_default), e);
}

/// <summary>Not partial, and needs not be: it only overrides, and the base's switch calls the override.</summary>
public sealed class OverrideOnly : VirtualBase
{
    protected override void process_IN_CREATE(InotifyEvent e) => Record("OverrideOnly.process_IN_CREATE", e);
}

/// <summary>Two handler classes whose names differ only in case: their generated files must not clash (CS8785).</summary>
public sealed partial class Uploads : RecordingHandler
{
    [OnCreate] void Created(InotifyEvent e) => Record("Uploads.Created", e);
}

/// <summary>See <see cref="Uploads"/>.</summary>
public sealed partial class UpLoads : RecordingHandler
{
    [OnCreate] void Created(InotifyEvent e) => Record("UpLoads.Created", e);
}

/// <summary>Complete files by attribute and by name (IN_FILE_COMPLETE is InotifyGen's own event).</summary>
public sealed partial class CompleteFiles : RecordingHandler
{
    [OnFileComplete] void Complete(InotifyEvent e) => Record(nameof(Complete), e);
}

/// <summary>The name form, beside a default method, which a watch without a mask does not ask for IN_FILE_COMPLETE.</summary>
public sealed partial class CompleteFilesByName : RecordingHandler
{
    void process_IN_FILE_COMPLETE(InotifyEvent e) => Record(nameof(process_IN_FILE_COMPLETE), e);
    void process_default(InotifyEvent e) => Record(nameof(process_default), e);
}
