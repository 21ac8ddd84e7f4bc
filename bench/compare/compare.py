#!/usr/bin/python3
"""InotifyGen side by side with the C floor, inotifywait, pyinotify and .NET FileSystemWatcher.

    bench/compare/run --quick     # small workload, about a minute once built (CI)
    bench/compare/run --full      # the numbers in docs/performance.md

It builds its own tools (the C floor reader and workload generator with gcc, the .NET subjects with
dotnet), runs the subjects one at a time in alternation (several rounds, the order rotated each round),
and prints markdown tables with medians and ratios to the C floor.

Every subject but inotifywait speaks one protocol on stdout:
    SUBJECT ROOT RECURSIVE(0|1)
    "ready cpu_ns=N ..."   once its watches exist (cpu_ns: getrusage user+sys so far, all threads)
    "first"                on the first event delivered to its handler
    "done events=N overflows=N cpu_ns=N alloc=BYTES"   after SIGTERM
inotifywait is measured from outside: "Watches established." on stderr, its events counted as lines of
its output file, and its CPU read from /proc/PID/schedstat (it is single-threaded).

CPU per event is the CPU the watcher spent between "ready" and the end of the workload (once it has
drained the queue and gone idle), divided by the events the kernel generated for the mask it asked for.
Start-up and watch set-up are measured separately.
"""
import argparse
import re
import datetime
import os
import platform
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.join(HERE, "bin")
MAX_USER_WATCHES_FILE = "/proc/sys/fs/inotify/max_user_watches"

MODES = {
    # cycles: create/close-write/delete cycles per throughput run; tree: leaf directories of the spread run;
    # setup: directories of the recursive set-up run; rounds: how many times each subject runs each scenario.
    "quick": dict(cycles=5_000, tree=1_000, burst=2_500, setup=2_000, rounds=1, startup_rounds=2, cli_rounds=2),
    "full": dict(cycles=50_000, tree=1_000, burst=5_000, setup=100_000, rounds=7, startup_rounds=7, cli_rounds=7),
}


# ---------------------------------------------------------------- building

def run(cmd, **kw):
    print("+ " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, **kw)


def build(with_cli):
    os.makedirs(BIN, exist_ok=True)
    for tool in ("floor", "workload"):
        run(["gcc", "-O2", "-Wall", "-Wextra", "-o", os.path.join(BIN, tool), os.path.join(HERE, "c", tool + ".c")])
    quiet = ["-nologo", "-v:q", "-clp:ErrorsOnly"]
    subj = os.path.join(HERE, "subjects")
    run(["dotnet", "build", os.path.join(subj, "InotifyGenSubject"), "-c", "Release", "-f", "net10.0",
         "-o", os.path.join(BIN, "jit")] + quiet)
    run(["dotnet", "publish", os.path.join(subj, "InotifyGenSubject"), "-c", "Release", "-f", "net8.0",
         "-r", "linux-x64", "-o", os.path.join(BIN, "aot")] + quiet)
    run(["dotnet", "build", os.path.join(subj, "FswSubject"), "-c", "Release", "-o", os.path.join(BIN, "fsw")] + quiet)
    if shutil.which("npm"):
        # Its prebuilt binary comes as an optional dependency: no install script needs to run.
        os.makedirs(os.path.join(BIN, "node"), exist_ok=True)
        run(["npm", "install", "--no-audit", "--no-fund", "--prefix", os.path.join(BIN, "node"), "@parcel/watcher@2.6.0"])
    if with_cli:
        run(["dotnet", "publish", os.path.join(REPO, "src", "InotifyGen.Cli"), "-c", "Release", "-f", "net8.0",
             "-r", "linux-x64", "-p:PublishAot=true", "-o", os.path.join(BIN, "cli")] + quiet)


# ---------------------------------------------------------------- subjects

class Subject:
    def __init__(self, name, argv, external=False, events_per_cycle=3, scenarios=None, uses_watches=True):
        self.name = name
        self.scenarios = scenarios            # None: every scenario
        self.uses_watches = uses_watches      # False: needs no inotify watch (fanotify)
        self.argv = argv                      # argv(root, recursive) -> list
        self.external = external              # inotifywait: measured from outside
        self.events_per_cycle = events_per_cycle


def subjects():
    py = "/usr/bin/python3"
    return [
        Subject("C floor (read loop)", lambda r, rec: [os.path.join(BIN, "floor"), r, rec]),
        Subject("InotifyGen, Native AOT", lambda r, rec: [os.path.join(BIN, "aot", "InotifyGenSubject"), r, rec]),
        Subject("InotifyGen, JIT", lambda r, rec: ["dotnet", os.path.join(BIN, "jit", "InotifyGenSubject.dll"), r, rec]),
        Subject("inotifywait", lambda r, rec: ["inotifywait", "-m"] + (["-r"] if rec == "1" else [])
                + ["-e", "create", "-e", "close_write", "-e", "delete", r], external=True),
        Subject("pyinotify", lambda r, rec: [py, os.path.join(HERE, "subjects", "pyinotify_subject.py"), r, rec]),
        # FileSystemWatcher cannot ask for IN_CLOSE_WRITE: the kernel generates 2 events per cycle for it.
        Subject(".NET FileSystemWatcher", lambda r, rec: ["dotnet", os.path.join(BIN, "fsw", "FswSubject.dll"), r, rec],
                events_per_cycle=2),
    ] + cli_subjects() + parcel_subjects() + fanotify_subjects()


def parcel_subjects():
    """@parcel/watcher (npm, inotify backend) in the set-up scenario, when build() could install it."""
    modules = os.path.join(BIN, "node", "node_modules")
    if not os.path.isdir(os.path.join(modules, "@parcel", "watcher")):
        return []
    return [Subject("@parcel/watcher (node)", lambda r, rec: ["env", "NODE_PATH=" + modules, "node",
                                                              os.path.join(HERE, "subjects", "parcel_subject.js"), r, rec],
                    scenarios=("setup",))]


def cli_argv(exe):
    """The inotifygen CLI with inotifywait's arguments: it is measured from outside the same way."""
    return lambda r, rec: [exe, "-m"] + (["-r"] if rec == "1" else []) + ["-e", "create", "-e", "close_write", "-e", "delete", r]


def cli_subjects():
    """The AOT CLI (net8.0), in the set-up scenario: 'Watches established.' on stderr, like inotifywait."""
    return [Subject("inotifygen CLI, Native AOT", cli_argv(os.path.join(BIN, "cli", "inotifygen")), external=True,
                    scenarios=("setup", "syscalls"))]


def fanotify_subjects():
    """The fanotify backend (root only): one filesystem mark, no walk; measured in the set-up scenario."""
    aot = os.path.join(BIN, "aot", "InotifyGenSubject")
    return [Subject("InotifyGen fanotify, Native AOT", lambda r, rec: [aot, r, rec, "fanotify"],
                    scenarios=("setup",), uses_watches=False)]


class Lines:
    """Line reader over a pipe with timeouts, without threads."""

    def __init__(self, f):
        self.fd = f.fileno()
        self.buf = b""

    def readline(self, deadline):
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                return None
            chunk = os.read(self.fd, 65536)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode(errors="replace")

    def poll_line(self, timeout):
        return self.readline(time.monotonic() + timeout)


def task_cpu_ns(pid):
    """CPU of the live threads of pid, in ns, from schedstat (precise, unlike /proc/PID/stat's ticks)."""
    total = 0
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                    total += int(f.read().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                pass
    except FileNotFoundError:
        pass
    return total


def peak_rss_kb(pid):
    """VmHWM: the peak RSS of pid's address space. (wait4's ru_maxrss would include the forked harness before exec.)"""
    with open("/proc/%d/status" % pid) as f:
        for l in f:
            if l.startswith("VmHWM:"):
                return int(l.split()[1])
    return None


def inotify_watches(pid):
    """Watches held by pid's inotify instances (one 'inotify wd:' line each in fdinfo)."""
    n = 0
    try:
        fds = os.listdir("/proc/%d/fd" % pid)
    except (FileNotFoundError, PermissionError):
        return 0
    for fd in fds:
        try:
            if os.readlink("/proc/%d/fd/%s" % (pid, fd)) != "anon_inode:inotify":
                continue
            with open("/proc/%d/fdinfo/%s" % (pid, fd), "rb") as f:
                n += f.read().count(b"inotify wd:")
        except (FileNotFoundError, PermissionError, ProcessLookupError, OSError):
            pass
    return n


def watches_in_use():
    """Watches held by every process of this user (max_user_watches is per user and shared)."""
    uid = os.getuid()
    total = 0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if os.stat("/proc/" + pid).st_uid == uid:
                    total += inotify_watches(int(pid))
            except (FileNotFoundError, PermissionError):
                pass
    return total


class Running:
    """One started subject."""

    def __init__(self, subject, root, recursive, work, stdout_pipe=False):
        self.subject = subject
        self.out_path = None
        argv = subject.argv(root, "1" if recursive else "0")
        self.t_spawn = time.monotonic()
        if subject.external:
            if stdout_pipe:
                out = subprocess.PIPE
            else:
                self.out_path = os.path.join(work, "inotifywait.out")
                out = open(self.out_path, "wb")
            self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE)
            if out is not subprocess.PIPE:
                out.close()
            self.ready_lines = Lines(self.proc.stderr)
            self.event_lines = Lines(self.proc.stdout) if stdout_pipe else None
        else:
            self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.ready_lines = self.event_lines = Lines(self.proc.stdout)
        self.t_ready = None
        self.cpu_ready = None
        self.ready_fields = {}
        self.first_seen = False

    def wait_ready(self, timeout=900):
        deadline = time.monotonic() + timeout
        want = "Watches established." if self.subject.external else "ready"
        while True:
            line = self.ready_lines.readline(deadline)
            if line is None:
                self.kill()
                raise RuntimeError("%s never became ready: %s" % (self.subject.name, self.stderr_text()))
            if self.subject.external:
                if line.startswith(want):
                    self.t_ready = time.monotonic()
                    self.cpu_ready = task_cpu_ns(self.proc.pid)
                    return
            elif line.startswith(want):
                self.t_ready = time.monotonic()
                self.ready_fields = fields(line)
                self.cpu_ready = int(self.ready_fields["cpu_ns"])
                return
            elif line == "first":
                self.first_seen = True

    def wait_idle(self, settle=0.25, timeout=120):
        """Until the process has used no CPU for `settle` seconds: it drained the queue."""
        deadline = time.monotonic() + timeout
        last, since = task_cpu_ns(self.proc.pid), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.02)
            now = task_cpu_ns(self.proc.pid)
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= settle:
                return last
        return last

    def stop(self):
        """Peak RSS, then SIGTERM and reap with wait4 (total CPU); returns (done fields, rusage, peak RSS in KiB)."""
        rss = peak_rss_kb(self.proc.pid)
        self.proc.send_signal(signal.SIGTERM)
        done = {}
        if not self.subject.external:
            deadline = time.monotonic() + 60
            while True:
                line = self.event_lines.readline(deadline)
                if line is None:
                    break
                if line.startswith("done"):
                    done = fields(line)
                    break
        _, status, ru = os.wait4(self.proc.pid, 0)
        self.proc.returncode = status
        for f in (self.proc.stdout, self.proc.stderr):
            if f:
                f.close()
        return done, ru, rss

    def kill(self):
        try:
            self.proc.kill()
        except ProcessLookupError:
            pass
        self.proc.wait()

    def stderr_text(self):
        try:
            r, _, _ = select.select([self.proc.stderr], [], [], 0.5)
            return os.read(self.proc.stderr.fileno(), 4000).decode(errors="replace") if r else ""
        except (ValueError, OSError):
            return ""


def fields(line):
    return dict(p.split("=", 1) for p in line.split()[1:] if "=" in p)


# ---------------------------------------------------------------- scenarios

def make_tree(root, leaves):
    """root/dNN/dNNN: `leaves` leaf directories, 100 to a parent (the workload's layout)."""
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    for d in range(leaves):
        os.makedirs(os.path.join(root, "d%02d" % (d // 100), "d%03d" % (d % 100)), exist_ok=True)
    return sum(1 for _ in os.walk(root))


def make_setup_tree(root, leaves):
    """root/gGGG/pPPPP/lLL: `leaves` leaf directories, 100 to a parent, the parents in max(10, parents/100) groups
    (10,000 leaves: 10,111 directories; 100,000: 101,011; 1,000,000: 1,010,101)."""
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    parents = max(1, leaves // 100)
    groups = max(1, min(parents, max(10, parents // 100)))
    per_group = -(-parents // groups)
    made = 1
    for g in range(groups):
        gp = os.path.join(root, "g%03d" % g)
        os.mkdir(gp)
        made += 1
        for p in range(g * per_group, min(parents, (g + 1) * per_group)):
            pp = os.path.join(gp, "p%04d" % p)
            os.mkdir(pp)
            made += 1
            for l in range(min(100, leaves - p * 100)):
                os.mkdir(os.path.join(pp, "l%02d" % l))
                made += 1
    return made


class RaisedWatchLimit:
    """fs.inotify.max_user_watches raised for the run (root only) so a 1M-directory set-up fits, restored afterwards."""

    current = None

    def __init__(self, need):
        self.need = need
        self.old = None

    def __enter__(self):
        RaisedWatchLimit.current = self
        self.ensure()
        return self

    def ensure(self):
        cur = int(open(MAX_USER_WATCHES_FILE).read())
        want = self.need + watches_in_use() + 100_000  # what other processes of this user hold, and a margin
        if cur < want:
            if os.geteuid() != 0:
                print("max_user_watches is %d, the set-up needs %d: run as root to raise it" % (cur, want), file=sys.stderr)
                return
            with open(MAX_USER_WATCHES_FILE, "w") as f:
                f.write(str(want))
            if self.old is None:
                self.old = cur
            print("raised max_user_watches from %d to %d for the run" % (cur, want), file=sys.stderr)

    def __exit__(self, *exc):
        RaisedWatchLimit.current = None
        if self.old is not None:
            with open(MAX_USER_WATCHES_FILE, "w") as f:
                f.write(str(self.old))
            print("restored max_user_watches to %d" % self.old, file=sys.stderr)


def syscall_counts(subject, work, root):
    """System calls of one set-up (process start to watches established, then SIGTERM), by name, from strace -f -c."""
    out = os.path.join(work, "strace.out")
    inner = subject.argv(root, "1")
    s = Subject(subject.name, lambda r, rec: ["strace", "-f", "-c", "-U", "name,calls", "-o", out] + inner,
                external=subject.external)
    r = Running(s, root, recursive=True, work=work)
    r.wait_ready()
    # strace's child is the subject: SIGTERM it, and strace writes its summary as it exits.
    kids = open("/proc/%d/task/%d/children" % (r.proc.pid, r.proc.pid)).read().split()
    for k in kids:
        os.kill(int(k), signal.SIGTERM)
    r.proc.wait(timeout=120)
    for f in (r.proc.stdout, r.proc.stderr):
        if f:
            f.close()
    counts = {}
    for line in open(out):
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit() and parts[0] not in ("total", "syscall"):
            counts[parts[0]] = int(parts[1])
    return counts


def throughput(subject, work, cycles, leaves, burst=0):
    root = os.path.join(work, "tp")
    if leaves:
        dirs = make_tree(root, leaves)
    else:
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
        dirs = 1
    r = Running(subject, root, recursive=leaves > 0, work=work)
    r.wait_ready()
    watches = inotify_watches(r.proc.pid)
    t0 = time.monotonic()
    if burst:
        # The watcher is stopped while each burst is queued (under max_queued_events), then drains it in
        # 64 KiB reads: the cost of processing events, without a sleep and wake-up for every few of them.
        for _ in range(cycles // burst):
            os.kill(r.proc.pid, signal.SIGSTOP)
            subprocess.run([os.path.join(BIN, "workload"), root, str(burst), str(leaves)], check=True)
            os.kill(r.proc.pid, signal.SIGCONT)
            idle_cpu = r.wait_idle(settle=0.1)
    else:
        subprocess.run([os.path.join(BIN, "workload"), root, str(cycles), str(leaves)], check=True)
    workload_s = time.monotonic() - t0
    idle_cpu = r.wait_idle()
    done, ru, rss = r.stop()
    generated = cycles * subject.events_per_cycle
    if subject.external:
        cpu = idle_cpu - r.cpu_ready
        with open(r.out_path, "rb") as f:
            lines = f.read().splitlines()
        overflows = sum(1 for l in lines if b"Q_OVERFLOW" in l)
        received = len(lines) - overflows
        alloc = None
    else:
        cpu = int(done["cpu_ns"]) - r.cpu_ready
        received, overflows = int(done["events"]), int(done["overflows"])
        alloc = int(done["alloc"]) if int(done["alloc"]) >= 0 else None
    return dict(cpu_per_event=cpu / generated, received=received, generated=generated, overflows=overflows,
                rss_kb=rss, alloc_per_event=None if alloc is None else alloc / generated,
                watches=watches, dirs=dirs, workload_s=workload_s,
                total_cpu_ms=(ru.ru_utime + ru.ru_stime) * 1000)


def setup_time(subject, work, root, dirs):
    need = dirs + 1000 if subject.uses_watches else 0
    if need and RaisedWatchLimit.current is not None:
        RaisedWatchLimit.current.ensure()  # the limit is shared: another job may have lowered it since
    for _ in range(60):
        free = int(open(MAX_USER_WATCHES_FILE).read()) - watches_in_use()
        if free >= need:
            break
        time.sleep(1)
    else:
        return dict(skipped="only %d watches free" % free)
    r = Running(subject, root, recursive=True, work=work)
    r.wait_ready()
    t = r.t_ready - r.t_spawn
    watches = inotify_watches(r.proc.pid)
    done, ru, rss = r.stop()
    in_process = r.ready_fields.get("setup_ns")
    return dict(setup_s=t, cpu_s=r.cpu_ready / 1e9, watches=watches, rss_kb=rss,
                in_process_ms=None if in_process is None else int(in_process) / 1e6)


def startup(subject, work):
    """Spawn on an empty directory while creating a file in it every half millisecond from the moment of the
    spawn: the time to the first event delivered includes start-up, watch set-up and the first read."""
    root = os.path.join(work, "st")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    poke = os.path.join(root, "poke")
    r = Running(subject, root, recursive=False, work=work, stdout_pipe=True)
    ready_fd, event_fd = r.ready_lines.fd, r.event_lines.fd
    readers = {ready_fd: r.ready_lines, event_fd: r.event_lines}
    t_ready = t_first = None
    deadline = time.monotonic() + 60
    while (t_ready is None or t_first is None) and time.monotonic() < deadline:
        os.close(os.open(poke, os.O_CREAT | os.O_WRONLY, 0o644))
        os.unlink(poke)
        ready, _, _ = select.select(list(readers), [], [], 0.0005)
        now = time.monotonic()
        for fd in ready:
            line = readers[fd].poll_line(0.05)
            while line is not None:
                if fd == ready_fd and t_ready is None and (
                        line.startswith("Watches established.") if subject.external else line.startswith("ready")):
                    t_ready = now
                elif t_first is None and ((subject.external and fd == event_fd) or line == "first"):
                    t_first = now
                line = readers[fd].poll_line(0) if b"\n" in readers[fd].buf else None
    r.stop()
    return dict(ready_s=None if t_ready is None else t_ready - r.t_spawn,
                first_s=None if t_first is None else t_first - r.t_spawn)


def cli_startup(work):
    """The AOT CLI on one directory: time to 'Watches established.', and its RSS once idle."""
    root = os.path.join(work, "cli")
    os.makedirs(root, exist_ok=True)
    exe = os.path.join(BIN, "cli", "inotifygen")
    t0 = time.monotonic()
    proc = subprocess.Popen([exe, root], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    lines = Lines(proc.stderr)
    deadline = time.monotonic() + 30
    t_ready = None
    while True:
        line = lines.readline(deadline)
        if line is None:
            break
        if "Watches established" in line:
            t_ready = time.monotonic() - t0
            break
    time.sleep(1.0)
    rss_kb = None
    with open("/proc/%d/status" % proc.pid) as f:
        for l in f:
            if l.startswith("VmRSS:"):
                rss_kb = int(l.split()[1])
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.stderr.close()
    return dict(ready_s=t_ready, rss_kb=rss_kb)


def syscalls(subs, work):
    """System calls per directory of each subject's recursive set-up: the difference between two trees (10,111 and
    1,021 directories), so what a process does once (start-up, the first read) cancels out."""
    small, large = os.path.join(work, "sc-small"), os.path.join(work, "sc-large")
    n_small, n_large = make_setup_tree(small, 1_000), make_setup_tree(large, 10_000)
    out = {}
    for s in subs:
        if s.scenarios is not None and "syscalls" not in s.scenarios and "setup" not in s.scenarios:
            continue
        if not s.uses_watches or s.name.endswith("JIT") or s.name in ("pyinotify", ".NET FileSystemWatcher"):
            continue
        print("syscalls: %s" % s.name, file=sys.stderr)
        a, b = syscall_counts(s, work, small), syscall_counts(s, work, large)
        per = {k: (b.get(k, 0) - a.get(k, 0)) / (n_large - n_small) for k in set(a) | set(b)}
        out[s.name] = {k: v for k, v in per.items() if abs(v) >= 0.005}
    shutil.rmtree(small, ignore_errors=True)
    shutil.rmtree(large, ignore_errors=True)
    return out


def syscalls_table(rows):
    out = ["### System calls per directory of the recursive set-up (strace -f -c; 10,111 minus 1,021 directories)", "",
           "| Subject | per directory | calls |", "|---|---:|---|"]
    for name, per in rows.items():
        calls = ", ".join("%s %.2f" % (k, v) for k, v in sorted(per.items(), key=lambda kv: -kv[1]))
        out.append("| %s | %.2f | %s |" % (name, sum(per.values()), calls))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- report

def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, spec):
    return "n/a" if v is None else format(v, spec)


def ratio(v, base):
    return "n/a" if v is None or not base else "%.2fx" % (v / base)


def machine_facts():
    def sh(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "?"
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for l in f:
            if l.startswith("model name"):
                cpu = l.split(":", 1)[1].strip()
                break
    limits = {n: open("/proc/sys/fs/inotify/" + n).read().strip()
              for n in ("max_queued_events", "max_user_instances", "max_user_watches")}
    return [
        "date: %s" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine: %s, %d cores, kernel %s, /dev/shm tmpfs" % (cpu, os.cpu_count(), platform.release()),
        "tools: .NET SDK %s, %s, inotifywait %s, pyinotify %s (%s)" % (
            sh(["dotnet", "--version"]), sh(["gcc", "--version"]).splitlines()[0],
            sh(["inotifywait", "--help"]).splitlines()[0].split()[-1],
            sh(["/usr/bin/python3", "-c", "import pyinotify; print(pyinotify.__version__)"]),
            sh(["/usr/bin/python3", "--version"])),
        "inotify limits: " + ", ".join("%s=%s" % kv for kv in limits.items()),
    ]


def report(args, mode, results, subs):
    out = []
    p = out.append
    p("## InotifyGen side by side (%s mode)" % args.mode)
    p("")
    for fact in machine_facts():
        p("- " + fact)
    p("- command: `bench/compare/run --%s`; %d round(s), subjects in rotated order each round; medians shown" % (
        args.mode, mode["rounds"]))
    p("")
    floor_name = subs[0].name
    for key, title in (("flat", "%s create/close-write/delete cycles in one directory, streamed" % format(mode["cycles"], ",")),
                       ("tree", "%s cycles spread over %s directories, streamed" % (format(mode["cycles"], ","), format(mode["tree"], ","))),
                       ("burst", "%s cycles in one directory, in bursts of %s queued while the watcher is stopped" % (
                           format(mode["cycles"], ","), format(mode["burst"], ",")))):
        rows = results.get(key)
        if not rows:
            continue
        p("### Throughput: " + title)
        p("")
        p("| Subject | CPU per event (ns) | vs C floor | CPU per event received (ns) | whole process, per event (ns) | received / generated | lost | overflows | peak RSS (MB) | managed allocations (KiB) |")
        p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        base = med(r["cpu_per_event"] for r in rows[floor_name])
        for s in subs:
            rs = rows.get(s.name, [])
            if not rs:
                continue
            cpu = med(r["cpu_per_event"] for r in rs)
            rec = med(r["received"] for r in rs)
            gen = rs[0]["generated"]
            lost = med(r["generated"] - r["received"] for r in rs)
            per_received = med(r["cpu_per_event"] * r["generated"] / r["received"] for r in rs if r["received"])
            alloc = med(None if r["alloc_per_event"] is None else r["alloc_per_event"] * r["generated"] / 1024 for r in rs)
            whole = med(r["total_cpu_ms"] * 1e6 / r["generated"] for r in rs)
            p("| %s | %s | %s | %s | %s | %s / %s | %s (%s) | %s | %s | %s |" % (
                s.name, fmt(cpu, ".0f"), ratio(cpu, base), fmt(per_received, ".0f"), fmt(whole, ".0f"),
                fmt(rec, ",.0f"), format(gen, ","),
                fmt(lost, ",.0f"), "%.1f%%" % (100.0 * lost / gen) if lost is not None else "n/a",
                fmt(med(r["overflows"] for r in rs), ".0f"), fmt(med(r["rss_kb"] for r in rs) / 1024, ".1f"),
                fmt(alloc, ",.0f")))
        p("")
    if results.get("syscalls"):
        p(syscalls_table(results["syscalls"]))
    rows = results.get("setup")
    if rows:
        base = med(r.get("setup_s") for r in rows.get(floor_name, []))
        iw = med(r.get("setup_s") for r in rows.get("inotifywait", []))
        p("### Recursive watch set-up: %s directories (process start to watches established)" % format(
            results["setup_dirs"], ","))
        p("")
        iw_cpu = med(r.get("cpu_s") for r in rows.get("inotifywait", []))
        base_cpu = med(r.get("cpu_s") for r in rows.get(floor_name, []))

        def spread(vals, scale=1000):
            vals = [v for v in vals if v is not None]
            return "%s (%s-%s)" % (fmt(med(vals) * scale, ",.0f"), fmt(min(vals) * scale, ",.0f"), fmt(max(vals) * scale, ",.0f")) if vals else "n/a"

        p("| Subject | wall (ms): median (min-max) | vs C floor | vs inotifywait | CPU (ms): median (min-max) | CPU vs C floor | CPU vs inotifywait | watches | peak RSS (MB) |")
        p("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for s in subs:
            rs = rows.get(s.name, [])
            if not rs:
                continue
            if all("skipped" in r for r in rs):
                p("| %s | skipped: %s | | | | | | | |" % (s.name, rs[0]["skipped"]))
                continue
            t = med(r.get("setup_s") for r in rs)
            cpu = med(r.get("cpu_s") for r in rs)
            p("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                s.name, spread(r.get("setup_s") for r in rs), ratio(t, base), ratio(t, iw), spread(r.get("cpu_s") for r in rs),
                ratio(cpu, base_cpu), ratio(cpu, iw_cpu),
                fmt(med(r.get("watches") for r in rs), ",.0f"), fmt(med(r.get("rss_kb") for r in rs) / 1024, ".1f")))
        p("")
        p(fanotify_setup_table(rows, subs))
    rows = results.get("startup")
    if rows:
        base = med(r["first_s"] for r in rows[floor_name])
        p("### Start-up on one empty directory")
        p("")
        p("| Subject | to watches established (ms) | to first event delivered (ms) | vs C floor |")
        p("|---|---:|---:|---:|")
        for s in subs:
            rs = rows.get(s.name, [])
            if rs:
                f = med(r["first_s"] for r in rs)
                p("| %s | %s | %s | %s |" % (s.name, fmt(med(r["ready_s"] for r in rs) * 1000, ".1f"),
                                            fmt(None if f is None else f * 1000, ".1f"), ratio(f, base)))
        p("")
    rows = results.get("cli")
    if rows:
        p("### inotifygen CLI (Native AOT, net8.0) on one directory")
        p("")
        p("| to \"Watches established.\" (ms) | idle RSS (MB) |")
        p("|---:|---:|")
        p("| %s | %s |" % (fmt(med(r["ready_s"] for r in rows) * 1000, ".1f"),
                           fmt(med(r["rss_kb"] for r in rows) / 1024, ".1f")))
        p("")
    p(targets(results, subs, [e.split("=", 1)[0] for e in args.extra]))
    return "\n".join(out)


def fanotify_setup_table(rows, subs):
    """InotifyGen's own set-up (WatchManager + AddWatch, timed in-process) for each backend, spread over the rounds."""
    out = ["| InotifyGen subject | in-process set-up (ms): median | min | max |", "|---|---:|---:|---:|"]
    for s in subs:
        vals = [r["in_process_ms"] for r in rows.get(s.name, []) if r.get("in_process_ms") is not None]
        if vals:
            out.append("| %s | %s | %s | %s |" % (s.name, fmt(med(vals), ",.3f"), fmt(min(vals), ",.3f"), fmt(max(vals), ",.3f")))
    return "\n".join(out) + "\n" if len(out) > 2 else ""


def targets(results, subs, extras=()):
    """The issue's targets, for InotifyGen Native AOT and for each --extra subject (e.g. a patched build)."""
    floor, iw, py = subs[0].name, "inotifywait", "pyinotify"
    candidates = ["InotifyGen, Native AOT"] + list(extras)
    lines = ["### Targets (InotifyGen Native AOT, no-op generated handler)", "",
             "| Target | Subject | Measured | Met |", "|---|---|---|---|"]

    def row(target, who, measured, ok):
        lines.append("| %s | %s | %s | %s |" % (target, who, measured, "n/a" if ok is None else ("yes" if ok else "**no**")))

    for key in ("flat", "tree", "burst"):
        rows = results.get(key)
        if not rows:
            continue
        c = med(r["cpu_per_event"] for r in rows[floor])
        floor_lost = max(r["generated"] - r["received"] for r in rows[floor])
        for aot in candidates:
            if aot not in rows:
                continue
            a = med(r["cpu_per_event"] for r in rows[aot])
            row("CPU per event <= 1.3x C floor (%s)" % key, aot, "%.2fx" % (a / c), a <= 1.3 * c)
            pyv = med(r["cpu_per_event"] for r in rows.get(py, []))
            if pyv:
                pyr = med(r["cpu_per_event"] * r["generated"] / r["received"] for r in rows[py] if r["received"])
                ar = med(r["cpu_per_event"] * r["generated"] / r["received"] for r in rows[aot] if r["received"])
                row("CPU per event >= 10x less than pyinotify (%s)" % key, aot,
                    "%.1fx less per generated event, %.1fx per received event" % (pyv / a, pyr / ar), pyv >= 10 * a)
            lost = max(r["generated"] - r["received"] for r in rows[aot])
            row("no event lost where the C floor loses none (%s)" % key, aot,
                "lost %d (worst round), C floor lost %d" % (lost, floor_lost), None if floor_lost else lost == 0)
    rows = results.get("setup")
    if rows and rows.get(iw):
        wc = med(r.get("cpu_s") for r in rows[iw])
        fc = med(r.get("cpu_s") for r in rows.get(floor, []))
        for aot in candidates + ["inotifygen CLI, Native AOT"]:
            if not rows.get(aot):
                continue
            ac = med(r.get("cpu_s") for r in rows[aot])
            if ac and wc:
                row("recursive set-up CPU of %s dirs <= inotifywait's" % format(results["setup_dirs"], ","), aot,
                    "%.2fx (%.0f ms vs %.0f ms)" % (ac / wc, ac * 1000, wc * 1000), ac <= wc)
            if ac and fc:
                row("recursive set-up CPU of %s dirs <= 1.3x the C walk" % format(results["setup_dirs"], ","), aot,
                    "%.2fx (%.0f ms vs %.0f ms)" % (ac / fc, ac * 1000, fc * 1000), ac <= 1.3 * fc)
    rows = results.get("cli")
    if rows:
        rss = med(r["rss_kb"] for r in rows)
        t = med(r["ready_s"] for r in rows)
        row("AOT CLI idle RSS < 15 MB", "inotifygen", fmt(None if rss is None else rss / 1024, ".1f") + " MB",
            None if rss is None else rss < 15 * 1024)
        row("AOT CLI start-up to \"Watches established\" < 20 ms", "inotifygen",
            fmt(None if t is None else t * 1000, ".1f") + " ms", None if t is None else t < 0.020)
    lines.append("")
    lines.append("Allocation per dispatched event and dispatch speed are measured by bench/InotifyGen.Benchmarks.")
    return "\n".join(lines)


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--quick", dest="mode", action="store_const", const="quick")
    g.add_argument("--full", dest="mode", action="store_const", const="full")
    ap.add_argument("--no-build", action="store_true", help="use the tools already in bench/compare/bin")
    ap.add_argument("--only", help="comma-separated scenarios: flat,tree,burst,setup,startup,cli,syscalls")
    ap.add_argument("--subjects", help="comma-separated subject name prefixes to run; a comma followed by a space is part of a name ('InotifyGen, Native AOT,inotifywait'); the C floor always runs")
    ap.add_argument("--rounds", type=int, help="override the mode's rounds")
    ap.add_argument("--cycles", type=int, help="override the mode's cycles")
    ap.add_argument("--setup-dirs", type=int, help="override the mode's set-up tree size")
    ap.add_argument("--extra", action="append", default=[], metavar="NAME=COMMAND",
                    help="another subject speaking the protocol, e.g. a patched build: 'patched=/tmp/x/InotifyGenSubject'")
    ap.add_argument("--extra-cli", action="append", default=[], metavar="NAME=EXE",
                    help="another inotifygen CLI binary, measured like the CLI in the set-up scenario (e.g. a build of main)")
    ap.add_argument("--work", default="/dev/shm", help="tmpfs directory for the trees (default /dev/shm)")
    ap.set_defaults(mode="quick")
    args = ap.parse_args()
    mode = dict(MODES[args.mode])
    for k in ("rounds", "cycles", "setup_dirs"):
        v = getattr(args, k)
        if v:
            mode["setup" if k == "setup_dirs" else k] = v
    if args.rounds:
        mode["startup_rounds"] = mode["cli_rounds"] = args.rounds
    scenarios = (args.only or "flat,tree,burst,setup,startup,cli").split(",")
    have_cli = os.path.isdir(os.path.join(REPO, "src", "InotifyGen.Cli"))
    if "cli" in scenarios and not have_cli:
        scenarios.remove("cli")
    if not args.no_build:
        build(with_cli=any(k in scenarios for k in ("cli", "setup", "syscalls")))

    subs = subjects()
    if args.subjects:
        wanted = [w.strip().lower() for w in re.split(r",(?! )", args.subjects) if w.strip()]
        subs = [subs[0]] + [s for s in subs[1:] if any(s.name.lower().startswith(w) for w in wanted)]
    for extra in args.extra:
        name, command = extra.split("=", 1)
        subs.append(Subject(name, lambda r, rec, c=command.split(): c + [r, rec]))
    for extra in args.extra_cli:
        name, exe = extra.split("=", 1)
        subs.append(Subject(name, cli_argv(exe), external=True, scenarios=("setup", "syscalls")))
    work = os.path.join(args.work, "inotifygen-bench-%d" % os.getpid())
    os.makedirs(work)
    results = {}
    limit = RaisedWatchLimit(mode["setup"] * 102 // 100 + 1000 if "setup" in scenarios or "syscalls" in scenarios else 0)
    try:
        limit.__enter__()
        if "syscalls" in scenarios:
            results["syscalls"] = syscalls(subs, work)
        if "setup" in scenarios:
            setup_root = os.path.join(work, "setup")
            print("creating a tree of %d leaf directories..." % mode["setup"], file=sys.stderr)
            results["setup_dirs"] = make_setup_tree(setup_root, mode["setup"])
        for rnd in range(max(mode["rounds"], mode["startup_rounds"], mode["cli_rounds"])):
            order = subs[rnd % len(subs):] + subs[:rnd % len(subs)]
            for key in ("flat", "tree", "burst", "setup", "startup"):
                if key not in scenarios:
                    continue
                if rnd >= (mode["startup_rounds"] if key == "startup" else mode["rounds"]):
                    continue
                for s in order:
                    if s.scenarios is not None and key not in s.scenarios:
                        continue
                    print("round %d, %s: %s" % (rnd + 1, key, s.name), file=sys.stderr)
                    if key == "flat":
                        r = throughput(s, work, mode["cycles"], 0)
                    elif key == "tree":
                        r = throughput(s, work, mode["cycles"], mode["tree"])
                    elif key == "burst":
                        r = throughput(s, work, mode["cycles"], 0, burst=mode["burst"])
                    elif key == "setup":
                        r = setup_time(s, work, setup_root, results["setup_dirs"])
                    else:
                        r = startup(s, work)
                    print("   " + ", ".join("%s=%s" % (k, ("%.4g" % v) if isinstance(v, float) else v)
                                            for k, v in r.items()), file=sys.stderr)
                    results.setdefault(key, {}).setdefault(s.name, []).append(r)
            if "cli" in scenarios and rnd < mode["cli_rounds"]:
                r = cli_startup(work)
                print("round %d, cli: %s" % (rnd + 1, r), file=sys.stderr)
                results.setdefault("cli", []).append(r)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        limit.__exit__()
    print(report(args, mode, results, subs))


if __name__ == "__main__":
    main()
