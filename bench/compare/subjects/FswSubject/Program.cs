// The FileSystemWatcher subject of bench/compare; same protocol as InotifyGenSubject.
// FileSystemWatcher cannot ask for IN_CLOSE_WRITE: with NotifyFilters.FileName it receives IN_CREATE and IN_DELETE.
using System.Runtime.InteropServices;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: FswSubject ROOT RECURSIVE");
    return 2;
}

long events = 0, overflows = 0;
var stdout = Console.Out;
using var stop = new ManualResetEventSlim();
using var fsw = new FileSystemWatcher(args[0])
{
    IncludeSubdirectories = args[1] == "1",
    NotifyFilter = NotifyFilters.FileName,
    InternalBufferSize = 64 * 1024,
};
void OnEvent(object sender, FileSystemEventArgs e)
{
    if (Interlocked.Increment(ref events) == 1)
    {
        stdout.WriteLine("first");
        stdout.Flush();
    }
}
fsw.Created += OnEvent;
fsw.Deleted += OnEvent;
fsw.Error += (_, _) => Interlocked.Increment(ref overflows);
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Set(); });
using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Set(); });
fsw.EnableRaisingEvents = true;
stdout.WriteLine($"ready cpu_ns={Rusage.CpuNanoseconds()}");
stdout.Flush();
var allocBefore = GC.GetTotalAllocatedBytes(precise: true);
stop.Wait();
var alloc = GC.GetTotalAllocatedBytes(precise: true) - allocBefore;
fsw.EnableRaisingEvents = false;
stdout.WriteLine($"done events={Interlocked.Read(ref events)} overflows={Interlocked.Read(ref overflows)} cpu_ns={Rusage.CpuNanoseconds()} alloc={alloc}");
stdout.Flush();
return 0;

/// <summary>getrusage(RUSAGE_SELF): user+sys of every thread, dead or alive, to the microsecond.</summary>
internal static partial class Rusage
{
    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSec, UserUsec, SysSec, SysUsec;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVCsw, NIvCsw;
    }

    [DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRusage(int who, out RUsage usage);

    public static long CpuNanoseconds()
    {
        GetRusage(0, out var u);
        return (u.UserSec + u.SysSec) * 1_000_000_000 + (u.UserUsec + u.SysUsec) * 1000;
    }
}
