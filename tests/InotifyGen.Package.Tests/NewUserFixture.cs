using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace InotifyGen.Package.Tests;

/// <summary>
/// Packs InotifyGen (and InotifyGen.Hosting) into a temporary local feed, then creates a console app with
/// `dotnet new console` and adds the package from that feed. Each run packs a version of its own
/// (Directory.Build.props's version plus a pre-release tag), so NuGet's cache never serves an older build.
/// </summary>
public sealed class NewUserFixture : IDisposable
{
    public NewUserFixture()
    {
        Root = Directory.CreateTempSubdirectory("inotifygen-pkg-").FullName;
        Feed = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
        var props = File.ReadAllText(Path.Combine(RepositoryRoot, "Directory.Build.props"));
        Version = Regex.Match(props, "<Version>([^<]+)</Version>").Groups[1].Value + "-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff");

        foreach (var project in new[] { "src/InotifyGen/InotifyGen.csproj", "src/InotifyGen.Hosting/InotifyGen.Hosting.csproj" })
            Dotnet(RepositoryRoot, "pack", Path.Combine(RepositoryRoot, project), "-c", "Release", "-o", Feed, "-p:Version=" + Version)
                .ShouldSucceed();

        App = CreateApp("app");
    }

    /// <summary>
    /// `dotnet new console` with the package added from the local feed, as a user does. The template offers only
    /// net10.0; another <paramref name="framework"/> is set in the project file, as a user would edit it.
    /// </summary>
    public string CreateApp(string name, string framework = "net10.0")
    {
        var app = Path.Combine(Root, name);
        Dotnet(Root, "new", "console", "-o", app).ShouldSucceed();
        var csproj = Path.Combine(app, name + ".csproj");
        File.WriteAllText(csproj, Regex.Replace(File.ReadAllText(csproj), "<TargetFramework>[^<]+</TargetFramework>", $"<TargetFramework>{framework}</TargetFramework>"));
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        Dotnet(app, "add", "package", "InotifyGen", "--version", Version).ShouldSucceed();
        return app;
    }

    public string Root { get; }
    public string Feed { get; }
    public string App { get; }
    public string Version { get; }

    public static string RepositoryRoot { get; } = typeof(NewUserFixture).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>Runs the dotnet CLI to completion, with a deadline.</summary>
    public static Result Dotnet(string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // The test host's MSBuild settings must not leak into the user's build.
        foreach (var key in new[] { "MSBuildSDKsPath", "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
            psi.Environment.Remove(key);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(8)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet " + string.Join(' ', args) + " did not finish in 8 minutes");
        }
        return new Result("dotnet " + string.Join(' ', args), p.ExitCode, stdout.Result + stderr.Result);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }

    public sealed record Result(string Command, int ExitCode, string Output)
    {
        public Result ShouldSucceed()
        {
            Assert.True(ExitCode == 0, $"{Command} exited {ExitCode}:\n{Output}");
            return this;
        }
    }
}
