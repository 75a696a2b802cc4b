/* bench_make_capture.c — one large Ethernet capture for benchmarks, made of many real ones.
 *
 * usage: bench_make_capture OUT MIN_PACKETS CAPTURE...
 * Copies the inputs in order, again and again, until at least MIN_PACKETS packets are
 * written. Each copy is shifted in time to start 1 ms after the latest timestamp written
 * so far (order inside a file, including its out-of-order records, is kept). Linux
 * cooked (SLL) frames become Ethernet frames (sender MAC as source, protocol as
 * ethertype); inputs of other link types are skipped with a note. Output: nanosecond
 * pcap. Run by scripts/make-bench-capture.sh. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/dissect.h"
#include "capture/reader.h"
#include "capture/writer.h"

enum { SLL_HDR = 16, ETH_HDR = 14, MAX_FRAME = 262144 + ETH_HDR };

/* Rewrite a cooked frame as Ethernet into out; returns false if it has no ethertype. */
static bool sll_to_ethernet(const ng_packet *p, const uint8_t *data, uint8_t *out,
                            uint32_t *caplen, uint32_t *wirelen)
{
    if (p->caplen < SLL_HDR || p->wirelen < SLL_HDR)
        return false;
    uint16_t proto = (uint16_t)(data[14] << 8 | data[15]);
    if (proto < 0x0600)
        return false;
    static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x01 };
    memcpy(out, dst, 6);
    memcpy(out + 6, data + 6, 6);
    out[12] = data[14];
    out[13] = data[15];
    memcpy(out + ETH_HDR, data + SLL_HDR, p->caplen - SLL_HDR);
    *caplen = p->caplen - SLL_HDR + ETH_HDR;
    *wirelen = p->wirelen - SLL_HDR + ETH_HDR;
    return true;
}

/* Append one input, shifted to start at base_ns; updates *last_ns and *written. */
static int copy_capture(ng_writer *w, const char *path, int64_t base_ns, int64_t *last_ns,
                        uint64_t *written, uint64_t limit)
{
    ng_reader *r = NULL;
    ng_error err;
    if (ng_reader_open(&r, path, &err) != NG_OK) {
        fprintf(stderr, "bench_make_capture: %s\n", err.msg);
        return 1;
    }
    uint32_t link = ng_reader_linktype(r);
    if (link != NG_DLT_EN10MB && link != NG_DLT_LINUX_SLL) {
        fprintf(stderr, "bench_make_capture: %s: link type %" PRIu32 " skipped\n", path, link);
        ng_reader_close(r);
        return 0;
    }
    static uint8_t frame[MAX_FRAME];
    ng_packet p;
    const uint8_t *data;
    bool got, first = true;
    int64_t first_ts = 0;
    int rc = 0;
    while (*written < limit && (rc = ng_reader_next(r, &p, &data, &got, &err)) == NG_OK && got) {
        if (first) {
            first_ts = p.ts_ns;
            first = false;
        }
        uint32_t caplen = p.caplen, wirelen = p.wirelen;
        if (link == NG_DLT_LINUX_SLL) {
            if (!sll_to_ethernet(&p, data, frame, &caplen, &wirelen))
                continue;
            data = frame;
        }
        int64_t ts = p.ts_ns - first_ts + base_ns;
        if (ng_writer_write(w, ts, data, caplen, wirelen, &err) != NG_OK) {
            fprintf(stderr, "bench_make_capture: %s\n", err.msg);
            ng_reader_close(r);
            return 1;
        }
        *last_ns = ts > *last_ns ? ts : *last_ns;
        (*written)++;
    }
    if (rc != NG_OK)
        fprintf(stderr, "bench_make_capture: %s (kept what came before)\n", err.msg);
    ng_reader_close(r);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_make_capture OUT MIN_PACKETS CAPTURE...\n");
        return 2;
    }
    uint64_t limit = strtoull(argv[2], NULL, 10);
    ng_writer *w = NULL;
    ng_error err;
    if (ng_writer_open(&w, argv[1], NG_CAPTURE_PCAP_NS, NG_DLT_EN10MB, 0, &err) != NG_OK) {
        fprintf(stderr, "bench_make_capture: %s\n", err.msg);
        return 1;
    }
    uint64_t written = 0, before;
    int64_t last_ns = 1000000000LL * 1000000000LL; /* 2001-09-09: after every input */
    do {
        before = written;
        for (int i = 3; i < argc && written < limit; i++)
            if (copy_capture(w, argv[i], last_ns + 1000000, &last_ns, &written, limit)) {
                ng_writer_abort(w);
                return 1;
            }
    } while (written < limit && written > before);
    if (ng_writer_close(w, &err) != NG_OK) {
        fprintf(stderr, "bench_make_capture: %s\n", err.msg);
        return 1;
    }
    printf("%s: %" PRIu64 " packets\n", argv[1], written);
    return 0;
}
