using InotifyGen.Analyzers.Tests.Support;
using InotifyGen.CodeFixes;

namespace InotifyGen.Analyzers.Tests;

/// <summary>IGEN001 (a process_* name matching no event) and IGEN002 (a name for a flag that is not an event).</summary>
public class HandlerNameTests
{
    [Theory]
    [InlineData("process_IN_CRAETE", "process_IN_CREATE")]
    [InlineData("process_in_create", "process_IN_CREATE")]
    [InlineData("process_IN_CLOSED", "process_IN_CLOSE")]
    [InlineData("process_IN_MOVEDTO", "process_IN_MOVED_TO")]
    [InlineData("process_Default", "process_default")]
    [InlineData("process_IN_DELETESELF", "process_IN_DELETE_SELF")]
    public Task Misspelt_ReportsNearestValidName(string name, string suggestion) =>
        Verify.AnalyzerAsync($$"""
            using InotifyGen;
            partial class H : ProcessEvent
            {
                void [|{{name}}|](InotifyEvent e) { }
            }
            """,
            ("IGEN001", $"'{name}' matches no inotify event, so it is never called; did you mean '{suggestion}'?"));

    [Fact]
    public Task Misspelt_ReportedWhateverTheSignature() =>
        Verify.AnalyzerAsync("""
            using InotifyGen;
            partial class H : ProcessEvent
            {
                static int [|process_IN_CRAETE|](string s, int n) => n;
            }
            """,
            ("IGEN001", "'process_IN_CRAETE' matches no inotify event, so it is never called; did you mean 'process_IN_CREATE'?"));

    [Fact]
    public Task EveryValidName_IsSilent() =>
        // One class per name: a specialised name next to its family name is IGEN006, tested on its own.
        Verify.SilentAsync("using InotifyGen;\n" + string.Concat(ValidNames.Select((n, i) =>
            $"partial class H{i} : ProcessEvent {{ void {n}(InotifyEvent e) {{ }} }}\n")));

    [Fact]
    public Task ProcessPrefixOutsideAHandlerClass_IsSilent() =>
        Verify.SilentAsync("""
            using InotifyGen;
            class Batch
            {
                void process_items(int[] items) { }
                void process_IN_CRAETE(InotifyEvent e) { }
            }
            """);

    [Fact]
    public Task MisspeltNameWithHandlerAttribute_IsSilent() =>
        Verify.SilentAsync("""
            using InotifyGen;
            partial class H : ProcessEvent
            {
                [OnCreate] void process_created(InotifyEvent e) { }
            }
            """);

    [Fact]
    public Task OverrideOfAMisspeltBaseMethod_IsReportedOnTheBaseOnly() =>
        Verify.AnalyzerAsync("""
            using InotifyGen;
            abstract partial class B : ProcessEvent
            {
                protected virtual void [|process_IN_CRAETE|](InotifyEvent e) { }
            }
            partial class D : B
            {
                protected override void process_IN_CRAETE(InotifyEvent e) { }
            }
            """,
            ("IGEN001", "'process_IN_CRAETE' matches no inotify event, so it is never called; did you mean 'process_IN_CREATE'?"));

    public static TheoryData<string, string> Flags() => new()
    {
        { "IN_ISDIR", "IN_ISDIR is only ever piggybacked onto another event; test InotifyEvent.IsDir in that event's handler instead" },
        { "ALL_EVENTS", "ALL_EVENTS is a mask of every event, not an event; handle each event, or use process_default" },
        { "IN_ONESHOT", "IN_ONESHOT is an option for AddWatch (remove the watch after one event); the kernel never reports it" },
        { "IN_DONT_FOLLOW", "IN_DONT_FOLLOW is an option for AddWatch (do not follow a symbolic link); the kernel never reports it" },
        { "IN_MASK_ADD", "IN_MASK_ADD is an option for AddWatch (add to the existing mask); the kernel never reports it" },
        { "IN_ONLYDIR", "IN_ONLYDIR is an option for AddWatch (watch the path only if it is a directory); the kernel never reports it" },
        { "IN_EXCL_UNLINK", "IN_EXCL_UNLINK is an option for AddWatch (ignore children once unlinked); the kernel never reports it" },
    };

    [Theory]
    [MemberData(nameof(Flags))]
    public Task FlagName_ExplainsWhyItIsNeverCalled(string flag, string why) =>
        Verify.AnalyzerAsync($$"""
            using InotifyGen;
            partial class H : ProcessEvent
            {
                void [|process_{{flag}}|](InotifyEvent e) { }
            }
            """,
            ("IGEN002", $"'process_{flag}' is never called: {why}"));

    [Fact]
    public Task FlagNameOutsideAHandlerClass_IsSilent() =>
        Verify.SilentAsync("""
            using InotifyGen;
            class NotAHandler
            {
                void process_IN_ISDIR(InotifyEvent e) { }
            }
            """);

    [Fact]
    public Task RenameFix_RenamesTheMethodAndEveryReference() =>
        Verify.CodeFixAsync<RenameHandlerCodeFix>(
            [
            """
            using InotifyGen;
            partial class H : ProcessEvent
            {
                public void {|IGEN001:process_IN_CRAETE|}(InotifyEvent e) { }
                public void process_IN_MOVED_TO(InotifyEvent e) => process_IN_CRAETE(e);
            }
            class User
            {
                static void Call(H h, InotifyEvent e) => h.process_IN_CRAETE(e);
            }
            """,
            // A reference in another file is renamed too.
            "static class Elsewhere { static void Call(H h, InotifyGen.InotifyEvent e) => h.process_IN_CRAETE(e); }",
            ],
            [
            """
            using InotifyGen;
            partial class H : ProcessEvent
            {
                public void process_IN_CREATE(InotifyEvent e) { }
                public void process_IN_MOVED_TO(InotifyEvent e) => process_IN_CREATE(e);
            }
            class User
            {
                static void Call(H h, InotifyEvent e) => h.process_IN_CREATE(e);
            }
            """,
            "static class Elsewhere { static void Call(H h, InotifyGen.InotifyEvent e) => h.process_IN_CREATE(e); }",
            ],
            "Rename to 'process_IN_CREATE'");

    [Fact]
    public Task RenameFixAll_RenamesEveryMethodAndReferenceOneAfterAnother() =>
        // Each rename edits references in both files, so Fix All renames in turn rather than merging edits.
        Verify.CodeFixAsync<RenameHandlerCodeFix>(
            [
            """
            using InotifyGen;
            partial class H : ProcessEvent
            {
                public void {|IGEN001:process_IN_CRAETE|}(InotifyEvent e) => process_IN_DELTE(e);
                public void {|IGEN001:process_IN_DELTE|}(InotifyEvent e) { }
            }
            """,
            """
            using InotifyGen;
            partial class G : ProcessEvent
            {
                void {|IGEN001:process_IN_MODIFI|}(InotifyEvent e) => new H().process_IN_CRAETE(e);
            }
            """,
            ],
            [
            """
            using InotifyGen;
            partial class H : ProcessEvent
            {
                public void process_IN_CREATE(InotifyEvent e) => process_IN_DELETE(e);
                public void process_IN_DELETE(InotifyEvent e) { }
            }
            """,
            """
            using InotifyGen;
            partial class G : ProcessEvent
            {
                void process_IN_MODIFY(InotifyEvent e) => new H().process_IN_CREATE(e);
            }
            """,
            ],
            incrementalIterations: 3, fixAllIterations: 1, fixAllInDocumentIterations: 2);

    [Fact]
    public void NearestName_IgnoresCase()
    {
        Assert.Equal(0, NearestHandlerName.Distance("process_in_create", "process_IN_CREATE"));
        Assert.Equal(1, NearestHandlerName.Distance("process_IN_CLOSED", "process_IN_CLOSE"));
        Assert.Equal(2, NearestHandlerName.Distance("process_IN_CRAETE", "process_IN_CREATE"));
    }

    /// <summary>Every valid handler name, straight from the shared table.</summary>
    private static IEnumerable<string> ValidNames => EventTable.Handlers.Select(h => h.MethodName);
}
