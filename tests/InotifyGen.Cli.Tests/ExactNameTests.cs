using System.Text;
using System.Text.Json;
using InotifyGen.Cli.Tests.Support;
using InotifyGen.Tests.Support;
using static InotifyGen.Cli.Tests.Support.ByteNames;

namespace InotifyGen.Cli.Tests;

/// <summary>
/// Names a line-based, UTF-8-decoding printer would garble: every output format, ended by a newline or (-0) by NUL,
/// gives back their exact bytes. The raw formats write the bytes as they are; --json adds *_b64 fields.
/// </summary>
public sealed class ExactNameTests
{
    /// <summary>A newline, a quote, a backslash, a tab, a comma, and two names that differ only in a byte that is not UTF-8.</summary>
    private static readonly byte[][] Names =
    [
        Utf8("nl\nx"), Utf8("q\"x"), Utf8("bs\\x"), Utf8("tab\tx"), Utf8("c,x"),
        [(byte)'x', 0xFF, (byte)'y'], [(byte)'x', 0xFE, (byte)'y'],
    ];

    private static bool IsUtf8(byte[] b) => System.Text.Unicode.Utf8.IsValid(b);

    private static CliProcess Watch(string? end, params string[] args) =>
        CliProcess.StartWatching((end is null ? args : args.Prepend(end)).ToArray());

    /// <summary>
    /// Watches a fresh directory for IN_CREATE with <paramref name="options"/> (and <paramref name="end"/>, -0 or a
    /// synonym, unless null), creates every one of <see cref="Names"/> in it, and returns the directory, the record
    /// terminator and stdout once <paramref name="complete"/>(stdout, terminator, directory) says it is all there.
    /// </summary>
    private static (string Dir, byte End, byte[] Output) Capture(string? end, Func<byte[], byte, string, bool> complete, params string[] options)
    {
        using var dir = new TempDir();
        using var cli = Watch(end, [.. options, "-e", "IN_CREATE", dir.Path]);
        foreach (var name in Names)
            ByteNames.Create(dir.Path, name);
        var terminator = end is null ? (byte)'\n' : (byte)0;
        return (dir.Path, terminator, cli.WaitForStdoutBytes(b => complete(b, terminator, dir.Path)));
    }

    private static byte[] RawLines(string d, byte end) => Concat(Names.Select(n => Concat(
        Utf8("<Event dir=False mask=0x100 maskname=IN_CREATE name="), n, Utf8($" path={d} pathname={d}/"), n, Utf8(" wd=1 >"), [end])).ToArray());

    private static byte[] FormatLines(string d, byte end) =>
        Concat(Names.Select(n => Concat(Utf8($"{d}/|"), n, Utf8("|CREATE"), [end])).ToArray());

    [Theory]
    [InlineData(null)]
    [InlineData("-0")]
    public void Raw_NamesAreWrittenAsTheirBytes(string? end)
    {
        var (d, terminator, output) = Capture(end, (b, t, d) => b.Length >= RawLines(d, t).Length, "-f");

        Assert.Equal(RawLines(d, terminator), output);
        if (end is null)
            return;
        // Split at NUL and read back: the name stands between " name=" and " path=".
        var names = Records(output, 0).Select(r => r[(IndexOf(r, Utf8(" name=")) + 6)..IndexOf(r, Utf8($" path={d} "))]);
        Assert.Equal(Names, names);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("--print0")]
    public void Format_NamesAreWrittenAsTheirBytes(string? end)
    {
        var (d, terminator, output) = Capture(end, (b, t, d) => b.Length >= FormatLines(d, t).Length, "--format", "%w|%f|%e");

        Assert.Equal(FormatLines(d, terminator), output);
        if (end is not null)
            Assert.Equal(Names, Records(output, 0).Select(r => r[(d.Length + 2)..^"|CREATE".Length]));
    }

    [Fact]
    public void Format_FileNameWithNull_GivesXargsTheExactNames()
    {
        var (_, _, output) = Capture("--null", (b, t, _) => Records(b, t).Count >= Names.Length, "--format", "%f");

        Assert.Equal(Names, Records(output, 0));
        Assert.Equal(0, output[^1]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("-0")]
    public void Json_EveryNameParsesBackToItsBytes(string? end)
    {
        var (d, terminator, output) = Capture(end, (b, t, _) => Records(b, t).Count >= Names.Length, "--json");

        Assert.True(IsUtf8(output), "--json output must be valid UTF-8");
        var records = Records(output, terminator);
        Assert.Equal(Names.Length, records.Count);
        for (var i = 0; i < Names.Length; i++)
        {
            var name = Names[i];
            using var doc = JsonDocument.Parse(records[i]); // strict: rejects invalid UTF-8 and raw control characters
            var o = doc.RootElement;
            Assert.Equal(name, Exact(o, "name"));
            Assert.Equal(Concat(Utf8(d + "/"), name), Exact(o, "pathname"));
            Assert.Equal(Utf8(d), Exact(o, "path"));
            // The base64 copies appear exactly when the text cannot be exact, and the text stays readable.
            Assert.Equal(!IsUtf8(name), o.TryGetProperty("name_b64", out _));
            Assert.Equal(!IsUtf8(name), o.TryGetProperty("pathname_b64", out _));
            Assert.False(o.TryGetProperty("path_b64", out _));
            Assert.Equal(Encoding.UTF8.GetString(name), o.GetProperty("name").GetString());
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("-0")]
    public void Csv_EveryNameParsesBackToItsBytes(string? end)
    {
        var (d, terminator, output) = Capture(end, (b, t, _) => ParseCsv(b, t).Count >= Names.Length, "--csv");

        var records = ParseCsv(output, terminator);
        Assert.Equal(Names.Length, records.Count);
        for (var i = 0; i < Names.Length; i++)
            Assert.Equal([Utf8(d + "/"), Utf8("CREATE"), Names[i]], records[i]);
        // inotifywait's quoting: only a field with a comma, quote or line break is quoted, a quote doubled inside.
        Assert.True(IndexOf(output, Concat(Utf8($"{d}/,CREATE,"), Names[5], [terminator])) >= 0);
        Assert.True(IndexOf(output, Concat(Utf8($"{d}/,CREATE,\"q\"\"x\""), [terminator])) >= 0);
    }

    [Fact]
    public void PathsThatAreNotUtf8_AreExactToo()
    {
        using var dir = new TempDir();
        var d = dir.Path;
        byte[] old = [(byte)'o', 0xFF], late = [(byte)'l', 0xFE];
        var oldPath = Concat(Utf8(d + "/"), old);
        var latePath = Concat(Utf8(d + "/"), late);
        ByteNames.MakeDirectory(d, old);
        string[] options = ["-r", "-a", "-e", "IN_CREATE,IN_MOVED_FROM,IN_MOVED_TO", d];
        using var json = Watch(null, ["--json", .. options]);
        using var format = Watch("-0", ["--format", "%w%f", .. options]);

        // A directory found by the set-up walk, one made while inotifygen is stopped (its entry only a listing can
        // report), and a move between them, whose source path is not UTF-8.
        ByteNames.Create(d, [.. old, (byte)'/', (byte)'f']);
        json.Pause();
        format.Pause();
        try
        {
            ByteNames.MakeDirectory(d, late);
            ByteNames.Create(d, [.. late, (byte)'/', (byte)'g']);
        }
        finally
        {
            json.Resume();
            format.Resume();
        }
        // Once g is reported, "late" is watched: the move into it is the kernel's to report.
        format.WaitForStdoutBytes(b => Records(b, 0).Count >= 3);
        json.WaitForStdoutBytes(b => Records(b, (byte)'\n').Count >= 3);
        ByteNames.Rename(d, [.. old, (byte)'/', (byte)'f'], [.. late, (byte)'/', (byte)'h']);

        byte[][] pathNames =
        [
            Concat(oldPath, Utf8("/f")), latePath, Concat(latePath, Utf8("/g")), Concat(oldPath, Utf8("/f")), Concat(latePath, Utf8("/h")),
        ];
        Assert.Equal(pathNames, Records(format.WaitForStdoutBytes(b => Records(b, 0).Count >= 5), 0));
        var objects = Records(json.WaitForStdoutBytes(b => Records(b, (byte)'\n').Count >= 5), (byte)'\n')
            .Select(r => JsonDocument.Parse(r).RootElement.Clone()).ToList();
        Assert.Equal(pathNames, objects.Select(o => Exact(o, "pathname")));
        Assert.Equal([oldPath, Utf8(d), latePath, oldPath, latePath], objects.Select(o => Exact(o, "path")));
        Assert.True(objects[2].GetProperty("synthetic").GetBoolean());
        Assert.Equal(Concat(oldPath, Utf8("/f")), Exact(objects[4], "src_pathname"));
        Assert.True(objects[4].TryGetProperty("src_pathname_b64", out _));
    }

    [Fact]
    public void PathsGivenThatAreNotUtf8_AreWatchedAsGiven()
    {
        using var dir = new TempDir();
        var d = dir.Path;
        byte[] top = [(byte)'t', 0xFF], listed = [(byte)'l', 0xFE];
        ByteNames.MakeDirectory(d, top);
        ByteNames.MakeDirectory(d, [.. top, (byte)'/', (byte)'s']); // -r walks into it
        ByteNames.MakeDirectory(d, listed);
        var fromFile = dir["paths"];
        File.WriteAllBytes(fromFile, Concat(Utf8(d + "/"), listed, Utf8("\n")));
        // A .NET caller would pass the argument as UTF-8 text; the shell passes inotifygen the bytes.
        using var cli = CliProcess.StartProgram("/bin/sh", "-c",
            $"exec {CliProcess.ShellQuote(CliProcess.CliPath)} -r -0 --format %w%f -e IN_CREATE --fromfile {CliProcess.ShellQuote(fromFile)} \"$(printf '{d}/t\\377')\"");
        cli.WaitForStderr(l => l == "Watches established.");

        ByteNames.Create(d, [.. top, (byte)'/', (byte)'s', (byte)'/', (byte)'a']);
        ByteNames.Create(d, [.. listed, (byte)'/', (byte)'b']);

        Assert.Equal(
            [Concat(Utf8(d + "/"), top, Utf8("/s/a")), Concat(Utf8(d + "/"), listed, Utf8("/b"))],
            Records(cli.WaitForStdoutBytes(b => Records(b, 0).Count >= 2), 0));
    }

    [Fact]
    public void Command_GetsTheBatchAsBytes()
    {
        using var dir = new TempDir();
        var watched = dir.CreateDirectory("w");
        var got = dir["stdin-of-command"];
        using var cli = Watch("-0", "--format", "%f", "-e", "IN_CREATE", "-c", $"cat >> '{got}'", watched);

        foreach (var name in Names)
            ByteNames.Create(watched, name);

        var expected = Concat(Names.Select(n => Concat(n, [0])).ToArray());
        cli.WaitForStdoutBytes(b => b.Length >= expected.Length);
        // The command runs after its batch is printed: wait for its file.
        Assert.Equal(expected, CliProcess.WaitForFile(got, b => b.Length >= expected.Length));
    }

    /// <summary>A name or path from a --json object: the *_b64 bytes when present, else the text's UTF-8.</summary>
    private static byte[] Exact(JsonElement o, string field) =>
        o.TryGetProperty(field + "_b64", out var b64) ? b64.GetBytesFromBase64() : Utf8(o.GetProperty(field).GetString()!);

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

}
