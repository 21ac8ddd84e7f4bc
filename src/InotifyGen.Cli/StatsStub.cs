namespace InotifyGen.Cli;

// TEMPORARY until branch `gen` lands src/InotifyGen/Handlers/Stats.cs; deleted at that merge.
internal sealed class Stats : ProcessEvent
{
    protected override EventMask HandledEvents => EventMask.AllEvents;
    public string Repr() => "<Stats >";
}
