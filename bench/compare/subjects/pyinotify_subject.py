"""The pyinotify subject of bench/compare (run with /usr/bin/python3); same protocol as the others:
pyinotify_subject.py ROOT RECURSIVE -> "ready cpu_ns=N", "first", "done events=N overflows=N cpu_ns=N alloc=-1"."""
import resource
import signal
import sys

import pyinotify


def cpu_ns():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return int((r.ru_utime + r.ru_stime) * 1e9)


class NoOp(pyinotify.ProcessEvent):
    """A no-op handler that only counts, looked up by name as pyinotify always does."""

    def my_init(self):
        self.events = 0
        self.overflows = 0

    def _count(self):
        self.events += 1
        if self.events == 1:
            sys.stdout.write("first\n")
            sys.stdout.flush()

    def process_IN_CREATE(self, event):
        self._count()

    def process_IN_CLOSE_WRITE(self, event):
        self._count()

    def process_IN_DELETE(self, event):
        self._count()

    def process_IN_Q_OVERFLOW(self, event):
        self.overflows += 1


def main():
    root, recursive = sys.argv[1], sys.argv[2] == "1"
    handler = NoOp()
    wm = pyinotify.WatchManager()
    notifier = pyinotify.Notifier(wm, handler)
    wm.add_watch(root, pyinotify.IN_CREATE | pyinotify.IN_CLOSE_WRITE | pyinotify.IN_DELETE, rec=recursive)

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    sys.stdout.write("ready cpu_ns=%d\n" % cpu_ns())
    sys.stdout.flush()
    try:
        notifier.loop()
    except KeyboardInterrupt:
        pass
    sys.stdout.write("done events=%d overflows=%d cpu_ns=%d alloc=-1\n" % (handler.events, handler.overflows, cpu_ns()))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
