namespace InotifyGen.Analyzers.Tests.Support;

/// <summary>
/// A throw-away project in a temp directory that uses the built runtime, generator, analyzers and code fixes the
/// way a package consumer does (assembly references and Analyzer items), so building it rebuilds nothing else.
/// </summary>
internal sealed class TempProject : IDisposable
{
    private TempProject(DirectoryInfo dir, string name)
    {
        Directory = dir;
        Name = name;
    }

    public DirectoryInfo Directory { get; }

    public string Name { get; }

    public string PathOf(string file) => Path.Combine(Directory.FullName, file);

    /// <summary>Creates the project with an .editorconfig (none when empty) and the given source files.</summary>
    public static TempProject Create(string name, string editorConfig, params (string File, string Text)[] files)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("igen-" + name.ToLowerInvariant() + "-");
        // The test assembly's own directory holds copies of every assembly a consumer gets from the package.
        string Built(string assembly) => Path.Combine(AppContext.BaseDirectory, assembly + ".dll");
        File.WriteAllText(Path.Combine(dir.FullName, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="{Built("InotifyGen")}" />
                <Reference Include="{Built("Microsoft.Extensions.Logging.Abstractions")}" />
                <Analyzer Include="{Built("InotifyGen.Generator")}" />
                <Analyzer Include="{Built("InotifyGen.Analyzers")}" />
                <Analyzer Include="{Built("InotifyGen.CodeFixes")}" />
              </ItemGroup>
            </Project>
            """);
        if (editorConfig.Length > 0)
            File.WriteAllText(Path.Combine(dir.FullName, ".editorconfig"), editorConfig + "\n");
        foreach (var (file, text) in files)
            File.WriteAllText(Path.Combine(dir.FullName, file), text);
        return new TempProject(dir, name);
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="args"/> on the project file, in its directory.</summary>
    public Task<(int ExitCode, string Output)> RunAsync(string verb, params string[] args) =>
        BuildTests.RunAsync(Directory.FullName, "dotnet",
            [verb, Name + ".csproj", .. args, .. (verb == "build" ? new[] { "-nodeReuse:false", "-v:minimal", "-nologo" } : [])]);

    public void Dispose() => Directory.Delete(recursive: true);
}
