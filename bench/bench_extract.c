/* bench_extract.c — throughput of flows + feature rows (+ CSV), capture reading excluded.
 *
 * usage: bench_extract FILE.pcap [REPEAT]
 * Reads FILE once into memory (ng_packet records), then times, over REPEAT passes of
 * those records with timestamps shifted so that passes follow each other:
 *   1. the extractor (reorder + flow table + rows) with an empty sink,
 *   2. the same writing packets.csv + flows.csv to a temporary folder (committed),
 * and, for reference, the capture reader alone on FILE. Prints packets per CPU second
 * (process CPU time, so that other load on the machine does not count). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/reader.h"
#include "features/csv_writer.h"
#include "features/extractor.h"

/* CPU seconds of this process: wall time lies on a shared, loaded machine. */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct packets {
    ng_packet *v;
    size_t n, cap;
    int64_t span_ns;
} packets;

static int load(const char *path, packets *p, double *read_s)
{
    ng_reader *r;
    ng_error err;
    if (ng_reader_open(&r, path, &err) != NG_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    double t0 = cpu_seconds();
    bool got;
    ng_packet pkt;
    while (ng_reader_next(r, &pkt, NULL, &got, &err) == NG_OK && got) {
        if (p->n == p->cap) {
            p->cap = p->cap ? p->cap * 2 : 1 << 16;
            p->v = realloc(p->v, p->cap * sizeof *p->v);
            if (!p->v)
                return 1;
        }
        p->v[p->n++] = pkt;
    }
    *read_s = cpu_seconds() - t0;
    ng_reader_close(r);
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < p->n; i++) {
        lo = p->v[i].ts_ns < lo ? p->v[i].ts_ns : lo;
        hi = p->v[i].ts_ns > hi ? p->v[i].ts_ns : hi;
    }
    p->span_ns = p->n ? hi - lo + 1000000000 : 0;
    return 0;
}

static double run(const packets *p, int repeat, const ng_feature_sink *sink, uint64_t *flows)
{
    ng_extractor *x;
    ng_error err;
    ng_extract_options opt = {0};
    if (ng_extractor_new(&x, &opt, sink, &err) != NG_OK)
        return -1;
    double t0 = cpu_seconds();
    for (int k = 0; k < repeat; k++)
        for (size_t i = 0; i < p->n; i++) {
            ng_packet pkt = p->v[i];
            pkt.ts_ns += k * p->span_ns;
            if (ng_extractor_push(x, &pkt, &err) != NG_OK) {
                fprintf(stderr, "%s\n", err.msg);
                return -1;
            }
        }
    if (ng_extractor_finish(x, &err) != NG_OK)
        return -1;
    double dt = cpu_seconds() - t0;
    *flows = ng_extractor_stats(x)->flows;
    ng_extractor_free(x);
    return dt;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_extract FILE.pcap [REPEAT]\n");
        return 2;
    }
    int repeat = argc > 2 ? atoi(argv[2]) : 1;
    packets p = {0};
    double read_s;
    if (load(argv[1], &p, &read_s) || repeat < 1)
        return 1;
    double total = (double)p.n * repeat;
    printf("reader alone:          %zu packets in %.3f s = %.0f packets/s\n", p.n, read_s,
           (double)p.n / read_s);
    uint64_t flows;
    ng_feature_sink none = {0};
    double dt = run(&p, repeat, &none, &flows);
    printf("flows + rows (no CSV): %.0f packets in %.3f s = %.0f packets/s (%" PRIu64
           " flows)\n", total, dt, total / dt, flows);

    char dir[] = "/tmp/bench_extract.XXXXXX", pp[64], fp[64];
    if (!mkdtemp(dir))
        return 1;
    snprintf(pp, sizeof pp, "%s/packets.csv", dir);
    snprintf(fp, sizeof fp, "%s/flows.csv", dir);
    ng_csv_writer pw, fw;
    ng_error err;
    ng_csv_open(&pw, pp, NG_CSV_PACKET_HEADER, &err);
    ng_csv_open(&fw, fp, NG_CSV_FLOW_HEADER, &err);
    ng_csv_pair pair = {&pw, &fw};
    ng_feature_sink csv = ng_csv_sink(&pair);
    double t0 = cpu_seconds();
    dt = run(&p, repeat, &csv, &flows);
    ng_csv_commit(&pw, &err);
    ng_csv_commit(&fw, &err);
    dt = cpu_seconds() - t0;
    printf("flows + rows + CSV:    %.0f packets in %.3f s = %.0f packets/s\n", total, dt,
           total / dt);
    unlink(pp);
    unlink(fp);
    rmdir(dir);
    free(p.v);
    return 0;
}
