using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace InotifyGen.Package.Tests;

/// <summary>
/// The packages README's commands built, read back: nuspec metadata, dependency groups per framework, and the
/// symbols package's PDBs (Source Link to the repository at the packed commit, no build-machine path).
/// </summary>
[Collection(PackageFeed.Name)]
public class PackageMetadataTests(NewUserFixture fixture)
{
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    public static TheoryData<string> Libraries => ["InotifyGen", "InotifyGen.Daemon", "InotifyGen.Hosting", "InotifyGen.Nats"];
    public static TheoryData<string> Packages => ["InotifyGen", "InotifyGen.Daemon", "InotifyGen.Hosting", "InotifyGen.Nats", "InotifyGen.Cli"];

    private static string RepositoryUrl { get; } = Regex.Match(
        File.ReadAllText(Path.Combine(NewUserFixture.RepositoryRoot, "src", "Directory.Build.props")),
        "<RepositoryUrl>([^<]+)</RepositoryUrl>").Groups[1].Value;

    [Theory]
    [MemberData(nameof(Packages))]
    public void Nuspec_HasTheMetadataOfAWellKeptPackage(string id)
    {
        using var nupkg = Open(id, "nupkg");
        var m = Metadata(nupkg);
        Assert.Equal(id, Text(m, "id"));
        Assert.Equal(fixture.Version, Text(m, "version"));
        Assert.Equal("MIT", Text(m, "license"));
        Assert.Equal("expression", m.Child("license")!.Attribute("type")!.Value);
        Assert.Equal(RepositoryUrl, Text(m, "projectUrl"));
        var repository = m.Child("repository")!;
        Assert.Equal("git", repository.Attribute("type")!.Value);
        Assert.Equal(RepositoryUrl, repository.Attribute("url")!.Value);
        Assert.Equal(fixture.Commit, repository.Attribute("commit")!.Value);
        Assert.True(Text(m, "description").Length > 60, "a description that says what the package is");
        Assert.Contains("linux", Text(m, "tags").Split(' '));

        Assert.Equal("README.md", Text(m, "readme"));
        Assert.Contains("# InotifyGen", Entry(nupkg, "README.md"));
        Assert.Equal("icon.png", Text(m, "icon"));
        var icon = nupkg.GetEntry("icon.png")!;
        using var png = new BinaryReader(icon.Open());
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png.ReadBytes(8));
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void Dependencies_OfEachFramework_AreOnItsOwnMicrosoftExtensionsLine(string id)
    {
        using var nupkg = Open(id, "nupkg");
        var groups = Metadata(nupkg).Child("dependencies")!.Children("group")
            .ToDictionary(g => g.Attribute("targetFramework")!.Value, g => g.Children("dependency")
                .ToDictionary(d => d.Attribute("id")!.Value, d => d.Attribute("version")!.Value));
        Assert.Equal(["net10.0", "net8.0"], groups.Keys.Order());
        foreach (var (framework, line) in new[] { ("net8.0", "8.0."), ("net10.0", "10.0.") })
        {
            var extensions = groups[framework].Where(d => d.Key.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(extensions);
            Assert.All(extensions, d => Assert.True(d.Value.StartsWith(line, StringComparison.Ordinal), $"{id} {framework}: {d.Key} {d.Value}, not {line}x"));
            // The repository's own packages are pinned to this very version.
            Assert.All(groups[framework].Where(d => d.Key.StartsWith("InotifyGen", StringComparison.Ordinal)), d => Assert.Equal(fixture.Version, d.Value));
        }
        Assert.Equal(["lib/net10.0/" + id + ".dll", "lib/net8.0/" + id + ".dll"],
            nupkg.Entries.Select(e => e.FullName).Where(n => n.StartsWith("lib/", StringComparison.Ordinal) && n.EndsWith(".dll", StringComparison.Ordinal)).Order());
    }

    [Fact]
    public void ToolPackage_IsADotnetToolNamedInotifygen_WithNoDependencies()
    {
        using var nupkg = Open("InotifyGen.Cli", "nupkg");
        var m = Metadata(nupkg);
        Assert.Equal("DotnetTool", m.Child("packageTypes")!.Child("packageType")!.Attribute("name")!.Value);
        Assert.Null(m.Child("dependencies"));
        Assert.Contains("Command Name=\"inotifygen\"", Entry(nupkg, "tools/net10.0/any/DotnetToolSettings.xml"));
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void SymbolsPackage_HasAPdbPerAssembly_WithSourceLinkAndNoBuildMachinePath(string id)
    {
        using var nupkg = Open(id, "nupkg");
        using var snupkg = Open(id, "snupkg");
        var own = id == "InotifyGen.Cli" ? "InotifyGen.Cli" : id;
        var dlls = nupkg.Entries.Where(e => e.Name == own + ".dll").ToList();
        Assert.NotEmpty(dlls);
        foreach (var dll in dlls)
        {
            var pdbName = Path.ChangeExtension(dll.FullName, ".pdb");
            var pdb = snupkg.GetEntry(pdbName);
            Assert.True(pdb is not null, $"{id}.snupkg has no {pdbName}");
            using var pdbProvider = MetadataReaderProvider.FromPortablePdbStream(Copy(pdb.Open()));
            var reader = pdbProvider.GetMetadataReader();

            var documents = reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name)).ToList();
            Assert.NotEmpty(documents);
            Assert.All(documents, d => Assert.True(d.StartsWith("/_/", StringComparison.Ordinal), $"{pdbName}: '{d}' is a build-machine path"));

            var sourceLink = reader.GetCustomDebugInformation(EntityHandle.ModuleDefinition)
                .Select(reader.GetCustomDebugInformation).Single(c => reader.GetGuid(c.Kind) == SourceLinkKind);
            var json = Encoding.UTF8.GetString(reader.GetBlobBytes(sourceLink.Value));
            var raw = RepositoryUrl.Replace("https://github.com/", "https://raw.githubusercontent.com/", StringComparison.Ordinal);
            Assert.Contains($"\"/_/*\":\"{raw}/{fixture.Commit}/*\"", json);

            // The dll names its PDB by a mapped path too, and the PDB is the one built with it.
            using var pe = new PEReader(Copy(nupkg.GetEntry(dll.FullName)!.Open()));
            var codeView = pe.ReadCodeViewDebugDirectoryData(pe.ReadDebugDirectory().Single(e => e.Type == DebugDirectoryEntryType.CodeView));
            Assert.StartsWith("/_/", codeView.Path);
            Assert.DoesNotContain(fixture.Root, codeView.Path);
            Assert.Equal(codeView.Guid, new BlobContentId(reader.DebugMetadataHeader!.Id).Guid);
        }
    }

    private ZipArchive Open(string id, string extension) =>
        ZipFile.OpenRead(Path.Combine(fixture.Feed, $"{id}.{fixture.Version}.{extension}"));

    private static XElement Metadata(ZipArchive package)
    {
        var nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = nuspec.Open();
        return XDocument.Load(stream).Root!.Child("metadata")!;
    }

    private static string Text(XElement metadata, string name) => metadata.Child(name)?.Value ?? "";

    private static string Entry(ZipArchive package, string name)
    {
        using var reader = new StreamReader(package.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }

    private static MemoryStream Copy(Stream stream)
    {
        using (stream)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            return copy;
        }
    }
}

/// <summary>Nuspec elements by local name: tool packages use an older nuspec namespace than libraries.</summary>
internal static class NuspecXml
{
    public static XElement? Child(this XElement e, string name) => e.Elements().FirstOrDefault(c => c.Name.LocalName == name);

    public static IEnumerable<XElement> Children(this XElement e, string name) => e.Elements().Where(c => c.Name.LocalName == name);
}
