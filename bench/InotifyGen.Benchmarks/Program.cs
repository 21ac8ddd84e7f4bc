using BenchmarkDotNet.Running;
using InotifyGen.Benchmarks;

// dotnet run -c Release --project bench/InotifyGen.Benchmarks -- --filter '*'
// Every class uses BenchConfig: a short job (minutes, not an hour) with MemoryDiagnoser.
// `-- memory ...`: memory per watch, outside BenchmarkDotNet (bench/memory/run).
if (args is ["memory", ..])
    return MemoryMeasure.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(args, new BenchConfig());
return 0;
