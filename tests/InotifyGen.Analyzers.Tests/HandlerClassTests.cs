using InotifyGen.Analyzers.Tests.Support;
using InotifyGen.CodeFixes;

namespace InotifyGen.Analyzers.Tests;

/// <summary>IGEN003 (not partial) and IGEN007 (not a ProcessEvent), with their code fixes.</summary>
public class HandlerClassTests
{
    private static string NotPartial(string type, string handler) =>
        $"'{type}' must be partial so the generator can add the event dispatch of '{handler}'; as it is, no handler method of '{handler}' is ever called";

    [Fact]
    public Task HandlerClassNotPartial_IsReportedOnItsName() =>
        Verify.AnalyzerAsync("""
            using InotifyGen;
            public sealed class [|H|] : ProcessEvent
            {
                void process_IN_CREATE(InotifyEvent e) { }
            }
            """,
            ("IGEN003", NotPartial("H", "H")));

    [Fact]
    public Task AttributeHandlerNotPartial_IsReported() =>
        Verify.AnalyzerAsync("""
            using InotifyGen;
            class [|H|] : ProcessEvent
            {
                [OnDelete] void Gone(InotifyEvent e) { }
            }
            """,
            ("IGEN003", NotPartial("H", "H")));

    private static string ContainerNotPartial(string handler, string containers) =>
        $"'{handler}' is nested in {containers}, which must be partial so the generator can add its event dispatch; as it is, no handler method of '{handler}' is ever called";

    [Fact]
    public Task ContainingTypesNotPartial_AreNamedOnTheHandlerClass() =>
        Verify.AnalyzerAsync("""
            using InotifyGen;
            class Outer
            {
                partial class Middle
                {
                    static class Inner
                    {
                        partial class [|H|] : ProcessEvent
                        {
                            void process_IN_CREATE(InotifyEvent e) { }
                        }
                    }
                }
            }
            """,
            ("IGEN015", ContainerNotPartial("Outer.Middle.Inner.H", "'Outer' and 'Inner'")));

    [Fact]
    public Task HandlerAndContainerNotPartial_AreBothReported() =>
        Verify.AnalyzerAsync("""
            using InotifyGen;
            struct Outer
            {
                sealed class [|[|H|]|] : ProcessEvent
                {
                    [OnCreate] void Created(InotifyEvent e) { }
                }
            }
            """,
            ("IGEN003", NotPartial("H", "Outer.H")),
            ("IGEN015", ContainerNotPartial("Outer.H", "'Outer'")));

    [Fact]
    public Task MakePartialFix_OnContainingTypes_MakesEachPartial() =>
        Verify.CodeFixAsync<MakePartialCodeFix>(
            """
            using InotifyGen;
            class Outer
            {
                partial class Middle
                {
                    static class Inner
                    {
                        partial class {|IGEN015:H|} : ProcessEvent
                        {
                            void process_IN_CREATE(InotifyEvent e) { }
                        }
                    }
                }
            }
            """,
            """
            using InotifyGen;
            partial class Outer
            {
                partial class Middle
                {
                    static partial class Inner
                    {
                        partial class H : ProcessEvent
                        {
                            void process_IN_CREATE(InotifyEvent e) { }
                        }
                    }
                }
            }
            """,
            "Make 'Outer' and 'Inner' partial");

    [Fact]
    public Task MakePartialFixAll_FixesEveryHandlerAndContainerInTheSolution() =>
        // Two handlers share a container, one handler is not partial itself, and a second file has its own: one Fix
        // All pass fixes the lot (single fixes need two passes: the shared container is fixed with the first handler).
        Verify.CodeFixAsync<MakePartialCodeFix>(
            [
            """
            using InotifyGen;
            class Outer
            {
                partial class {|IGEN015:A|} : ProcessEvent { void process_IN_CREATE(InotifyEvent e) { } }
                partial class {|IGEN015:B|} : ProcessEvent { [OnDelete] void Gone(InotifyEvent e) { } }
            }
            """,
            """
            using InotifyGen;
            sealed class {|IGEN003:C|} : ProcessEvent { void process_IN_MODIFY(InotifyEvent e) { } }
            """,
            ],
            [
            """
            using InotifyGen;
            partial class Outer
            {
                partial class A : ProcessEvent { void process_IN_CREATE(InotifyEvent e) { } }
                partial class B : ProcessEvent { [OnDelete] void Gone(InotifyEvent e) { } }
            }
            """,
            """
            using InotifyGen;
            sealed partial class C : ProcessEvent { void process_IN_MODIFY(InotifyEvent e) { } }
            """,
            ],
            incrementalIterations: 2, fixAllIterations: 1, fixAllInDocumentIterations: 2);

    [Fact]
    public Task PartialHandlersAndClassesWithoutHandlerMethods_AreSilent() =>
        Verify.SilentAsync("""
            using InotifyGen;
            partial class Outer
            {
                public partial class H : ProcessEvent
                {
                    void process_IN_CREATE(InotifyEvent e) { }
                }
            }
            // Inherits its handlers; declares none, so the generator has nothing to add to it.
            sealed class Derived : Outer.H { }
            // Dispatches by hand, as PrintAllEvents does.
            sealed class Manual : ProcessEvent
            {
                protected override bool DispatchEvent(in InotifyEvent e) => false;
            }
            """);

    [Fact]
    public Task OverrideOnlySubclass_NotPartial_IsSilent() =>
        // The base's generated switch makes a virtual call, which reaches the override: no dispatch is missing.
        Verify.SilentAsync("""
            using InotifyGen;
            public abstract partial class Base : ProcessEvent
            {
                protected abstract void process_IN_CREATE(InotifyEvent e);
                protected virtual void process_IN_CLOSE(InotifyEvent e) { }
                [OnDelete] protected virtual void Gone(InotifyEvent e) { }
            }
            public sealed class OverrideOnly : Base
            {
                protected override void process_IN_CREATE(InotifyEvent e) { }
                protected override void process_IN_CLOSE(InotifyEvent e) { }
                protected override void Gone(InotifyEvent e) { }
            }
            public class Middle : Base
            {
                protected override void process_IN_CREATE(InotifyEvent e) { }
            }
            public sealed class Deeper : Middle
            {
                protected override void process_IN_CREATE(InotifyEvent e) { }
            }
            """);

    [Fact]
    public Task SubclassThatAddsAHandler_NotPartial_IsReported() =>
        Verify.AnalyzerAsync("""
            using InotifyGen;
            public abstract partial class Base : ProcessEvent
            {
                protected virtual void process_IN_CREATE(InotifyEvent e) { }
            }
            public sealed class [|Adds|] : Base
            {
                protected override void process_IN_CREATE(InotifyEvent e) { }
                void process_IN_DELETE(InotifyEvent e) { }
            }
            public sealed class [|Hides|] : Base
            {
                // 'new' hides the base's method: the base's switch still calls its own.
                protected new void process_IN_CREATE(InotifyEvent e) { }
            }
            public sealed class [|OverridesWithMore|] : Base
            {
                // The attribute adds IN_MODIFY, which the base's switch never sends here.
                [OnModify] protected override void process_IN_CREATE(InotifyEvent e) { }
            }
            """,
            ("IGEN003", NotPartial("Adds", "Adds")),
            ("IGEN003", NotPartial("Hides", "Hides")),
            ("IGEN003", NotPartial("OverridesWithMore", "OverridesWithMore")));

    [Fact]
    public Task FileLocalHandler_IsReportedOnItsName() =>
        Verify.AnalyzerAsync("""
            using InotifyGen;
            file partial class [|Local|] : ProcessEvent
            {
                void process_IN_CREATE(InotifyEvent e) { }
            }
            file partial class Outer
            {
                public partial class [|Inner|] : ProcessEvent
                {
                    [OnDelete] void Gone(InotifyEvent e) { }
                }
            }
            // Not partial either: making it partial would not help, so only IGEN014.
            file class [|Plain|] : ProcessEvent
            {
                void process_IN_CREATE(InotifyEvent e) { }
            }
            """,
            ("IGEN014", FileLocal("Local")),
            ("IGEN014", FileLocal("Outer.Inner")),
            ("IGEN014", FileLocal("Plain")));

    private static string FileLocal(string handler) =>
        $"'{handler}' is file-local, so the generator cannot add its event dispatch and no handler method of it is ever called; declare it without 'file' (internal, or nested and private)";

    [Fact]
    public Task HandlerAttributeOnALocalFunctionOrLambda_IsReportedOnTheAttribute() =>
        Verify.AnalyzerAsync("""
            using System;
            using InotifyGen;
            partial class H : ProcessEvent
            {
                void process_IN_CREATE(InotifyEvent e)
                {
                    [[|OnCreate|]] void Created(InotifyEvent inner) { }
                    Action<InotifyEvent> later = [[|On(EventMask.Delete)|]] (InotifyEvent x) => { };
                    [Obsolete] void NotAHandler() { }
                    Created(e);
                    later(e);
                    NotAHandler();
                }
            }
            static class Elsewhere
            {
                static void Run() { [[|OnDefault|]] static void Any(InotifyEvent e) { } }
            }
            """,
            ("IGEN013", "[OnCreate] on the local function 'Created' is never called: only methods of a ProcessEvent class are handlers"),
            ("IGEN013", "[On] on a lambda is never called: only methods of a ProcessEvent class are handlers"),
            ("IGEN013", "[OnDefault] on the local function 'Any' is never called: only methods of a ProcessEvent class are handlers"));

    [Fact]
    public Task MakePartialFix_AddsPartialAfterTheOtherModifiers() =>
        Verify.CodeFixAsync<MakePartialCodeFix>(
            """
            using InotifyGen;
            public sealed class {|IGEN003:H|} : ProcessEvent
            {
                void process_IN_CREATE(InotifyEvent e) { }
            }
            """,
            """
            using InotifyGen;
            public sealed partial class H : ProcessEvent
            {
                void process_IN_CREATE(InotifyEvent e) { }
            }
            """,
            "Make 'H' partial");

    [Fact]
    public Task MakePartialFix_OnAContainingTypeWithoutModifiers_KeepsItsComment() =>
        Verify.CodeFixAsync<MakePartialCodeFix>(
            """
            using InotifyGen;
            // Holds the handlers.
            class Outer
            {
                internal partial class {|IGEN015:H|} : ProcessEvent
                {
                    [OnCreate] void Created(InotifyEvent e) { }
                }
            }
            """,
            """
            using InotifyGen;
            // Holds the handlers.
            partial class Outer
            {
                internal partial class H : ProcessEvent
                {
                    [OnCreate] void Created(InotifyEvent e) { }
                }
            }
            """,
            "Make 'Outer' partial");

    private static string Outside(string type, string methods) =>
        $"'{type}' has handler methods ({methods}) but does not derive from InotifyGen.ProcessEvent, so they are never called";

    [Fact]
    public Task HandlerMethodsOutsideProcessEvent_AreReportedOnTheClass() =>
        Verify.AnalyzerAsync("""
            using InotifyGen;
            class [|Watcher|]
            {
                void process_IN_CREATE(InotifyEvent e) { }
                [OnDelete] void Gone(InotifyEvent e) { }
                void Helper() { }
            }
            struct [|Value|]
            {
                [On(EventMask.Modify)] void Changed(InotifyEvent e) { }
            }
            """,
            ("IGEN007", Outside("Watcher", "process_IN_CREATE, Gone")),
            ("IGEN007", Outside("Value", "Changed")));

    [Fact]
    public Task HandlerMethodsInAnIndirectProcessEventSubclass_AreSilent() =>
        Verify.SilentAsync("""
            using InotifyGen;
            abstract partial class Base : ProcessEvent { }
            partial class H : Base
            {
                void process_IN_CREATE(InotifyEvent e) { }
            }
            class Unrelated
            {
                void Process(InotifyEvent e) { }
            }
            """);

    [Fact]
    public Task DeriveFix_AddsTheBaseClassAndPartial() =>
        Verify.CodeFixAsync<DeriveFromProcessEventCodeFix>(
            """
            using InotifyGen;
            class {|IGEN007:Watcher|}
            {
                void process_IN_CREATE(InotifyEvent e) { }
            }
            """,
            """
            using InotifyGen;
            partial class Watcher : ProcessEvent
            {
                void process_IN_CREATE(InotifyEvent e) { }
            }
            """,
            "Derive from ProcessEvent");

    [Fact]
    public Task DeriveFix_PutsTheBaseClassBeforeInterfaces() =>
        Verify.CodeFixAsync<DeriveFromProcessEventCodeFix>(
            """
            using System;
            using InotifyGen;
            public partial class {|IGEN007:Watcher|}<T> : IDisposable where T : class
            {
                [OnCreate] void Created(InotifyEvent e) { }
                public void Dispose() { }
            }
            """,
            """
            using System;
            using InotifyGen;
            public partial class Watcher<T> : ProcessEvent, IDisposable where T : class
            {
                [OnCreate] void Created(InotifyEvent e) { }
                public void Dispose() { }
            }
            """);

    [Fact]
    public Task DeriveFix_WithoutAUsing_QualifiesTheBase() =>
        Verify.CodeFixAsync<DeriveFromProcessEventCodeFix>(
            """
            namespace App
            {
                internal sealed class {|IGEN007:Watcher|}
                {
                    [InotifyGen.OnCreate] void Created(InotifyGen.InotifyEvent e) { }
                }
            }
            """,
            """
            namespace App
            {
                internal sealed partial class Watcher : InotifyGen.ProcessEvent
                {
                    [InotifyGen.OnCreate] void Created(InotifyGen.InotifyEvent e) { }
                }
            }
            """);

    [Fact]
    public Task DeriveFixAll_FixesEveryClassInTheSolution() =>
        Verify.CodeFixAsync<DeriveFromProcessEventCodeFix>(
            [
            """
            using InotifyGen;
            class {|IGEN007:Uploads|}
            {
                void process_IN_CREATE(InotifyEvent e) { }
            }
            class {|IGEN007:Deletions|}
            {
                [OnDelete] void Gone(InotifyEvent e) { }
            }
            """,
            """
            using InotifyGen;
            sealed class {|IGEN007:Changes|} : System.IDisposable
            {
                void process_IN_MODIFY(InotifyEvent e) { }
                public void Dispose() { }
            }
            """,
            ],
            [
            """
            using InotifyGen;
            partial class Uploads : ProcessEvent
            {
                void process_IN_CREATE(InotifyEvent e) { }
            }
            partial class Deletions : ProcessEvent
            {
                [OnDelete] void Gone(InotifyEvent e) { }
            }
            """,
            """
            using InotifyGen;
            sealed partial class Changes : ProcessEvent, System.IDisposable
            {
                void process_IN_MODIFY(InotifyEvent e) { }
                public void Dispose() { }
            }
            """,
            ],
            incrementalIterations: 3, fixAllIterations: 1, fixAllInDocumentIterations: 2);

    [Fact]
    public Task DeriveFix_IsNotOfferedWhenThereIsABaseClass() =>
        Verify.NoCodeFixAsync<DeriveFromProcessEventCodeFix>("""
            using InotifyGen;
            class Base { }
            class {|IGEN007:Watcher|} : Base
            {
                void process_IN_CREATE(InotifyEvent e) { }
            }
            """);
}
