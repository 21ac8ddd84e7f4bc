using BenchmarkDotNet.Running;
using InotifyGen.Benchmarks;

// dotnet run -c Release --project bench/InotifyGen.Benchmarks -- --filter '*'
// Every class uses BenchConfig: a short job (minutes, not an hour) with MemoryDiagnoser.
BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(args, new BenchConfig());
