using System.Diagnostics;
using System.Text.RegularExpressions;
using InotifyGen.Cli.Tests.Support;
using InotifyGen.Tests.Support;

namespace InotifyGen.Cli.Tests;

/// <summary>The man page and the bash completions, both rendered from the option table that --help shows.</summary>
public sealed partial class DocumentationTests
{
    [Fact]
    public void ManPage_HasEveryOptionOfHelp_AndGroffRendersItWithoutAWarning()
    {
        using var help = CliProcess.Run("--help");
        using var man = CliProcess.Run("--man");
        Assert.Equal(0, man.ExitCode);
        var page = string.Join('\n', man.Stdout);
        Assert.StartsWith(".TH INOTIFYGEN 1 ", page);

        var helpOptions = help.Stdout.Where(l => l.StartsWith("  -", StringComparison.Ordinal))
            .SelectMany(l => OptionName().Matches(l.Split("  ", 3, StringSplitOptions.RemoveEmptyEntries)[0]).Select(m => m.Value)).ToHashSet();
        var manOptions = man.Stdout.Where(l => l.StartsWith("\\fB\\-", StringComparison.Ordinal))
            .SelectMany(l => OptionName().Matches(Unroff(l)).Select(m => m.Value)).ToHashSet();
        Assert.Contains("--recursive", helpOptions);
        Assert.True(helpOptions.SetEquals(manOptions), $"only in --help: {string.Join(' ', helpOptions.Except(manOptions))}; only in --man: {string.Join(' ', manOptions.Except(helpOptions))}");

        var groff = Run("groff", ["-man", "-Tutf8", "-ww"], page);
        Assert.Equal("", groff.Stderr);
        var text = Terminal().Replace(groff.Stdout, "").Replace('\u2010', '-').Replace('\u2212', '-');
        Assert.Contains("--pid-file FILE", text);
    }

    [Fact]
    public void BashCompletions_CompleteOptionsEventListsAndFiles()
    {
        using var dir = new TempDir();
        var script = dir.WriteFile("inotifygen.bash", string.Join('\n', CliProcess.Run("--completions", "bash").Stdout));
        dir.WriteFile("abc.pid");

        Assert.Equal(["--recursive"], Complete(script, "inotifygen", "--recu"));
        Assert.Equal(["IN_CREATE,IN_DELETE", "IN_CREATE,IN_DELETE_SELF"], Complete(script, "inotifygen", "-r", "-e", "IN_CREATE,IN_DEL"));
        Assert.Equal([dir["abc.pid"]], Complete(script, "inotifygen", "--pid-file", dir["ab"]));
        Assert.Empty(Complete(script, "inotifygen", "--timeout", "")); // a number: nothing to offer
    }

    [Fact]
    public void Completions_ForAShellWithNoScript_IsAUsageErrorNamingTheShellsThereAre()
    {
        using var cli = CliProcess.Run("--completions", "tcsh");
        Assert.Equal(2, cli.ExitCode);
        Assert.Equal("inotifygen: error: --completions: no script for 'tcsh'; the shells are: bash", Assert.Single(cli.Stderr));
    }

    /// <summary>A roff line as text: font changes dropped, \- as -.</summary>
    private static string Unroff(string line) => line.Replace("\\fB", " ", StringComparison.Ordinal)
        .Replace("\\fR", " ", StringComparison.Ordinal).Replace("\\fI", " ", StringComparison.Ordinal).Replace("\\-", "-", StringComparison.Ordinal);

    /// <summary>What bash offers for the last of <paramref name="words"/>, with the script loaded.</summary>
    private static string[] Complete(string script, params string[] words)
    {
        var quoted = string.Join(' ', words.Select(w => "'" + w + "'"));
        var run = Run("bash", ["-c", $"source '{script}' && complete -p inotifygen >/dev/null && COMP_WORDS=({quoted}) && COMP_CWORD={words.Length - 1} && _inotifygen && printf '%s\\n' \"${{COMPREPLY[@]}}\""], null);
        Assert.Equal("", run.Stderr);
        return run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static (string Stdout, string Stderr) Run(string file, string[] args, string? stdin)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(stdin ?? "");
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(CliProcess.Deadline), $"{file} did not exit");
        return (stdout.Result, stderr.Result);
    }

    /// <summary>grotty's bold and underline: overstrikes (X backspace X) and SGR escapes.</summary>
    [GeneratedRegex(@".\x08|\x1b\[[0-9;]*m")]
    private static partial Regex Terminal();

    [GeneratedRegex(@"(?<![\w-])--?[\w?][\w-]*")]
    private static partial Regex OptionName();
}
