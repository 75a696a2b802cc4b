/* bench_pcap_dump.c — the libpcap baseline for bench_generate.sh: how fast pcap_dump
 * writes N pre-built packets to a file.
 *
 * Loads up to 100 000 packets of a capture into memory (the "pre-built" frames), then
 * times opening OUT with pcap_dump_open, writing N packets (cycling through the loaded
 * ones, timestamps rewritten to increase) and closing it, in wall-clock seconds.
 * Usage: bench_pcap_dump IN.pcap N OUT.pcap   → prints "pcap_dump: N packets in S s = R packets/s" */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/progress.h"

#define MAX_LOADED 100000

typedef struct frame {
    struct pcap_pkthdr hdr;
    u_char *data;
} frame;

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_pcap_dump IN.pcap N OUT.pcap\n");
        return 2;
    }
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *in = pcap_open_offline(argv[1], errbuf);
    if (!in) {
        fprintf(stderr, "bench_pcap_dump: %s\n", errbuf);
        return 1;
    }
    frame *frames = calloc(MAX_LOADED, sizeof *frames);
    size_t n = 0;
    struct pcap_pkthdr *hdr;
    const u_char *data;
    while (n < MAX_LOADED && pcap_next_ex(in, &hdr, &data) == 1) {
        frames[n].hdr = *hdr;
        frames[n].data = malloc(hdr->caplen);
        memcpy(frames[n].data, data, hdr->caplen);
        n++;
    }
    if (n == 0) {
        fprintf(stderr, "bench_pcap_dump: %s holds no packets\n", argv[1]);
        return 1;
    }
    unsigned long long want = strtoull(argv[2], NULL, 10);
    double t0 = ng_now_seconds();
    pcap_t *dead = pcap_open_dead(pcap_datalink(in), 262144);
    pcap_dumper_t *out = pcap_dump_open(dead, argv[3]);
    if (!out) {
        fprintf(stderr, "bench_pcap_dump: %s\n", pcap_geterr(dead));
        return 1;
    }
    struct pcap_pkthdr h = frames[0].hdr;
    for (unsigned long long i = 0; i < want; i++) {
        const frame *f = &frames[i % n];
        h.caplen = f->hdr.caplen;
        h.len = f->hdr.len;
        h.ts.tv_usec += 10;
        if (h.ts.tv_usec >= 1000000) {
            h.ts.tv_usec -= 1000000;
            h.ts.tv_sec++;
        }
        pcap_dump((u_char *)out, &h, f->data);
    }
    pcap_dump_close(out);
    double dt = ng_now_seconds() - t0;
    printf("pcap_dump: %llu packets in %.3f s = %.0f packets/s\n", want, dt, (double)want / dt);
    for (size_t i = 0; i < n; i++)
        free(frames[i].data);
    free(frames);
    pcap_close(dead);
    pcap_close(in);
    return 0;
}
