// The InotifyGen subject of bench/compare. Protocol (see bench/compare/compare.py):
//   InotifyGenSubject ROOT RECURSIVE(0|1) [inotify|fanotify]
//   stdout: "ready cpu_ns=N setup_ns=N" once the watches exist (setup_ns: the WatchManager and AddWatch, in-process), "first" on the first event,
//           "done events=N overflows=N cpu_ns=N alloc=BYTES" after SIGTERM/SIGINT.
using System.Runtime.InteropServices;
using InotifyGen;
using InotifyGen.Benchmarks.Compare;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: InotifyGenSubject ROOT RECURSIVE");
    return 2;
}

var handler = new NoOpHandler();
var started = System.Diagnostics.Stopwatch.GetTimestamp();
using var wm = args.Length > 2 && args[2] == "fanotify" ? new WatchManager(WatchBackend.Fanotify, [args[0]]) : new WatchManager();
if (wm.FallbackReason is { } why)
{
    Console.Error.WriteLine(why);
    return 1;
}
// No mask: AddWatch asks the kernel for exactly the events the generated handler handles.
var added = wm.AddWatch(args[0], handler: handler, recursive: args[1] == "1", quiet: false);
var setupNs = (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalNanoseconds;
var notifier = new Notifier(wm, handler);
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; notifier.Stop(); });
var stdout = Console.Out;
stdout.WriteLine($"ready cpu_ns={Rusage.CpuNanoseconds()} watches={added.Count} setup_ns={setupNs}");
stdout.Flush();
var allocBefore = GC.GetAllocatedBytesForCurrentThread();
notifier.Loop();
var alloc = GC.GetAllocatedBytesForCurrentThread() - allocBefore;
stdout.WriteLine($"done events={handler.Events} overflows={handler.Overflows} cpu_ns={Rusage.CpuNanoseconds()} alloc={alloc}");
stdout.Flush();
return 0;

namespace InotifyGen.Benchmarks.Compare
{
    /// <summary>The no-op handler: the generator compiles these methods into DispatchEvent's switch and HandledEvents.</summary>
    internal sealed partial class NoOpHandler : ProcessEvent
    {
        public long Events;
        public long Overflows;

        private void process_IN_CREATE(InotifyEvent e) => Count();
        private void process_IN_CLOSE_WRITE(InotifyEvent e) => Count();
        private void process_IN_DELETE(InotifyEvent e) => Count();
        private void process_IN_Q_OVERFLOW(InotifyEvent e) => Overflows++;

        private void Count()
        {
            if (Events++ == 0)
            {
                Console.Out.WriteLine("first");
                Console.Out.Flush();
            }
        }
    }

    /// <summary>getrusage(RUSAGE_SELF): user+sys of every thread, dead or alive, to the microsecond.</summary>
    internal static partial class Rusage
    {
        [StructLayout(LayoutKind.Sequential)]
        private struct RUsage
        {
            public long UserSec, UserUsec, SysSec, SysUsec;
            public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVCsw, NIvCsw;
        }

        [LibraryImport("libc", EntryPoint = "getrusage")]
        private static partial int GetRusage(int who, out RUsage usage);

        public static long CpuNanoseconds()
        {
            GetRusage(0, out var u);
            return (u.UserSec + u.SysSec) * 1_000_000_000 + (u.UserUsec + u.SysUsec) * 1000;
        }
    }
}
