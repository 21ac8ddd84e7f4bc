using InotifyGen.Analyzers.Tests.Support;

namespace InotifyGen.Analyzers.Tests;

/// <summary>
/// IGEN004 (signature), IGEN005 (an event handled twice at one rank), IGEN006 (a family method hidden) and IGEN011
/// (flags in [On(mask)]).
/// </summary>
public class DispatchTests
{
    private const string Allowed =
        "a handler returns void or bool, takes one InotifyEvent parameter (by value or 'in') and is neither static nor generic";

    [Theory]
    [InlineData("int [|process_IN_CREATE|](InotifyEvent e) => 0;", "process_IN_CREATE", "it returns int")]
    [InlineData("void [|process_IN_CREATE|]() { }", "process_IN_CREATE", "it takes no parameter")]
    [InlineData("void [|process_IN_CREATE|](InotifyEvent e, int n) { }", "process_IN_CREATE", "it takes 2 parameters")]
    [InlineData("void [|process_IN_CREATE|](string path) { }", "process_IN_CREATE", "its parameter is string, not InotifyEvent")]
    [InlineData("void [|process_IN_CREATE|](OwnedInotifyEvent e) { }", "process_IN_CREATE", "its parameter is OwnedInotifyEvent, not InotifyEvent")]
    [InlineData("void [|process_IN_CREATE|](ref InotifyEvent e) { }", "process_IN_CREATE", "its parameter is 'ref'")]
    [InlineData("void [|process_IN_CREATE|]<T>(InotifyEvent e) { }", "process_IN_CREATE", "it is generic")]
    [InlineData("static void [|process_IN_CREATE|](InotifyEvent e) { }", "process_IN_CREATE", "it is static")]
    [InlineData("[OnDelete] static string [|Gone|](InotifyEvent e, int n) => \"\";", "Gone", "it returns string, it takes 2 parameters and it is static")]
    [InlineData("System.Threading.Tasks.Task [|process_default|](InotifyEvent e) => System.Threading.Tasks.Task.CompletedTask;", "process_default", "it returns Task")]
    public Task WrongSignature_SaysWhatIsWrongAndWhatIsAllowed(string method, string name, string problem) =>
        Verify.AnalyzerAsync($$"""
            using InotifyGen;
            partial class H : ProcessEvent
            {
                {{method}}
            }
            """,
            ("IGEN004", $"'{name}' is never called because {problem}; {Allowed}"));

    [Fact]
    public Task AllowedSignatures_AreSilent() =>
        Verify.SilentAsync("""
            using InotifyGen;
            partial class H : ProcessEvent
            {
                void process_IN_CREATE(InotifyEvent e) { }
                bool process_IN_DELETE(in InotifyEvent e) => true;
                [OnModify] public void Changed(InotifyEvent e) { }
                [On(EventMask.Attrib | EventMask.Open)] protected virtual bool Touched(in InotifyEvent e) => false;
            }
            """);

    private static string Twice(string loser, string what, string winner) =>
        $"'{loser}' is never called for {what}, because '{winner}' handles the same at the same rank and is declared first";

    [Fact]
    public Task TwoAttributesForOneEvent_ReportTheSecond() =>
        Verify.AnalyzerAsync("""
            using InotifyGen;
            partial class H : ProcessEvent
            {
                [OnCreate] void First(InotifyEvent e) { }
                [OnCreate] void [|Second|](InotifyEvent e) { }
            }
            """,
            ("IGEN005", Twice("Second", "IN_CREATE", "First")));

    [Fact]
    public Task AttributeAndName_TheOneDeclaredFirstWins() =>
        Verify.AnalyzerAsync("""
            using InotifyGen;
            partial class H : ProcessEvent
            {
                [OnCreate] void Created(InotifyEvent e) { }
                void [|process_IN_CREATE|](InotifyEvent e) { }
            }
            """,
            ("IGEN005", Twice("process_IN_CREATE", "IN_CREATE", "Created")));

    [Fact]
    public async Task HandledTwice_TheMethodNamedAsCalledIsTheOneTheGeneratedSwitchCalls()
    {
        var source = """
            using InotifyGen;
            partial class H : ProcessEvent
            {
                void process_IN_CREATE(InotifyEvent e) { }
                [OnCreate] void Created(InotifyEvent e) { }
            }
            """;
        var diagnostic = Assert.Single(await Scan.AnalyzeAsync(Scan.Compile(source)));
        Assert.Equal(Twice("Created", "IN_CREATE", "process_IN_CREATE"), diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        var generated = Scan.RunGenerator(Scan.Compile(source)).SyntaxTrees.Last().ToString();
        Assert.Contains("process_IN_CREATE(e);", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("Created(", generated, StringComparison.Ordinal);
    }

    [Fact]
    public Task DuplicateFamilyAndDefault_NameEveryEventLost() =>
        Verify.AnalyzerAsync("""
            using InotifyGen;
            partial class H : ProcessEvent
            {
                void process_IN_CLOSE(InotifyEvent e) { }
                [OnClose] void [|Closed|](InotifyEvent e) { }
                void process_default(InotifyEvent e) { }
                [OnDefault] bool [|Other|](InotifyEvent e) => false;
            }
            """,
            ("IGEN005", Twice("Closed", "IN_CLOSE_WRITE and IN_CLOSE_NOWRITE", "process_IN_CLOSE")),
            ("IGEN005", Twice("Other", "the events no other method handles", "process_default")));

    [Fact]
    public Task MaskAttributeOverlap_NamesOnlyTheSharedEvent() =>
        Verify.AnalyzerAsync("""
            using InotifyGen;
            partial class H : ProcessEvent
            {
                [On(EventMask.Create | EventMask.Delete)] void Changed(InotifyEvent e) { }
                void [|process_IN_DELETE|](InotifyEvent e) { }
            }
            """,
            // process_IN_DELETE still receives IN_DELETE_SELF, as its family method.
            ("IGEN005", Twice("process_IN_DELETE", "IN_DELETE", "Changed")));

    [Fact]
    public Task OneMethodTwoSpellings_AndOverridesInSubclasses_AreSilent() =>
        Verify.SilentAsync("""
            using InotifyGen;
            partial class Base : ProcessEvent
            {
                [OnCreate] protected virtual void process_IN_CREATE(InotifyEvent e) { }
            }
            partial class Derived : Base
            {
                // A subclass's method comes first, as in pyinotify: replacing the base's is the point.
                [OnCreate] void Created(InotifyEvent e) { }
            }
            partial class Specialised : Base
            {
                protected override void process_IN_CREATE(InotifyEvent e) { }
            }
            """);

    private static string Hides(string specialised, string what, string family) =>
        $"'{specialised}' receives {what}, so the family handler '{family}' never does";

    [Fact]
    public Task SpecialisedNextToFamily_IsInformation() =>
        Verify.AnalyzerAsync("""
            using InotifyGen;
            partial class H : ProcessEvent
            {
                void process_IN_CLOSE(InotifyEvent e) { }
                void [|process_IN_CLOSE_WRITE|](InotifyEvent e) { }
                void [|process_IN_DELETE_SELF|](InotifyEvent e) { }
                void process_IN_DELETE(InotifyEvent e) { }
                [On(EventMask.Move)] void [|Moved|](InotifyEvent e) { }
                [OnMoved] void Renamed(InotifyEvent e) { }
            }
            """,
            ("IGEN006", Hides("process_IN_CLOSE_WRITE", "IN_CLOSE_WRITE", "process_IN_CLOSE")),
            ("IGEN006", Hides("process_IN_DELETE_SELF", "IN_DELETE_SELF", "process_IN_DELETE")),
            ("IGEN006", Hides("Moved", "IN_MOVED_FROM and IN_MOVED_TO", "Renamed")));

    [Fact]
    public Task SpecialisedInSubclass_IsReportedThereOnly() =>
        Verify.AnalyzerAsync("""
            using InotifyGen;
            partial class Base : ProcessEvent
            {
                protected void process_IN_CLOSE(InotifyEvent e) { }
            }
            partial class Derived : Base
            {
                void [|process_IN_CLOSE_NOWRITE|](InotifyEvent e) { }
            }
            sealed class Plain : Derived { }
            """,
            ("IGEN006", Hides("process_IN_CLOSE_NOWRITE", "IN_CLOSE_NOWRITE", "process_IN_CLOSE")));

    [Fact]
    public Task FamilyAloneOrSpecialisedWithDefault_IsSilent() =>
        Verify.SilentAsync("""
            using InotifyGen;
            partial class Family : ProcessEvent
            {
                void process_IN_CLOSE(InotifyEvent e) { }
            }
            partial class WithDefault : ProcessEvent
            {
                void process_IN_CLOSE_WRITE(InotifyEvent e) { }
                void process_default(InotifyEvent e) { }
            }
            """);

    [Fact]
    public Task FlagsInOnAttribute_AreReportedOnTheAttribute() =>
        Verify.AnalyzerAsync("""
            using InotifyGen;
            partial class H : ProcessEvent
            {
                [[|On(EventMask.Create | EventMask.IsDir)|]] void Created(InotifyEvent e) { }
                [[|On(EventMask.Delete | EventMask.OneShot | EventMask.DontFollow)|]] void Deleted(InotifyEvent e) { }
                [[|On((EventMask)0x10000 | EventMask.Modify)|]] void Modified(InotifyEvent e) { }
            }
            """,
            ("IGEN011", "[On] on 'Created' includes IN_ISDIR, which is never dispatched: IN_ISDIR is only ever piggybacked onto another event; test InotifyEvent.IsDir in that event's handler instead"),
            ("IGEN011", "[On] on 'Deleted' includes IN_DONT_FOLLOW|IN_ONESHOT, which is never dispatched: IN_DONT_FOLLOW is an option for AddWatch (do not follow a symbolic link); the kernel never reports it"),
            ("IGEN011", "[On] on 'Modified' includes 0x10000, which is never dispatched: no inotify event has that value"));

    [Fact]
    public Task OnAttributeWithAnEmptyMask_IsReportedOnTheAttribute() =>
        Verify.AnalyzerAsync("""
            using InotifyGen;
            partial class H : ProcessEvent
            {
                [[|On(EventMask.None)|]] void Nothing(InotifyEvent e) { }
                [[|On(0)|]] [OnCreate] void Created(InotifyEvent e) { }
            }
            """,
            ("IGEN012", "[On] on 'Nothing' has an empty mask, so it makes 'Nothing' the handler of no event"),
            ("IGEN012", "[On] on 'Created' has an empty mask, so it makes 'Created' the handler of no event"));

    [Fact]
    public Task OnAttributeWithEventsOnly_IsSilent() =>
        Verify.SilentAsync("""
            using InotifyGen;
            partial class H : ProcessEvent
            {
                [On(EventMask.AllEvents)] void Any(InotifyEvent e) { }
                [On(EventMask.QueueOverflow | EventMask.Ignored | EventMask.Unmount)] void Kernel(InotifyEvent e) { }
            }
            """);
}
