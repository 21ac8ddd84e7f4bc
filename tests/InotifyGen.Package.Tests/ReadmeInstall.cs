using System.Diagnostics;
using System.Text.RegularExpressions;

namespace InotifyGen.Package.Tests;

/// <summary>
/// README's local-feed install commands, taken from README itself (the sh block after the marker comment in
/// "## Install"), so the test and the text cannot drift apart. They run in a copy of the repository: packing builds
/// into the copy's own bin/ and obj/, never into the outputs other test assemblies are building against.
/// </summary>
public static partial class ReadmeInstall
{
    private const string Marker = "<!-- tests/InotifyGen.Package.Tests runs the next block exactly as it stands";

    /// <summary>The commands of README's local-feed block, as one shell script.</summary>
    public static string Commands(string repositoryRoot)
    {
        var readme = File.ReadAllText(Path.Combine(repositoryRoot, "README.md"));
        var at = readme.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(at >= 0, "README.md has no local-feed block marker");
        var block = ShBlock().Match(readme, at);
        Assert.True(block.Success, "no ```sh block after README's local-feed marker");
        return block.Groups[1].Value;
    }

    /// <summary>
    /// Copies the repository's files (those git tracks or would track: no bin/ or obj/) to <paramref name="destination"/>
    /// and commits them there, so Source Link finds a repository and a commit as in a real clone.
    /// </summary>
    public static void CopyRepository(string repositoryRoot, string destination)
    {
        var files = Run("git", repositoryRoot, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
            .Split('\0', StringSplitOptions.RemoveEmptyEntries);
        foreach (var file in files)
        {
            var source = Path.Combine(repositoryRoot, file);
            if (!File.Exists(source))
                continue; // deleted in the work tree, not yet in the index
            var target = Path.Combine(destination, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }
        Run("git", destination, "init", "-q");
        Run("git", destination, "add", "-A");
        Run("git", destination, "-c", "user.name=test", "-c", "user.email=test@localhost", "commit", "-q", "-m", "snapshot");
    }

    /// <summary>The commit that <see cref="CopyRepository"/> made.</summary>
    public static string Head(string repository) => Run("git", repository, "rev-parse", "HEAD").Trim();

    private static string Run(string file, string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)), $"{file} {string.Join(' ', args)} did not finish");
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    [GeneratedRegex(@"\G[\s\S]*?```sh\n([\s\S]*?)```")]
    private static partial Regex ShBlock();
}
