/* The floor: the least a process can do to consume inotify events. One blocking read() loop over a
 * 64 KiB buffer, counting events; nothing printed per event. A bench tool built by bench/compare,
 * not part of InotifyGen. Speaks the harness protocol (see compare.py):
 *   floor ROOT RECURSIVE(0|1)   ->  "ready cpu_ns=N", "first", "done events=N overflows=N cpu_ns=N alloc=-1" */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static long long cpu_ns(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL
         + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

static const uint32_t MASK = IN_CREATE | IN_CLOSE_WRITE | IN_DELETE;
static long watches;

/* Depth-first walk with openat/getdents (via fdopendir), no stat for entries whose d_type is known. */
static void add_tree(int fd, const char *path, size_t len, char *buf, size_t cap)
{
    if (inotify_add_watch(fd, path, MASK | IN_ONLYDIR) < 0) {
        fprintf(stderr, "inotify_add_watch %s: %s\n", path, strerror(errno));
        exit(2);
    }
    watches++;
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_type != DT_DIR || (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2]))))
            continue;
        size_t n = strlen(e->d_name);
        if (len + 1 + n + 1 > cap)
            continue;
        buf[len] = '/';
        memcpy(buf + len + 1, e->d_name, n + 1);
        add_tree(fd, buf, len + 1 + n, buf, cap);
        buf[len] = 0;
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: floor ROOT RECURSIVE\n");
        return 2;
    }
    struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART: read() returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    int fd = inotify_init1(IN_CLOEXEC);
    if (fd < 0) {
        perror("inotify_init1");
        return 2;
    }
    static char path[8192];
    snprintf(path, sizeof path, "%s", argv[1]);
    if (atoi(argv[2]))
        add_tree(fd, path, strlen(path), path, sizeof path);
    else if (inotify_add_watch(fd, path, MASK) < 0) {
        perror("inotify_add_watch");
        return 2;
    }
    printf("ready cpu_ns=%lld\n", cpu_ns());
    fflush(stdout);

    static char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
    long long events = 0, overflows = 0;
    while (!stop) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("read");
            return 2;
        }
        if (events == 0 && n > 0) {
            fputs("first\n", stdout);
            fflush(stdout);
        }
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *e = (const struct inotify_event *)p;
            if (e->mask & IN_Q_OVERFLOW)
                overflows++;
            else
                events++;
            p += sizeof *e + e->len;
        }
    }
    printf("done events=%lld overflows=%lld cpu_ns=%lld alloc=-1\n", events, overflows, cpu_ns());
    return 0;
}
