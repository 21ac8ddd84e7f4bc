namespace InotifyGen.Generator.Tests.Handlers;

/// <summary>A handler whose methods only count, for measuring what the generated dispatch itself allocates.</summary>
public sealed partial class CountingHandler : ProcessEvent
{
    public int Created, Closed, Moved, Stopped, Other;

    void process_IN_CREATE(InotifyEvent e) => Created++;
    void process_IN_CLOSE(in InotifyEvent e) => Closed++;
    [OnMoved] void OnMoved(InotifyEvent e) => Moved++;
    [OnDelete] bool Deleted(InotifyEvent e) => ++Stopped % 2 == 0;
    void process_default(InotifyEvent e) => Other++;
}
