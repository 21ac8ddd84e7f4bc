/* The workload: CYCLES x { open(O_CREAT|O_WRONLY); close(); unlink() } as fast as possible, which makes the
 * kernel generate IN_CREATE, IN_CLOSE_WRITE and IN_DELETE for each cycle. With DIRS > 0 the files are spread
 * round-robin over ROOT/dNN/dNNN (DIRS leaf directories, which must exist). A bench tool, not part of InotifyGen.
 *   workload ROOT CYCLES DIRS */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: workload ROOT CYCLES DIRS\n");
        return 2;
    }
    const char *root = argv[1];
    long cycles = atol(argv[2]), dirs = atol(argv[3]);
    char path[4096];
    for (long i = 0; i < cycles; i++) {
        if (dirs > 0) {
            long d = i % dirs;
            snprintf(path, sizeof path, "%s/d%02ld/d%03ld/f%ld", root, d / 100, d % 100, i);
        } else
            snprintf(path, sizeof path, "%s/f%ld", root, i);
        int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        if (fd < 0) {
            perror(path);
            return 1;
        }
        close(fd);
        if (unlink(path) < 0) {
            perror(path);
            return 1;
        }
    }
    return 0;
}
