using System.Diagnostics;
using System.Text.RegularExpressions;

namespace InotifyGen.Package.Tests;

/// <summary>
/// What a new user meets: one package reference gives the runtime, the generator and the analyzers. The steps run
/// in order on README's app (build, typo, run), so they are one test; Native AOT publishes apps of their own.
/// </summary>
[Collection(PackageFeed.Name)]
public class NewUserTests(NewUserFixture fixture)
{
    private const string Handler = """
        using InotifyGen;

        var dir = args[0];
        using var wm = new WatchManager();
        using var notifier = new Notifier(wm, new Uploads());
        wm.AddWatch(dir, quiet: false);   // no mask: the events Uploads handles
        Console.WriteLine("ready");
        notifier.Loop(_ => Uploads.Seen >= 2);

        partial class Uploads : ProcessEvent
        {
            public static int Seen;

            [OnCreate]
            void Created(InotifyEvent e) { Console.WriteLine($"created {e.Name}"); Seen++; }

            void process_IN_DELETE(InotifyEvent e) { Console.WriteLine($"deleted {e.Name}"); Seen++; }
        }
        """;

    private string Program => Path.Combine(fixture.App, "Program.cs");

    [Fact]
    public void Package_BuildsCleanly_ReportsATypo_AndSeesRealEvents()
    {
        // 1. A correct handler builds with zero warnings, and the generated code carries the package's version.
        File.WriteAllText(Program, Handler);
        var build = NewUserFixture.Dotnet(fixture.App, "build", "-f", "net10.0", "-p:EmitCompilerGeneratedFiles=true").ShouldSucceed();
        Assert.Matches(@"\b0 Warning\(s\)", build.Output);
        var generated = Directory.GetFiles(Path.Combine(fixture.App, "obj"), "Uploads.g.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(generated);
        Assert.Contains(fixture.Version, File.ReadAllText(generated[0]));

        // 2. A typo is reported by the analyzers in the build output.
        File.WriteAllText(Program, Handler.Replace("process_IN_DELETE", "process_IN_CRAETE"));
        var typo = NewUserFixture.Dotnet(fixture.App, "build", "-f", "net10.0").ShouldSucceed();
        Assert.Contains("warning IGEN001: 'process_IN_CRAETE' matches no inotify event, so it is never called; did you mean 'process_IN_CREATE'?", typo.Output);

        // 3. The program sees real create and delete events (through `dotnet run`, as a user starts it).
        File.WriteAllText(Program, Handler);
        NewUserFixture.Dotnet(fixture.App, "build", "-f", "net10.0").ShouldSucceed();
        AssertSeesEvents("dotnet", ["run", "--no-build", "-f", "net10.0", "--project", fixture.App, "--"]);

    }

    /// <summary>A Native AOT app publishes with no trim or AOT warning, and the native binary sees the same events.</summary>
    [Theory]
    [InlineData("net8.0")]
    [InlineData("net10.0")]
    public void Package_PublishesWithNativeAot_AndTheBinarySeesRealEvents(string framework)
    {
        var name = "aot" + framework.Replace(".", "");
        var aot = fixture.CreateApp(name, framework);
        File.WriteAllText(Path.Combine(aot, "Program.cs"), Handler);
        var native = Path.Combine(fixture.Root, "native-" + framework);
        var publish = NewUserFixture.Dotnet(aot, "publish", "-r", "linux-x64", "-p:PublishAot=true", "-o", native).ShouldSucceed();
        Assert.DoesNotMatch(@"warning (IL\d{4}|IGEN\d{3})", publish.Output);
        Assert.DoesNotContain("warning", publish.Output, StringComparison.OrdinalIgnoreCase);
        AssertSeesEvents(Path.Combine(native, name), []);
    }

    private void AssertSeesEvents(string file, string[] args)
    {
        var dir = Directory.CreateDirectory(Path.Combine(fixture.Root, "watched-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = fixture.App };
        foreach (var a in args.Append(dir))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        try
        {
            Assert.Equal("ready", ReadLine(p));
            File.WriteAllText(Path.Combine(dir, "hello.txt"), "hi");
            File.Delete(Path.Combine(dir, "hello.txt"));
            Assert.Equal("created hello.txt", ReadLine(p));
            Assert.Equal("deleted hello.txt", ReadLine(p));
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(30)), "the app did not stop after its two events");
            Assert.Equal(0, p.ExitCode);
        }
        finally
        {
            if (!p.HasExited)
                p.Kill(entireProcessTree: true);
        }
    }

    private static string? ReadLine(Process p)
    {
        var line = p.StandardOutput.ReadLineAsync();
        Assert.True(line.Wait(TimeSpan.FromSeconds(60)), "no output within 60 s; stderr: " + (p.HasExited ? p.StandardError.ReadToEnd() : "(running)"));
        return line.Result;
    }
}
