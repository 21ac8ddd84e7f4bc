using System.Diagnostics;
using InotifyGen.Analyzers.Tests.Support;

namespace InotifyGen.Analyzers.Tests;

/// <summary>The analyzers run in a real command-line build, loaded the way a project loads them.</summary>
public class BuildTests
{
    [Fact]
    public async Task DotnetBuild_OfAProjectWithATypo_ShowsTheWarning()
    {
        var dir = Directory.CreateTempSubdirectory("igen-build-");
        try
        {
            string Project(string relative) => Repository.PathOf(relative);
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "Typo.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <ProjectReference Include="{Project("src/InotifyGen/InotifyGen.csproj")}" />
                    <ProjectReference Include="{Project("generator/InotifyGen.Generator/InotifyGen.Generator.csproj")}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                    <ProjectReference Include="{Project("analyzers/InotifyGen.Analyzers/InotifyGen.Analyzers.csproj")}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                    <ProjectReference Include="{Project("analyzers/InotifyGen.CodeFixes/InotifyGen.CodeFixes.csproj")}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                  </ItemGroup>
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "Uploads.cs"), """
                using InotifyGen;

                public partial class Uploads : ProcessEvent
                {
                    void process_IN_CRAETE(InotifyEvent e) { }
                }
                """);

            // The referenced projects were built with this test project, in the same configuration: reuse them
            // (no rebuild, no restore of their graph), so the build costs one small compilation.
            var (exitCode, output) = await RunAsync(dir.FullName, "dotnet", "build", "Typo.csproj", "-c", Repository.Configuration,
                "-p:BuildProjectReferences=false", "-p:RestoreRecursive=false", "-nodeReuse:false", "-v:minimal", "-nologo");

            Assert.True(exitCode == 0, output);
            Assert.Contains("Uploads.cs(5,10): warning IGEN001: 'process_IN_CRAETE' matches no inotify event, so it is never called; " +
                "did you mean 'process_IN_CREATE'?", output, StringComparison.Ordinal);
            // The code-fix assembly sits next to the analyzers (as in a package) without upsetting the compiler.
            Assert.DoesNotContain("CS8032", output, StringComparison.Ordinal);
            Assert.DoesNotContain("AD0001", output, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task DotnetBuild_RulesThatMisfireOnHandlerMethods_AreSuppressedThereOnly()
    {
        using var project = TempProject.Create("Suppressed", """
            root = true
            [*.cs]
            dotnet_diagnostic.CA1822.severity = warning
            dotnet_diagnostic.IDE0051.severity = warning
            dotnet_diagnostic.IDE0060.severity = warning
            """,
            ("Uploads.cs", """
                using InotifyGen;

                public partial class Uploads : ProcessEvent
                {
                    void process_IN_CREATE(InotifyEvent e) { }
                    [OnDelete] private void Gone(InotifyEvent e) { }
                    public bool process_IN_MODIFY(InotifyEvent e) => false;
                    public int Helper(int unused) => 1;
                    private void Unused() { }
                }
                """));

        var (exitCode, output) = await project.RunAsync("build", "-p:EnforceCodeStyleInBuild=true");

        Assert.True(exitCode == 0, output);
        // The same rules still fire on a method that is no handler, so they were really on.
        Assert.Contains("Uploads.cs(8,16): warning CA1822", output, StringComparison.Ordinal);
        Assert.Contains("Uploads.cs(8,27): warning IDE0060", output, StringComparison.Ordinal);
        Assert.Contains("Uploads.cs(9,18): warning IDE0051", output, StringComparison.Ordinal);
        // None on the handler methods (lines 5 to 7).
        Assert.DoesNotMatch(@"Uploads\.cs\([567],\d+\): warning", output);
    }

    [Fact]
    public async Task DotnetFormat_AppliesEveryFixInTheSolution_ThenTheProjectBuildsWithoutIgenWarnings()
    {
        using var project = TempProject.Create("Mistakes", "",
            ("Handlers.cs", """
                using InotifyGen;

                public class Uploads : ProcessEvent                   // IGEN003
                {
                    // A valid handler too, so IGEN003 is there before the renames (dotnet format runs each rule once).
                    [OnModify] void Changed(InotifyEvent e) { }
                    void process_IN_CRAETE(InotifyEvent e) { }        // IGEN001
                    void process_IN_DELEET(InotifyEvent e) => process_IN_CRAETE(e);   // IGEN001
                }

                public sealed class Deletions : ProcessEvent          // IGEN003
                {
                    [OnDelete] void Gone(InotifyEvent e) { }
                }

                public class Watcher                                  // IGEN007
                {
                    [OnCreate] void Created(InotifyEvent e) { }
                }
                """),
            ("More.cs", """
                using InotifyGen;

                class Second                                          // IGEN007
                {
                    void process_IN_MODIFY(InotifyEvent e) { }
                }

                partial class Third : ProcessEvent
                {
                    void process_IN_MOVED_TOO(InotifyEvent e) { }     // IGEN001
                    public void Call(Uploads u) { }
                }

                static class Holder
                {
                    public partial class Nested : ProcessEvent        // IGEN015
                    {
                        [OnCreate] void Made(InotifyEvent e) { }
                    }
                }
                """));

        var (formatExit, formatOutput) = await project.RunAsync("format", "analyzers", "--diagnostics", "IGEN001", "IGEN003", "IGEN007", "IGEN015", "-v", "diag");

        Assert.True(formatExit == 0, formatOutput);
        Assert.DoesNotContain("Unable to fix", formatOutput, StringComparison.Ordinal);
        var handlers = File.ReadAllText(project.PathOf("Handlers.cs"));
        var more = File.ReadAllText(project.PathOf("More.cs"));
        Assert.True(handlers.Contains("partial class Uploads", StringComparison.Ordinal), formatOutput + "\n" + handlers + more);
        Assert.Contains("public partial class Uploads : ProcessEvent", handlers, StringComparison.Ordinal);
        Assert.Contains("void process_IN_DELETE(InotifyEvent e) => process_IN_CREATE(e);", handlers, StringComparison.Ordinal);
        Assert.Contains("public sealed partial class Deletions : ProcessEvent", handlers, StringComparison.Ordinal);
        Assert.Contains("public partial class Watcher : ProcessEvent", handlers, StringComparison.Ordinal);
        Assert.Contains("partial class Second : ProcessEvent", more, StringComparison.Ordinal);
        Assert.Contains("void process_IN_MOVED_TO(InotifyEvent e)", more, StringComparison.Ordinal);
        Assert.Contains("static partial class Holder", more, StringComparison.Ordinal);

        var (buildExit, buildOutput) = await project.RunAsync("build");
        Assert.True(buildExit == 0, buildOutput);
        Assert.DoesNotContain("IGEN", buildOutput, StringComparison.Ordinal);
        Assert.Matches(@"\b0 Warning\(s\)", buildOutput);
    }

    internal static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // The test host's MSBuild settings must not leak into the child's build (dotnet format loads its own MSBuild).
        foreach (var key in new[] { "MSBuildSDKsPath", "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
            start.Environment.Remove(key);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
