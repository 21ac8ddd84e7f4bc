using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

// Usage: CompilerExtensions [--handlers N] [--unrelated N] [--rounds N] [--steps] NAME=DIR ...
// Each DIR holds InotifyGen.Generator.dll and InotifyGen.Analyzers.dll. Every build is loaded in a context of its own
// and run in turn, round after round, on the same compilation; the table shows the median of the rounds (and, for
// the totals, each round's sum). One
// uncounted round first warms up the JIT for Roslyn and each build. --steps also prints the generator's time per
// pipeline step (Roslyn's step tracking, which costs a little itself).
var handlers = 2000;
var unrelated = 20000;
var rounds = 3;
var steps = false;
var builds = new List<(string Name, string Dir)>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--handlers": handlers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--unrelated": unrelated = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--steps": steps = true; break;
        default:
            var eq = args[i].IndexOf('=');
            if (eq <= 0)
                throw new ArgumentException($"'{args[i]}': expected NAME=DIR");
            builds.Add((args[i][..eq], Path.GetFullPath(args[i][(eq + 1)..])));
            break;
    }
}
if (builds.Count == 0)
    throw new ArgumentException("no build given (NAME=DIR)");

var compilation = Synthetic.Compilation(handlers, unrelated);
Console.WriteLine($"{handlers} handler classes, {unrelated} unrelated partial classes, {compilation.SyntaxTrees.Count()} files, {rounds} rounds");

var loaded = builds.Select(b => new Build(b.Name, b.Dir, steps)).ToList();
var results = loaded.ToDictionary(b => b.Name, _ => new List<Measurement>());
foreach (var build in loaded)
    await build.MeasureAsync(Synthetic.Compilation(Math.Min(handlers, 200), Math.Min(unrelated, 2000)));
// Each round starts with the next build, so no build always runs right after another; a full collection before each
// measurement keeps one build's garbage out of the next one's time.
for (var round = 0; round < rounds; round++)
    for (var k = 0; k < loaded.Count; k++)
    {
        var build = loaded[(round + k) % loaded.Count];
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        results[build.Name].Add(await build.MeasureAsync(compilation));
    }

Console.WriteLine();
Console.WriteLine("| build | generator (s) | generator CPU (s) | analyzers, total (s) | analyzers CPU (s) | " + string.Join(" | ", loaded[0].AnalyzerNames.Select(n => n + " (s)")) + " |");
Console.WriteLine("|---|---|---|---|---|" + string.Concat(loaded[0].AnalyzerNames.Select(_ => "---|")));
foreach (var build in loaded)
{
    var r = results[build.Name];
    Console.WriteLine($"| {build.Name} | {Median(r.Select(x => x.Generator)):F2} | {Median(r.Select(x => x.GeneratorCpu)):F2} | {Median(r.Select(x => x.Analyzers)):F2} | {Median(r.Select(x => x.AnalyzersCpu)):F2} | "
        + string.Join(" | ", build.AnalyzerNames.Select(n => Median(r.Select(x => x.PerAnalyzer.GetValueOrDefault(n))).ToString("F2", CultureInfo.InvariantCulture))) + " |");
}

if (steps)
{
    Console.WriteLine();
    Console.WriteLine("generator steps, median (s):");
    foreach (var build in loaded)
    {
        var r = results[build.Name];
        Console.WriteLine($"  {build.Name}: " + string.Join(", ", r[0].Steps.Keys.Select(k =>
            $"{k} {Median(r.Select(x => x.Steps.GetValueOrDefault(k))).ToString("F2", CultureInfo.InvariantCulture)}")));
    }
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

/// <summary>One build measured once: seconds in the generator, in all analyzers, in each analyzer and in each generator step.</summary>
sealed record Measurement(double Generator, double Analyzers, Dictionary<string, double> PerAnalyzer, Dictionary<string, double> Steps,
    double GeneratorCpu, double AnalyzersCpu);

/// <summary>One build of the generator and analyzers, in an assembly load context of its own.</summary>
sealed class Build
{
    private readonly ISourceGenerator _generator;
    private readonly ImmutableArray<DiagnosticAnalyzer> _analyzers;
    private readonly bool _steps;

    public Build(string name, string dir, bool steps)
    {
        Name = name;
        _steps = steps;
        var context = new Context(dir);
        var generatorAssembly = context.LoadFromAssemblyPath(Path.Combine(dir, "InotifyGen.Generator.dll"));
        var analyzerAssembly = context.LoadFromAssemblyPath(Path.Combine(dir, "InotifyGen.Analyzers.dll"));
        _generator = ((IIncrementalGenerator)Activator.CreateInstance(generatorAssembly.GetType("InotifyGen.Generator.HandlerGenerator")!)!).AsSourceGenerator();
        _analyzers = [.. analyzerAssembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !typeof(DiagnosticSuppressor).IsAssignableFrom(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)];
    }

    public string Name { get; }

    public IEnumerable<string> AnalyzerNames => _analyzers.Select(a => a.GetType().Name);

    /// <summary>The generator's time (driver timing) and each analyzer's (Roslyn's execution telemetry) on a fresh compilation.</summary>
    public async Task<Measurement> MeasureAsync(CSharpCompilation input)
    {
        // A clone shares the syntax trees but none of the bound state, so every build starts cold.
        var compilation = input.Clone();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var driver = CSharpGeneratorDriver.Create([_generator], parseOptions: (CSharpParseOptions)compilation.SyntaxTrees.First().Options,
                driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: _steps))
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        if (diagnostics.Length > 0)
            throw new InvalidOperationException(Name + ": " + string.Join("\n", diagnostics));
        var generator = driver.GetTimingInfo().ElapsedTime.TotalSeconds;
        // CPU time as well: on a machine shared with other jobs it moves far less than elapsed time.
        var generatorCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var steps = new Dictionary<string, double>();
        foreach (var (stepName, runs) in driver.GetRunResult().Results[0].TrackedSteps)
            steps[stepName] = runs.Sum(r => r.ElapsedTime.TotalSeconds);

        var withAnalyzers = output.Clone().WithAnalyzers(_analyzers, new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));
        cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var found = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        var analyzersCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var perAnalyzer = new Dictionary<string, double>();
        foreach (var a in _analyzers)
            perAnalyzer[a.GetType().Name] = (await withAnalyzers.GetAnalyzerTelemetryInfoAsync(a, CancellationToken.None)).ExecutionTime.TotalSeconds;
        if (found.Any(d => d.Severity >= DiagnosticSeverity.Warning))
            throw new InvalidOperationException(Name + ": unexpected " + found.First(d => d.Severity >= DiagnosticSeverity.Warning));
        return new Measurement(generator, perAnalyzer.Values.Sum(), perAnalyzer, steps, generatorCpu, analyzersCpu);
    }

    /// <summary>Loads the build's own assemblies; Roslyn and the runtime come from the host, as in a compiler.</summary>
    private sealed class Context(string dir) : AssemblyLoadContext(isCollectible: false)
    {
        protected override Assembly? Load(AssemblyName name)
        {
            var path = Path.Combine(dir, name.Name + ".dll");
            return name.Name!.StartsWith("InotifyGen.", StringComparison.Ordinal) && File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}

/// <summary>The synthetic project: handler classes of the usual shapes among many unrelated partial classes.</summary>
static class Synthetic
{
    public static CSharpCompilation Compilation(int handlers, int unrelated)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new List<SyntaxTree>();
        // 100 classes a file, as a large project spreads them.
        for (var start = 0; start < handlers; start += 100)
            trees.Add(CSharpSyntaxTree.ParseText(HandlerFile(start, Math.Min(handlers, start + 100)), parse, path: $"Handlers{start}.cs"));
        for (var start = 0; start < unrelated; start += 100)
            trees.Add(CSharpSyntaxTree.ParseText(UnrelatedFile(start, Math.Min(unrelated, start + 100)), parse, path: $"Unrelated{start}.cs"));
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => !Path.GetFileName(p).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
            .Append(typeof(InotifyGen.ProcessEvent).Assembly.Location)
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        return CSharpCompilation.Create("Synthetic", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    private static string HandlerFile(int from, int to)
    {
        var sb = new System.Text.StringBuilder("using InotifyGen;\nnamespace App.Handlers;\n");
        for (var i = from; i < to; i++)
        {
            // Names, attributes, a family, a default, and every fifth one derived from another handler.
            var baseClass = i % 5 == 4 ? $"Handler{i - 1}" : "ProcessEvent";
            sb.Append($$"""
                public partial class Handler{{i}} : {{baseClass}}
                {
                    public int Count;
                    void process_IN_CREATE(InotifyEvent e) => Count++;
                    [OnDelete] void Gone(InotifyEvent e) => Count--;
                    [On(EventMask.Modify | EventMask.Attrib)] void Changed(in InotifyEvent e) => Count += 2;
                    void process_IN_CLOSE(InotifyEvent e) => Count += 3;
                    public override string ToString() => "handler " + Count;
                }

                """);
        }
        return sb.ToString();
    }

    private static string UnrelatedFile(int from, int to)
    {
        var sb = new System.Text.StringBuilder("namespace App.Model;\n");
        for (var i = from; i < to; i++)
        {
            // Partial classes as other generators (view models, serializers) make people write them; a quarter of
            // them name a base type.
            var baseList = i % 4 == 0 ? " : System.IComparable<Model" + i + ">" : "";
            var compare = i % 4 == 0 ? $"    public int CompareTo(Model{i}? other) => Id.CompareTo(other?.Id ?? 0);\n" : "";
            sb.Append($$"""
                public partial class Model{{i}}{{baseList}}
                {
                    public int Id { get; set; }
                    public string Name { get; set; } = "";
                    [System.Obsolete("kept for old callers")] public void Rename(string name) => Name = name;
                    public void Touch() => Id++;
                {{compare}}}

                """);
        }
        return sb.ToString();
    }
}
