using System.Diagnostics;

namespace InotifyGen.Package.Tests;

/// <summary>
/// The package carries the generator, analyzers and code fixes built for each Roslyn the supported SDKs ship
/// (analyzers/dotnet/roslyn4.8, 4.11 and 4.14/cs). Each build is run by a compiler of its own Roslyn version and
/// its generated dispatch sees a real event; the SDK picks the right one for each compiler version; a compiler older
/// than all of them stops the build with IGEN101.
/// </summary>
public class RoslynVersionTests(NewUserFixture fixture) : IClassFixture<NewUserFixture>
{
    private static readonly string[] Builds = ["4.8", "4.11", "4.14"];

    /// <summary>Watches args[0], prints "ready", then "created NAME" for the first file created there, and exits.</summary>
    private const string Watcher = """
        using InotifyGen;

        public static class Probe
        {
            public static void Main(string[] args) => Run(args[0]);

            public static void Run(string dir)
            {
                using var wm = new WatchManager();
                var handler = new Uploads();
                using var notifier = new Notifier(wm, handler);
                wm.AddWatch(dir, quiet: false);   // no mask: the events Uploads handles
                System.Console.WriteLine("ready");
                System.Console.Out.Flush();
                notifier.Loop(_ => handler.Seen is not null);
                System.Console.WriteLine("created " + handler.Seen);
            }
        }

        partial class Uploads : ProcessEvent
        {
            public string? Seen;

            [OnCreate]
            void Created(InotifyEvent e) => Seen = e.Name;
        }
        """;

    [Fact]
    public void TheRoslyn414Build_RunsInARoslyn414Compiler_AndDispatches()
    {
        // Microsoft.Net.Compilers.Toolset replaces the SDK's compiler with that version's (RoslynCompilerType tells
        // the SDK not to set its own).
        var app = fixture.CreateApp("toolset414");
        File.WriteAllText(Path.Combine(app, "Program.cs"), Watcher);
        NewUserFixture.Dotnet(app, "add", "package", "Microsoft.Net.Compilers.Toolset", "--version", "4.14.0").ShouldSucceed();
        AddAnalyzerReport(app, "<RoslynCompilerType>Toolset</RoslynCompilerType>");
        File.AppendAllText(Path.Combine(app, "Version.cs"), "#error version\n");
        var version = NewUserFixture.Dotnet(app, "build");
        Assert.Contains("Compiler version: '4.14.", version.Output);
        File.Delete(Path.Combine(app, "Version.cs"));

        var build = NewUserFixture.Dotnet(app, "build").ShouldSucceed();

        Assert.Equal(["roslyn4.14"], LoadedBuilds(build.Output));
        AssertSeesACreate("dotnet", ["run", "--no-build", "--project", app, "--"]);
    }

    [Theory]
    [InlineData("4.8")]
    [InlineData("4.11")]
    public void TheOlderBuilds_RunInACompilerOfTheirRoslynVersion_AndDispatch(string roslyn)
    {
        // No compiler toolset of these versions is on the feed, so a small host compiles with that version's
        // Microsoft.CodeAnalysis.CSharp (the compiler itself), loading the package's build for it, and runs the result.
        var host = fixture.CreateApp("host" + roslyn.Replace(".", ""));
        NewUserFixture.Dotnet(host, "add", "package", "Microsoft.CodeAnalysis.CSharp", "--version", roslyn + ".0").ShouldSucceed();
        File.WriteAllText(Path.Combine(host, "Program.cs"), CompilerHost);
        File.WriteAllText(Path.Combine(host, "Watcher.txt"), Watcher);
        NewUserFixture.Dotnet(host, "build").ShouldSucceed();
        var generator = Path.Combine(PackageDirectory, "analyzers", "dotnet", "roslyn" + roslyn, "cs", "InotifyGen.Generator.dll");
        Assert.True(File.Exists(generator), generator);

        AssertSeesACreate("dotnet", ["run", "--no-build", "--project", host, "--", generator, Path.Combine(host, "Watcher.txt")],
            expectFirst: "compiled with Microsoft.CodeAnalysis " + roslyn + ".0.0");
    }

    [Fact]
    public void TheSdk_PicksTheNewestBuildTheCompilerSupports_AndAnOlderCompilerGetsIgen101()
    {
        var app = fixture.CreateApp("picked");
        File.WriteAllText(Path.Combine(app, "Program.cs"), Watcher);
        AddAnalyzerReport(app, "");

        // CompilerApiVersion is what the SDK reads from its compiler to choose (roslyn5.9 for this SDK).
        foreach (var (compiler, expected) in new[] { ("", "roslyn4.14"), ("roslyn4.8", "roslyn4.8"), ("roslyn4.10", "roslyn4.8"),
                     ("roslyn4.11", "roslyn4.11"), ("roslyn4.13", "roslyn4.11") })
        {
            var build = NewUserFixture.Dotnet(app, compiler.Length == 0 ? ["build"] : ["build", "-p:CompilerApiVersion=" + compiler]).ShouldSucceed();
            Assert.Equal([expected], LoadedBuilds(build.Output));
        }

        var tooOld = NewUserFixture.Dotnet(app, "build", "-p:CompilerApiVersion=roslyn4.6");
        Assert.NotEqual(0, tooOld.ExitCode);
        Assert.Contains("error IGEN101: InotifyGen's source generator needs a C# compiler with Roslyn 4.8 or newer", tooOld.Output);
        Assert.Empty(LoadedBuilds(tooOld.Output));
    }

    private string PackageDirectory => Path.Combine(
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        "inotifygen", fixture.Version.ToLowerInvariant());

    /// <summary>A target that prints which of the package's builds the compiler was given.</summary>
    private static void AddAnalyzerReport(string app, string properties)
    {
        var csproj = Directory.GetFiles(app, "*.csproj").Single();
        File.WriteAllText(csproj, File.ReadAllText(csproj).Replace("</Project>", $"""
              <PropertyGroup>{properties}</PropertyGroup>
              <Target Name="ReportInotifyGenAnalyzers" BeforeTargets="CoreCompile">
                <Message Importance="high" Text="INOTIFYGEN-ANALYZER %(Analyzer.Identity)" Condition="'%(Analyzer.NuGetPackageId)' == 'InotifyGen'" />
              </Target>
            </Project>
            """));
    }

    /// <summary>The roslynX.Y folders of the analyzers the build loaded from the package.</summary>
    private static string[] LoadedBuilds(string output) =>
        output.Split('\n').Where(l => l.Contains("INOTIFYGEN-ANALYZER", StringComparison.Ordinal))
            .Select(l => Builds.Select(b => "roslyn" + b).Single(b => l.Contains("/" + b + "/", StringComparison.Ordinal)))
            .Distinct().ToArray();

    private void AssertSeesACreate(string file, string[] args, string? expectFirst = null)
    {
        var dir = Directory.CreateDirectory(Path.Combine(fixture.Root, "watched-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args.Append(dir))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        try
        {
            if (expectFirst is not null)
                Assert.Equal(expectFirst, ReadLine(p));
            Assert.Equal("ready", ReadLine(p));
            File.WriteAllText(Path.Combine(dir, "hello.txt"), "hi");
            Assert.Equal("created hello.txt", ReadLine(p));
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(30)), "the app did not stop after its event");
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
        Assert.True(line.Wait(TimeSpan.FromSeconds(90)), "no output within 90 s; stderr: " + (p.HasExited ? p.StandardError.ReadToEnd() : "(running)"));
        return line.Result;
    }

    /// <summary>
    /// A compiler host: compiles the source in args[1] with the generator in args[0], with this process's Roslyn,
    /// then runs Probe.Run(args[2]) from the result. Any generator or compiler diagnostic above hidden fails it.
    /// </summary>
    private const string CompilerHost = """
        using System.Reflection;
        using System.Runtime.Loader;
        using Microsoft.CodeAnalysis;
        using Microsoft.CodeAnalysis.CSharp;
        using Microsoft.CodeAnalysis.Diagnostics;

        var (generatorPath, sourcePath, watched) = (args[0], args[1], args[2]);
        var roslyn = typeof(CSharpCompilation).Assembly.GetName().Version;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(InotifyGen.ProcessEvent).Assembly.Location)
            .Distinct()
            .Select(p => MetadataReference.CreateFromFile(p));
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create("Probe", [CSharpSyntaxTree.ParseText(File.ReadAllText(sourcePath), parse)],
            references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var generators = new AnalyzerFileReference(generatorPath, new Loader()).GetGenerators(LanguageNames.CSharp);
        if (generators.Length != 1)
            throw new InvalidOperationException($"{generators.Length} generators in {generatorPath}");
        CSharpGeneratorDriver.Create(generators, parseOptions: parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        var problems = generatorDiagnostics.Concat(emitted.Diagnostics).Where(d => d.Severity > DiagnosticSeverity.Hidden).ToList();
        if (!emitted.Success || problems.Count > 0 || output.SyntaxTrees.Count() != 2)
            throw new InvalidOperationException("compilation failed:\n" + string.Join("\n", problems));
        Console.WriteLine($"compiled with Microsoft.CodeAnalysis {roslyn}");
        var probe = AssemblyLoadContext.Default.LoadFromStream(new MemoryStream(image.ToArray()));
        probe.GetType("Probe")!.GetMethod("Run")!.Invoke(null, [watched]);

        sealed class Loader : IAnalyzerAssemblyLoader
        {
            public void AddDependencyLocation(string fullPath) { }
            public Assembly LoadFromPath(string fullPath) => AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
        }
        """;
}
