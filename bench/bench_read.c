/* bench_read.c — how fast the capture module reads and dissects.
 *
 * usage: bench_read FILE [PASSES]
 * Phase 1 reads FILE through ng_reader (libpcap + dissection) PASSES times (default 3)
 * and reports the best pass. Phase 2 copies up to 2M frames into memory and times the
 * dissector alone, so the two costs can be told apart. One core, no output per packet.
 * Times are CPU time of this process (CLOCK_PROCESS_CPUTIME_ID), so a busy machine
 * does not make the numbers meaningless; wall time is printed alongside. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/dissect.h"
#include "capture/reader.h"

enum { MAX_FRAMES = 2000000 };

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now_s(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }
static double wall_s(void) { return clock_s(CLOCK_MONOTONIC); }

typedef struct frames {
    uint8_t *bytes;
    size_t used, cap;
    uint32_t *offset, *caplen, *wirelen;
    size_t n;
    uint32_t linktype;
} frames;

static void keep_frame(frames *f, const ng_packet *p, const uint8_t *data)
{
    if (f->n == MAX_FRAMES)
        return;
    if (f->used + p->caplen > f->cap) {
        f->cap = (f->cap + p->caplen) * 2;
        f->bytes = realloc(f->bytes, f->cap);
        if (!f->bytes)
            exit(1);
    }
    memcpy(f->bytes + f->used, data, p->caplen);
    f->linktype = p->linktype;
    f->offset[f->n] = (uint32_t)f->used;
    f->caplen[f->n] = p->caplen;
    f->wirelen[f->n] = p->wirelen;
    f->used += p->caplen;
    f->n++;
}

/* One pass over the file; returns seconds, fills packets (and frames when asked). */
static double read_pass(const char *path, uint64_t *packets, uint64_t *layers, frames *keep)
{
    ng_reader *r = NULL;
    ng_error err;
    if (ng_reader_open(&r, path, &err) != NG_OK) {
        fprintf(stderr, "bench_read: %s\n", err.msg);
        exit(1);
    }
    ng_packet p;
    const uint8_t *data;
    bool got;
    *layers = 0;
    double t0 = now_s();
    while (ng_reader_next(r, &p, &data, &got, &err) == NG_OK && got) {
        *layers += p.n_layers;
        if (keep)
            keep_frame(keep, &p, data);
    }
    double t = now_s() - t0;
    *packets = ng_reader_get_stats(r)->packets;
    ng_reader_close(r);
    return t;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_read FILE [PASSES]\n");
        return 2;
    }
    int passes = argc > 2 ? atoi(argv[2]) : 3;
    frames f = { 0 };
    f.offset = malloc(MAX_FRAMES * sizeof *f.offset);
    f.caplen = malloc(MAX_FRAMES * sizeof *f.caplen);
    f.wirelen = malloc(MAX_FRAMES * sizeof *f.wirelen);
    uint64_t packets = 0, layers = 0;
    read_pass(argv[1], &packets, &layers, &f); /* warm the page cache, keep frames */
    double best = 1e30, w0 = wall_s();
    for (int i = 0; i < passes; i++) {
        double t = read_pass(argv[1], &packets, &layers, NULL);
        best = t < best ? t : best;
    }
    double wall = (wall_s() - w0) / passes;
    printf("read+dissect: %" PRIu64 " packets in %.3f s CPU = %.2f Mpkt/s "
           "(wall %.3f s per pass; %.1f layers/packet)\n", packets, best,
           (double)packets / best / 1e6, wall, (double)layers / (double)packets);

    ng_packet p;
    memset(&p, 0, sizeof p);
    p.linktype = f.linktype;
    uint64_t sink = 0;
    double t0 = now_s();
    for (int rep = 0; rep < passes; rep++)
        for (size_t i = 0; i < f.n; i++) {
            p.caplen = f.caplen[i];
            p.wirelen = f.wirelen[i];
            ng_dissect(&p, f.bytes + f.offset[i]);
            sink += p.n_layers + p.payload_len;
        }
    double t = now_s() - t0;
    printf("dissect only: %zu frames x %d in %.3f s = %.2f Mpkt/s (checksum %" PRIu64 ")\n",
           f.n, passes, t, (double)f.n * passes / t / 1e6, sink);
    free(f.bytes);
    free(f.offset);
    free(f.caplen);
    free(f.wirelen);
    return 0;
}
