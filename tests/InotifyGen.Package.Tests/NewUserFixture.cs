using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace InotifyGen.Package.Tests;

/// <summary>
/// Runs README's local-feed install commands (<see cref="ReadmeInstall"/>) in a copy of the repository under a
/// temporary directory: they pack every package into <see cref="Feed"/> with a fresh pre-release version, create the
/// console app <see cref="App"/> that uses InotifyGen from it, and install the inotifygen tool into <see cref="Tools"/>.
/// The package tests then use that feed, app and tool.
/// </summary>
public sealed partial class NewUserFixture : IDisposable
{
    public NewUserFixture()
    {
        Root = Directory.CreateTempSubdirectory("inotifygen-pkg-").FullName;
        Clone = Path.Combine(Root, "InotifyGen");
        ReadmeInstall.CopyRepository(RepositoryRoot, Clone);
        Commit = ReadmeInstall.Head(Clone);
        var clock = Stopwatch.StartNew();
        InstallOutput = Bash(Clone, ReadmeInstall.Commands(RepositoryRoot)).ShouldSucceed().Output;
        InstallTime = clock.Elapsed;

        Feed = Path.Combine(Root, "inotifygen-feed");
        App = Path.Combine(Root, "myapp");
        Tools = Path.Combine(Root, "tools");
        Version = Directory.GetFiles(Feed, "InotifyGen.*.nupkg").Select(f => LibraryVersion().Match(Path.GetFileName(f)))
            .Single(m => m.Success).Groups[1].Value;
    }

    /// <summary>
    /// Another `dotnet new console` app with the package from the feed, as README's commands make one. The template
    /// offers only net10.0; another <paramref name="framework"/> is set in the project file, as a user would edit it.
    /// </summary>
    public string CreateApp(string name, string framework = "net10.0")
    {
        var app = Path.Combine(Root, name);
        Dotnet(Root, "new", "console", "-o", app).ShouldSucceed();
        var csproj = Path.Combine(app, name + ".csproj");
        File.WriteAllText(csproj, Regex.Replace(File.ReadAllText(csproj), "<TargetFramework>[^<]+</TargetFramework>", $"<TargetFramework>{framework}</TargetFramework>"));
        File.Copy(Path.Combine(App, "nuget.config"), Path.Combine(app, "nuget.config"));
        Dotnet(app, "add", "package", "InotifyGen", "--version", Version).ShouldSucceed();
        return app;
    }

    /// <summary>The temporary directory: the repository copy, the feed, the apps and the tools are in it.</summary>
    public string Root { get; }
    /// <summary>The copy of the repository that was packed (its own git repository, one commit).</summary>
    public string Clone { get; }
    /// <summary>That commit: Source Link and the nuspec's repository element name it.</summary>
    public string Commit { get; }
    public string Feed { get; }
    public string App { get; }
    public string Tools { get; }
    public string Version { get; }
    public string InstallOutput { get; }
    public TimeSpan InstallTime { get; }

    public static string RepositoryRoot { get; } = typeof(NewUserFixture).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>Runs the dotnet CLI to completion, with a deadline.</summary>
    public static Result Dotnet(string workingDirectory, params string[] args) => Run("dotnet", workingDirectory, args);

    /// <summary>Runs a shell script (bash -euo pipefail) to completion, with a deadline.</summary>
    public static Result Bash(string workingDirectory, string script) => Run("bash", workingDirectory, ["-euo", "pipefail", "-c", script]);

    private static Result Run(string file, string workingDirectory, string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // No MSBuild node outlives the command (they would hold the temporary directory's files).
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        // The test host's MSBuild settings must not leak into the user's build.
        foreach (var key in new[] { "MSBuildSDKsPath", "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
            psi.Environment.Remove(key);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        var command = file + " " + string.Join(' ', args);
        if (!p.WaitForExit(TimeSpan.FromMinutes(12)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException(command + " did not finish in 12 minutes");
        }
        return new Result(command, p.ExitCode, stdout.Result + stderr.Result);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }

    [GeneratedRegex(@"^InotifyGen\.(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)\.nupkg$")]
    private static partial Regex LibraryVersion();

    public sealed record Result(string Command, int ExitCode, string Output)
    {
        public Result ShouldSucceed()
        {
            Assert.True(ExitCode == 0, $"{Command} exited {ExitCode}:\n{Output}");
            return this;
        }
    }
}

/// <summary>The test classes that share one <see cref="NewUserFixture"/>: README's install commands run once.</summary>
[CollectionDefinition(Name)]
public sealed class PackageFeed : ICollectionFixture<NewUserFixture>
{
    public const string Name = "package feed";
}
