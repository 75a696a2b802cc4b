/* fuzz_common.c — see fuzz_common.h. The memfd is created once and truncated and
 * rewritten per input: no disk traffic, so the harnesses run at memory speed. */
#define _GNU_SOURCE
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/log.h"

static int mem_fd = -1;
static char mem_path[64];

const char *ng_fuzz_as_file(const uint8_t *data, size_t size)
{
    if (mem_fd < 0) {
        mem_fd = memfd_create("ng-fuzz-input", 0);
        if (mem_fd < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(mem_path, sizeof mem_path, "/proc/self/fd/%d", mem_fd);
    }
    if (ftruncate(mem_fd, 0) != 0)
        abort();
    size_t done = 0;
    while (done < size) {
        ssize_t n = pwrite(mem_fd, data + done, size - done, (off_t)done);
        if (n <= 0)
            abort();
        done += (size_t)n;
    }
    return mem_path;
}

int ng_fuzz_bad_message(const char *msg)
{
    if (msg[0] == '\0')
        return 1;
    for (const char *c = msg; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return 1;
    return 0;
}

static void drop_line(ng_log_level level, const char *line, void *user)
{
    (void)level;
    (void)line;
    (void)user;
}

void ng_fuzz_quiet(void)
{
    ng_log_set_sink(drop_line, NULL);
}
