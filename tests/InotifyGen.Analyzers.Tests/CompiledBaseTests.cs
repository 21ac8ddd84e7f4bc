using InotifyGen.Analyzers.Tests.Support;
using Microsoft.CodeAnalysis;

namespace InotifyGen.Analyzers.Tests;

/// <summary>
/// A handler deriving from a generated handler compiled in another assembly: the base's private handler methods are
/// not in its metadata, so the rules must read the base's [GeneratedHandler] summary to see where each event goes.
/// </summary>
public class CompiledBaseTests
{
    /// <summary>The base library: private handlers only, so nothing but the summary tells what they handle.</summary>
    private const string Library = """
        using InotifyGen;

        namespace Lib;

        public partial class LibBase : ProcessEvent
        {
            private void process_IN_CREATE(InotifyEvent e) { }
            private void process_IN_CLOSE_WRITE(InotifyEvent e) { }
        }

        public partial class LibFamily : ProcessEvent
        {
            private void process_IN_CLOSE(InotifyEvent e) { }
        }
        """;

    private static readonly Lazy<MetadataReference> LibraryReference = new(BuildLibrary);

    /// <summary>The library compiled, with its generated dispatch, into an assembly image.</summary>
    private static MetadataReference BuildLibrary()
    {
        var compilation = Scan.RunGenerator(Scan.Compile(Library).WithAssemblyName("CompiledBaseLibrary"));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        Assert.True(result.Success, "the library does not compile:\n" + string.Join("\n", result.Diagnostics));
        return MetadataReference.CreateFromImage(image.ToArray());
    }

    private static Task VerifyAsync(string markup, params (string Id, string Message)[] expected) =>
        Verify.AnalyzerAsync(markup, [LibraryReference.Value], expected);

    [Fact]
    public Task TheBasesPrivateHandlers_CountInTheAddWatchMaskChecks() =>
        VerifyAsync("""
            using InotifyGen;
            using Lib;

            partial class Mine : LibBase
            {
                void process_IN_DELETE(InotifyEvent e) { }
            }
            static class Program
            {
                static void Watch(WatchManager wm)
                {
                    // IN_CLOSE_WRITE and IN_CREATE go to the base's private methods, which this mask never delivers.
                    wm.AddWatch("/tmp", [|EventMask.Delete|], new Mine());
                    // Nothing Mine handles, the base's events included.
                    wm.AddWatch("/tmp", [|EventMask.Modify|], new Mine());
                    // The base's methods get IN_CREATE: not reported, though process_IN_DELETE is.
                    wm.AddWatch("/tmp", [|EventMask.Create|], new Mine());
                    // Every method gets some event (process_IN_DELETE also handles IN_DELETE_SELF, as its family).
                    wm.AddWatch("/tmp", EventMask.Create | EventMask.Delete, new Mine());
                }
            }
            """,
            ("IGEN010", "The mask IN_DELETE excludes IN_CLOSE_WRITE and IN_CREATE, which 'Mine' handles with the methods of its compiled base 'LibBase'; that code never runs for this watch"),
            ("IGEN008", "The mask IN_MODIFY excludes every event 'Mine' handles (IN_CLOSE_WRITE, IN_CREATE, IN_DELETE and IN_DELETE_SELF), so nothing is ever dispatched to it from this watch"),
            ("IGEN010", "The mask IN_CREATE excludes IN_DELETE and IN_DELETE_SELF, which 'Mine' handles with 'process_IN_DELETE'; that code never runs for this watch"));

    [Fact]
    public Task TheBasesPrivateSpecialisedHandler_HidesThisClassesFamilyHandler() =>
        VerifyAsync("""
            using InotifyGen;
            using Lib;

            partial class Mine : LibBase
            {
                void [|process_IN_CLOSE|](InotifyEvent e) { }
            }
            """,
            ("IGEN006", "'LibBase' receives IN_CLOSE_WRITE, so the family handler 'process_IN_CLOSE' never does"));

    [Fact]
    public Task ThisClassesSpecialisedHandler_HidesTheBasesPrivateFamilyHandler() =>
        VerifyAsync("""
            using InotifyGen;
            using Lib;

            partial class Mine : LibFamily
            {
                void [|process_IN_CLOSE_NOWRITE|](InotifyEvent e) { }
            }
            """,
            ("IGEN006", "'process_IN_CLOSE_NOWRITE' receives IN_CLOSE_NOWRITE, so the family handler 'LibFamily' never does"));

    [Fact]
    public Task AnEventTheBaseTakes_IsNotHandledTwiceHere() =>
        VerifyAsync("""
            using InotifyGen;
            using Lib;

            partial class Mine : LibBase
            {
                void [|process_IN_CLOSE|](InotifyEvent e) { }
                [OnClose] void [|Closed|](InotifyEvent e) { }
            }
            """,
            // IN_CLOSE_WRITE goes to the base's specialised method, so only IN_CLOSE_NOWRITE is lost to Closed.
            ("IGEN006", "'LibBase' receives IN_CLOSE_WRITE, so the family handler 'process_IN_CLOSE' never does"),
            ("IGEN005", "'Closed' is never called for IN_CLOSE_NOWRITE, because 'process_IN_CLOSE' handles the same at the same rank and is declared first"));
}
