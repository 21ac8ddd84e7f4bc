using InotifyGen;

namespace AotDaemon;

// Hand-written stand-in for what the InotifyGen source generator emits for SpoolHandler.
// Delete this file once the generator is referenced (it generates the same two overrides).
public sealed partial class SpoolHandler
{
    protected override EventMask HandledEvents => EventMask.CloseWrite;

    protected override bool DispatchEvent(in InotifyEvent e)
    {
        switch (e.EventType)
        {
            case EventMask.CloseWrite:
                process_IN_CLOSE_WRITE(e);
                return false;
            default:
                return base.DispatchEvent(in e);
        }
    }
}
