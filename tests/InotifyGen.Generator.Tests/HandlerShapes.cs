namespace InotifyGen.Generator.Tests;

/// <summary>The handler shapes the snapshot tests cover: one source file each, named after the shape.</summary>
internal static class HandlerShapes
{
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
    {
        // Specialised attributes, [On(mask)] and a bool method, whose result is returned.
        ["Attributes"] = """
            using InotifyGen;
            namespace Shapes;

            public partial class AttributeHandler : ProcessEvent
            {
                [OnCreate] void Created(InotifyEvent e) { }
                [OnCloseWrite] bool Written(InotifyEvent e) => e.IsDir;
                [On(EventMask.Modify | EventMask.Attrib)] void Changed(in InotifyEvent e) { }
                [OnIgnored] void Gone(InotifyEvent e) { }
            }
            """,

        // pyinotify names; process_IN_DELETE also takes DELETE_SELF (its family).
        ["Names"] = """
            using InotifyGen;
            namespace Shapes;

            public partial class NameHandler : ProcessEvent
            {
                void process_IN_CREATE(InotifyEvent e) { }
                void process_IN_DELETE(InotifyEvent e) { }
                bool process_IN_MOVED_TO(in InotifyEvent e) => true;
                void process_IN_Q_OVERFLOW(InotifyEvent e) { }
            }
            """,

        // README's example: names and attributes in one class, with a family and a default method.
        ["Mixed"] = """
            using System;
            using InotifyGen;
            namespace Shapes;

            public partial class EventHandler : ProcessEvent
            {
                void process_IN_CREATE(InotifyEvent e) => Console.WriteLine($"Creating: {e.PathName}");
                [OnDelete] void Removing(InotifyEvent e) => Console.WriteLine($"Removing: {e.PathName}");
                void process_IN_CLOSE(InotifyEvent e) { }
                void process_default(InotifyEvent e) { }
            }
            """,

        // Every family: CLOSE and MOVED (by name and attribute), MOVE (MOVE_SELF only), DELETE (DELETE_SELF);
        // a specialised CLOSE_WRITE beats the CLOSE family.
        ["Families"] = """
            using InotifyGen;
            namespace Shapes;

            partial class FamilyHandler : ProcessEvent
            {
                void process_IN_CLOSE(InotifyEvent e) { }
                [OnCloseWrite] void Written(InotifyEvent e) { }
                [OnMoved] void Moved(InotifyEvent e) { }
                void process_IN_MOVE(InotifyEvent e) { }
                [OnDelete] void Deleted(InotifyEvent e) { }
            }
            """,

        // A default method takes every event but IN_Q_OVERFLOW (ProcessEvent's own logs it), and means ALL_EVENTS.
        ["DefaultOnly"] = """
            using InotifyGen;
            namespace Shapes;

            sealed partial class Everything : ProcessEvent
            {
                [OnDefault] void Any(InotifyEvent e) { }
            }
            """,

        // Three levels. Base methods win over nearer ones of a lower rank (pyinotify's getattr looks through the
        // whole class hierarchy per rank); a winner declared in a base goes through base.DispatchEvent.
        ["Inheritance"] = """
            using InotifyGen;
            namespace Shapes;

            public partial class Grandparent : ProcessEvent
            {
                private void process_IN_CREATE(InotifyEvent e) { }
                protected void process_IN_CLOSE(InotifyEvent e) { }
            }

            public partial class Parent : Grandparent
            {
                protected virtual bool process_IN_DELETE(InotifyEvent e) => false;
                void process_default(InotifyEvent e) { }
            }

            public partial class Child : Parent
            {
                protected override bool process_IN_DELETE(InotifyEvent e) => true;
                [OnCloseWrite] void Written(InotifyEvent e) { }
                void process_IN_MOVED(InotifyEvent e) { }
            }
            """,

        // Handlers nested in a class, a struct and a record: every container is reopened.
        ["Nested"] = """
            using InotifyGen;
            namespace Shapes.Deep;

            public static partial class Outer
            {
                internal partial struct Middle
                {
                    private partial record Inner
                    {
                        internal sealed partial class Handler : ProcessEvent
                        {
                            void process_IN_OPEN(InotifyEvent e) { }
                        }
                    }
                }

                public partial class Sibling : ProcessEvent
                {
                    void process_IN_ACCESS(InotifyEvent e) { }
                }
            }
            """,

        // Generic handlers, and a generic handler nested in a generic class.
        ["Generic"] = """
            using System.Collections.Generic;
            using InotifyGen;
            namespace Shapes;

            public partial class Collector<T> : ProcessEvent where T : class
            {
                public List<T> Items { get; } = new();
                void process_IN_CREATE(InotifyEvent e) { }
            }

            public partial class Container<TKey> where TKey : notnull
            {
                public partial class Keyed<TValue> : ProcessEvent
                {
                    bool process_IN_MODIFY(InotifyEvent e) => false;
                }
            }
            """,

        // No namespace at all.
        ["GlobalNamespace"] = """
            using InotifyGen;

            partial class GlobalHandler : ProcessEvent
            {
                void process_IN_ATTRIB(InotifyEvent e) { }
            }
            """,

        // pyinotify chaining: a bool handler is put in front of another (its `next`); returning true stops the chain.
        ["Chained"] = """
            using InotifyGen;
            namespace Shapes;

            sealed partial class SkipHidden : ProcessEvent
            {
                bool process_default(InotifyEvent e) => e.Name.StartsWith(".");
            }

            sealed partial class Logger : ProcessEvent
            {
                public Logger() : base(new SkipHidden()) { }
                void process_IN_CREATE(InotifyEvent e) { }
                void process_IN_DELETE(InotifyEvent e) { }
            }
            """,

        // Events the kernel sends unasked, handled specially: they are dispatched but add nothing to ALL_EVENTS.
        ["KernelEvents"] = """
            using InotifyGen;
            namespace Shapes;

            partial class KernelEvents : ProcessEvent
            {
                [OnQueueOverflow] void Overflowed(InotifyEvent e) { }
                [OnUnmount] void Unmounted(InotifyEvent e) { }
                void process_default(InotifyEvent e) { }
            }
            """,

        // Wrong shapes are skipped without a word (the analyzers report them); the right ones still work.
        ["WrongShapesSkipped"] = """
            using InotifyGen;
            namespace Shapes;

            partial class Sloppy : ProcessEvent
            {
                static void process_IN_CREATE(InotifyEvent e) { }
                int process_IN_DELETE(InotifyEvent e) => 0;
                void process_IN_MODIFY(InotifyEvent e, int extra) { }
                void process_IN_ATTRIB<T>(InotifyEvent e) { }
                void process_IN_OPEN(ref InotifyEvent e) { }
                void process_IN_ACCESS(string e) { }
                void process_IN_CREATE(InotifyEvent e, bool twice) { }
                [OnCreate] void Created(InotifyEvent e) { }
            }
            """,

        // A base that is not partial (so it has no dispatch of its own): its visible methods are called directly.
        ["NonPartialBase"] = """
            using InotifyGen;
            namespace Shapes;

            public class PlainBase : ProcessEvent
            {
                protected void process_IN_CREATE(InotifyEvent e) { }
                protected bool process_IN_CLOSE(in InotifyEvent e) => false;
            }

            public partial class OnPlainBase : PlainBase
            {
                void process_IN_CLOSE_WRITE(InotifyEvent e) { }
                void process_default(InotifyEvent e) { }
            }
            """,

        // Identifiers that are keywords, escaped in the generated code.
        ["KeywordNames"] = """
            using InotifyGen;
            namespace @event.@class;

            partial class @object : ProcessEvent
            {
                [OnCreate] void @new(InotifyEvent e) { }
            }
            """,
    };
}
