using InotifyGen.Analyzers.Tests.Support;

namespace InotifyGen.Analyzers.Tests;

/// <summary>IGEN008 and IGEN010 (AddWatch's mask against its handler) and IGEN009 (an overflow handler used per watch).</summary>
public class UsageTests
{
    private const string Creations = """
        using InotifyGen;
        using static InotifyGen.EventsCodes;

        partial class Creations : ProcessEvent
        {
            void process_IN_CREATE(InotifyEvent e) { }
            [OnDelete] void Gone(InotifyEvent e) { }
        }

        """;

    private static string Nothing(string mask) =>
        $"The mask {mask} excludes every event 'Creations' handles (IN_CREATE, IN_DELETE and IN_DELETE_SELF), so nothing is ever dispatched to it from this watch";

    [Fact]
    public Task MaskSharingNoEventWithTheHandler_IsReportedOnTheMask() =>
        Verify.AnalyzerAsync(Creations + """
            static class Program
            {
                static void Watch(WatchManager wm, int wd)
                {
                    wm.AddWatch("/tmp", [|EventMask.Modify|], handler: new Creations());
                    wm.AddWatch(["/a", "/b"], [|IN_MODIFY | IN_ATTRIB|], new Creations(), recursive: true);
                    wm.AddWatch(handler: new Creations(), path: "/tmp", mask: [|EventMask.Close | EventMask.OnlyDir|]);
                    wm.UpdateWatch(wd, [|EventMask.Open|], new Creations(), autoAdd: false);
                    // autoAdd's own IN_CREATE is not passed on to a handler whose mask lacks it.
                    wm.AddWatch("/tmp", [|EventMask.Modify|], new Creations(), recursive: true, autoAdd: true);
                }
            }
            """,
            ("IGEN008", Nothing("IN_MODIFY")),
            ("IGEN008", Nothing("IN_MODIFY|IN_ATTRIB")),
            ("IGEN008", Nothing("IN_CLOSE_WRITE|IN_CLOSE_NOWRITE|IN_ONLYDIR")),
            ("IGEN008", Nothing("IN_OPEN")),
            ("IGEN008", Nothing("IN_MODIFY")));

    [Fact]
    public Task MaskLeavingOutSomeHandledEvents_NamesThemAndTheirMethods() =>
        Verify.AnalyzerAsync(Creations + """
            partial class Several : ProcessEvent
            {
                void process_IN_MODIFY(InotifyEvent e) { }
                [OnAttrib] void Touched(InotifyEvent e) { }
                void process_IN_CLOSE(InotifyEvent e) { }
                void process_IN_CREATE(InotifyEvent e) { }
            }
            static class Program
            {
                static void Watch(WatchManager wm)
                {
                    wm.AddWatch("/tmp", [|EventMask.Create|], new Creations());
                    // process_IN_CLOSE still gets IN_CLOSE_WRITE, so only the methods that get nothing are named.
                    wm.AddWatch("/tmp", [|IN_CREATE | IN_CLOSE_WRITE|], new Several());
                }
            }
            """,
            ("IGEN010", "The mask IN_CREATE excludes IN_DELETE and IN_DELETE_SELF, which 'Creations' handles with 'Gone'; that code never runs for this watch"),
            ("IGEN010", "The mask IN_CLOSE_WRITE|IN_CREATE excludes IN_MODIFY and IN_ATTRIB, which 'Several' handles with 'process_IN_MODIFY' and 'Touched'; that code never runs for this watch"));

    [Fact]
    public Task MasksThatFitOrAreUnknown_AreSilent() =>
        Verify.SilentAsync(Creations + """
            partial class Ignored : ProcessEvent
            {
                // IN_IGNORED and IN_UNMOUNT come whatever the mask.
                void process_IN_IGNORED(InotifyEvent e) { }
                [OnUnmount] void Unmounted(InotifyEvent e) { }
            }
            partial class Everything : ProcessEvent
            {
                void process_IN_CREATE(InotifyEvent e) { }
                void process_default(InotifyEvent e) { }
            }

            static class Program
            {
                static void Watch(WatchManager wm, EventMask mask, Creations shared)
                {
                    wm.AddWatch("/tmp", handler: new Creations());                       // no mask: the handler's own
                    wm.AddWatch("/tmp", EventMask.None, new Creations());                // the same
                    wm.AddWatch("/tmp", EventMask.OnlyDir, new Creations());             // options only: the same
                    wm.AddWatch("/tmp", EventMask.Create | EventMask.Delete | EventMask.DeleteSelf, new Creations());
                    wm.AddWatch("/tmp", EventMask.AllEvents, new Creations());
                    wm.AddWatch("/tmp", mask, new Creations());                          // not a constant
                    wm.AddWatch("/tmp", EventMask.Modify, shared);                       // not known to be a Creations
                    wm.AddWatch("/tmp", EventMask.Modify, new Ignored());
                    wm.AddWatch("/tmp", EventMask.Modify | EventMask.Create, new Everything());
                    wm.AddWatch("/tmp", EventMask.Modify, new PrintAllEvents());         // dispatches by hand
                    wm.AddWatch("/tmp", EventMask.Modify);                               // the default handler
                }
            }
            """);

    private static string Overflow(string method, string type) =>
        $"'{method}' handles IN_Q_OVERFLOW, but '{type}' is only ever passed to AddWatch as a per-watch handler; overflow events belong to no watch and only reach the notifier's default handler";

    [Fact]
    public Task OverflowHandlerOnlyEverPassedPerWatch_IsReported() =>
        Verify.AnalyzerAsync("""
            using InotifyGen;
            partial class Watcher : ProcessEvent
            {
                void process_IN_CREATE(InotifyEvent e) { }
                void [|process_IN_Q_OVERFLOW|](InotifyEvent e) { }
            }
            partial class Base : ProcessEvent
            {
                [OnQueueOverflow] void [|Lost|](InotifyEvent e) { }
            }
            partial class Derived : Base
            {
                void process_IN_DELETE(InotifyEvent e) { }
            }
            static class Program
            {
                static void Run(WatchManager wm, int wd)
                {
                    using var notifier = new Notifier(wm, new PrintAllEvents());
                    wm.AddWatch("/a", handler: new Watcher());
                    wm.AddWatch("/b", EventMask.Create, new Watcher());
                    wm.UpdateWatch(wd, handler: new Derived());
                }
            }
            """,
            ("IGEN009", Overflow("process_IN_Q_OVERFLOW", "Watcher")),
            ("IGEN009", Overflow("Lost", "Base")));

    [Fact]
    public Task OverflowHandlerUsedAnyOtherWay_IsSilent() =>
        Verify.SilentAsync("""
            using InotifyGen;
            partial class AsDefault : ProcessEvent
            {
                void process_IN_Q_OVERFLOW(InotifyEvent e) { }
            }
            partial class InAVariable : ProcessEvent
            {
                void process_IN_Q_OVERFLOW(InotifyEvent e) { }
            }
            partial class Chained : ProcessEvent
            {
                void process_IN_Q_OVERFLOW(InotifyEvent e) { }
            }
            partial class NeverCreated : ProcessEvent
            {
                void process_IN_Q_OVERFLOW(InotifyEvent e) { }
            }
            partial class Front : ProcessEvent
            {
                public Front(ProcessEvent next) : base(next) { }
                void process_IN_CREATE(InotifyEvent e) { }
            }
            static class Program
            {
                static void Run(WatchManager wm)
                {
                    wm.AddWatch("/a", handler: new AsDefault());
                    using var notifier = new ThreadedNotifier(wm, new AsDefault());
                    var h = new InAVariable();
                    wm.AddWatch("/b", handler: h);
                    wm.AddWatch("/c", handler: new Front(new Chained()));
                }
            }
            """);
}
