using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using InotifyGen.Cli.Tests.Support;
using InotifyGen.Tests.Support;

namespace InotifyGen.Cli.Tests;

/// <summary>Each output format, checked character for character against real events.</summary>
public sealed class OutputFormatTests
{
    private const string FileEvents = "IN_CREATE,IN_CLOSE_WRITE,IN_MOVED_FROM,IN_MOVED_TO,IN_DELETE";

    [Fact]
    public void Raw_FileLifecycle_PrintsPyinotifyLinesExactly()
    {
        using var dir = new TempDir();
        var d = dir.Path;
        using var cli = CliProcess.StartWatching("-e", FileEvents, d);

        File.WriteAllText(dir["f"], "x");
        File.Move(dir["f"], dir["g"]);
        File.Delete(dir["g"]);
        Directory.CreateDirectory(dir["sub"]);

        var lines = cli.WaitForLines(6);
        var cookie = Regex.Match(lines[2], @"cookie=(\d+) ").Groups[1].Value;
        Assert.NotEqual("", cookie);
        Assert.Equal(
        [
            $"<Event dir=False mask=0x100 maskname=IN_CREATE name=f path={d} pathname={d}/f wd=1 >",
            $"<Event dir=False mask=0x8 maskname=IN_CLOSE_WRITE name=f path={d} pathname={d}/f wd=1 >",
            $"<Event cookie={cookie} dir=False mask=0x40 maskname=IN_MOVED_FROM name=f path={d} pathname={d}/f wd=1 >",
            $"<Event cookie={cookie} dir=False mask=0x80 maskname=IN_MOVED_TO name=g path={d} pathname={d}/g src_pathname={d}/f wd=1 >",
            $"<Event dir=False mask=0x200 maskname=IN_DELETE name=g path={d} pathname={d}/g wd=1 >",
            $"<Event dir=True mask=0x40000100 maskname=IN_CREATE|IN_ISDIR name=sub path={d} pathname={d}/sub wd=1 >",
        ], lines);
        cli.Signal();
        Assert.Equal(0, cli.ExitCode);
    }

    [Fact]
    public void Raw_WatchedDirectoryRemoved_PrintsSelfEventsWithEmptyName()
    {
        using var dir = new TempDir();
        var d = dir.CreateDirectory("w");
        using var cli = CliProcess.StartWatching("-e", "IN_DELETE_SELF,IN_IGNORED", d);

        Directory.Delete(d);

        Assert.Equal(
        [
            $"<Event dir=True mask=0x400 maskname=IN_DELETE_SELF name='' path={d} pathname={d} wd=1 >",
            $"<Event dir=False mask=0x8000 maskname=IN_IGNORED name='' path={d} pathname={d} wd=1 >",
        ], cli.WaitForLines(2));
    }

    [Fact]
    public void Json_FileLifecycle_WritesOneObjectPerEvent()
    {
        using var dir = new TempDir();
        var d = dir.Path;
        using var cli = CliProcess.StartWatching("--json", "-e", FileEvents, d);

        File.WriteAllText(dir["q\"x"], "x");
        File.Move(dir["q\"x"], dir["g"]);
        Directory.CreateDirectory(dir["sub"]);

        var lines = cli.WaitForLines(5);
        var cookie = JsonDocument.Parse(lines[2]).RootElement.GetProperty("cookie").GetUInt32();
        Assert.Equal(
        [
            $$"""{"wd":1,"mask":256,"maskname":"IN_CREATE","dir":false,"name":"q\"x","path":"{{d}}","pathname":"{{d}}/q\"x"}""",
            $$"""{"wd":1,"mask":8,"maskname":"IN_CLOSE_WRITE","dir":false,"name":"q\"x","path":"{{d}}","pathname":"{{d}}/q\"x"}""",
            $$"""{"wd":1,"mask":64,"maskname":"IN_MOVED_FROM","dir":false,"cookie":{{cookie}},"name":"q\"x","path":"{{d}}","pathname":"{{d}}/q\"x"}""",
            $$"""{"wd":1,"mask":128,"maskname":"IN_MOVED_TO","dir":false,"cookie":{{cookie}},"name":"g","path":"{{d}}","pathname":"{{d}}/g","src_pathname":"{{d}}/q\"x"}""",
            $$"""{"wd":1,"mask":1073742080,"maskname":"IN_CREATE|IN_ISDIR","dir":true,"name":"sub","path":"{{d}}","pathname":"{{d}}/sub"}""",
        ], lines);
        foreach (var line in lines)
            Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(line).RootElement.ValueKind);
    }

    [Fact]
    public void Csv_NamesWithCommaAndQuote_AreQuotedLikeInotifywait()
    {
        using var dir = new TempDir();
        var d = dir.Path;
        using var cli = CliProcess.StartWatching("--csv", "-e", "IN_CREATE,IN_CLOSE_WRITE", d);

        File.WriteAllText(dir["a,\"b"], "x");
        Directory.CreateDirectory(dir["sub"]);

        Assert.Equal(
        [
            $"{d}/,CREATE,\"a,\"\"b\"",
            $"{d}/,\"CLOSE_WRITE,CLOSE\",\"a,\"\"b\"",
            $"{d}/,\"CREATE,ISDIR\",sub",
        ], cli.WaitForLines(3));
    }

    [Fact]
    public void Format_InotifywaitConversions_AreExpanded()
    {
        using var dir = new TempDir();
        var d = dir.Path;
        using var cli = CliProcess.StartWatching("--format", "%w|%f|%e|%:e|%_e|%%|%x", "-e", "IN_CLOSE_WRITE,IN_DELETE_SELF", d);

        File.WriteAllText(dir["f"], "x");
        Assert.Equal($"{d}/|f|CLOSE_WRITE,CLOSE|CLOSE_WRITE:CLOSE|CLOSE_WRITE_CLOSE|%|%x", cli.WaitForLines(1)[0]);
        Directory.Delete(d, recursive: true);
        // An event on the watched directory itself: %w is the directory, %f is empty.
        Assert.Equal($"{d}/||DELETE_SELF|DELETE_SELF|DELETE_SELF|%|%x", cli.WaitForLines(2)[1]);
    }

    [Fact]
    public void Format_TimeWithTimefmt_IsTheEventTimeInStrftimeForm()
    {
        using var dir = new TempDir();
        var env = new Dictionary<string, string?> { ["TZ"] = "UTC" };
        using var cli = CliProcess.StartWith(env, "--format", "%T|%f", "--timefmt", "%Y-%m-%d %H:%M:%S %z %Z %s %j %a %b %%", "-e", "IN_CLOSE_WRITE", dir.Path);
        cli.WaitForStderr(l => l == "Watches established.");

        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        File.WriteAllText(dir["f"], "x");
        var line = cli.WaitForLines(1)[0];
        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var m = Regex.Match(line, @"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \+0000 UTC (\d+) (\d{3}) (\w{3}) (\w{3}) %\|f$");
        Assert.True(m.Success, line);
        var epoch = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.InRange(epoch, before, after);
        var t = DateTimeOffset.FromUnixTimeSeconds(epoch);
        Assert.Equal(t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), m.Groups[1].Value);
        Assert.Equal(t.DayOfYear.ToString("000", CultureInfo.InvariantCulture), m.Groups[3].Value);
        Assert.Equal(t.ToString("ddd", CultureInfo.InvariantCulture), m.Groups[4].Value);
        Assert.Equal(t.ToString("MMM", CultureInfo.InvariantCulture), m.Groups[5].Value);
    }

    [Fact]
    public void Colour_OnATerminal_UsesPyinotifyEscapeCodes()
    {
        using var dir = new TempDir();
        var d = dir.Path;
        using var cli = OnTerminal(null, "-e", "IN_CREATE", d);

        File.WriteAllText(dir["f"], "x");

        const string N = "\e[0m";
        static string F(string name, string value) => $" \e[34m{name}{N}{N}={N}\e[35m{value}{N}";
        var expected = $"{N}<{N}\e[31m\e[1mEvent{N}" + F("dir", "False") + F("mask", "0x100") + F("maskname", "IN_CREATE")
            + F("name", "f") + F("path", d) + F("pathname", d + "/f") + F("wd", "1") + $" {N}>{N}";
        Assert.Equal(expected, cli.WaitForLine(l => l.Contains("Event", StringComparison.Ordinal)).TrimEnd('\r'));
    }

    [Theory]
    [InlineData("NO_COLOR")]
    [InlineData("-f")]
    public void Colour_OnATerminal_IsOffWithNoColorOrRawFormat(string how)
    {
        using var dir = new TempDir();
        var d = dir.Path;
        using var cli = how == "-f"
            ? OnTerminal(null, "-f", "-e", "IN_CREATE", d)
            : OnTerminal(new Dictionary<string, string?> { ["NO_COLOR"] = "1" }, "-e", "IN_CREATE", d);

        File.WriteAllText(dir["f"], "x");

        Assert.Equal($"<Event dir=False mask=0x100 maskname=IN_CREATE name=f path={d} pathname={d}/f wd=1 >",
            cli.WaitForLine(l => l.Contains("Event", StringComparison.Ordinal)).TrimEnd('\r'));
    }

    /// <summary>Runs inotifygen on a pseudo-terminal (util-linux `script`), where stdout and stderr are one stream
    /// (and, since the reader splits lines at '\r' too, "\r" updates arrive as lines of their own).</summary>
    internal static CliProcess OnTerminal(Dictionary<string, string?>? env, params string[] args)
    {
        var command = string.Join(' ', new[] { CliProcess.CliPath }.Concat(args).Select(CliProcess.ShellQuote));
        var p = CliProcess.StartProgramWith(env ?? new Dictionary<string, string?>(), "script", "-qfec", command, "/dev/null");
        p.WaitForLine(l => l.EndsWith("Watches established.", StringComparison.Ordinal));
        return p;
    }
}
