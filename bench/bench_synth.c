/* bench_synth.c — how fast synth turns decided packets into bytes, on one core.
 *
 * Measures frames built per second (Ethernet/IPv4/TCP with IP and TCP checksums) for a
 * 60-byte frame (pure ACK, padded), a 500-byte payload and a full 1460-byte payload,
 * with the default zero payload and with real payload bytes copied and summed; the
 * same over IPv6; the state machine alone (steps/s); and both together.
 * Rates are per second of this thread's CPU time (not wall time), so a loaded machine
 * does not distort them. Usage: bench_synth [CPU seconds per case, default 1] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rng.h"
#include "synth/frame_builder.h"
#include "synth/tcp_state.h"

/* CPU time of this thread: rates stay meaningful on a shared, loaded machine. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static ng_frame_spec make_spec(int family, uint32_t payload_len, const uint8_t *payload)
{
    ng_frame_spec s;
    memset(&s, 0, sizeof s);
    memset(s.src_mac, 0x11, 6);
    memset(s.dst_mac, 0x22, 6);
    s.src.family = s.dst.family = (uint8_t)family;
    s.src.bytes[0] = 10, s.src.bytes[3] = 1;
    s.dst.bytes[0] = 10, s.dst.bytes[3] = 2;
    s.ttl = 64;
    s.dont_fragment = true;
    s.sport = 40000, s.dport = 80;
    s.tcp.flags = NG_TCP_ACK | (payload_len ? NG_TCP_PSH : 0);
    s.tcp.window = 502;
    s.tcp.opts = NG_TCPOPT_TIMESTAMP;
    s.payload_len = payload_len;
    s.payload = payload;
    return s;
}

/* Frames per second for one spec; seq/ack/ip id change every frame. */
static double bench_build(const char *name, ng_frame_spec s, double seconds)
{
    static uint8_t buf[2048];
    uint64_t frames = 0, sink = 0;
    double t0 = now(), t = t0;
    while (t - t0 < seconds) {
        for (int i = 0; i < 100000; i++) {
            s.tcp.seq += 1448;
            s.tcp.ack += 1;
            s.tcp.tsval += 1;
            s.ip_id++;
            size_t len = ng_build_tcp_frame(buf, sizeof buf, &s);
            sink += len + buf[len - 1] + buf[50];
        }
        frames += 100000;
        t = now();
    }
    double rate = frames / (t - t0);
    printf("%-44s %6.1f M frames/s  %6.1f ns/frame  (%llu)\n", name, rate / 1e6, 1e9 / rate,
           (unsigned long long)(sink & 1));
    return rate;
}

static ng_tcp_proposal next_proposal(ng_rng *rng, int64_t *t)
{
    ng_tcp_proposal p = {0};
    *t += 100000;
    p.ts_ns = *t;
    p.dir = (uint8_t)(ng_rng_u64(rng) & 1);
    p.flags = NG_TCP_ACK;
    p.payload_len = (uint32_t)(ng_rng_u64(rng) % 1449);
    return p;
}

/* Steps per second through the state machine, 1000 interleaved flows of 100 packets. */
static void bench_state(double seconds, int build_too)
{
    enum { FLOWS = 1000, PER_FLOW = 100 };
    ng_tcp_config cfg;
    ng_tcp_config_default(&cfg);
    ng_tcp_flow *flows = malloc(FLOWS * sizeof *flows);
    ng_rng rng;
    ng_rng_seed(&rng, 1);
    ng_tcp_fixes fixes = {{0}};
    ng_tcp_segment seg[NG_TCP_MAX_EMIT];
    ng_frame_spec spec = make_spec(4, 0, NULL);
    static uint8_t buf[2048];
    uint64_t packets = 0, sink = 0, round = 0;
    int64_t t = 0;
    double t0 = now(), tn = t0;
    while (tn - t0 < seconds) {
        for (int f = 0; f < FLOWS; f++)
            ng_tcp_flow_init(&flows[f], &cfg, 7, round * FLOWS + (uint64_t)f, NG_TCP_START_SYN);
        for (int k = 0; k < PER_FLOW; k++)
            for (int f = 0; f < FLOWS; f++) {
                ng_tcp_proposal p = next_proposal(&rng, &t);
                size_t n = ng_tcp_step(&flows[f], &p, seg, &fixes);
                for (size_t i = 0; i < n; i++) {
                    if (build_too) {
                        ng_tcp_segment_to_spec(&seg[i], &spec);
                        sink += ng_build_tcp_frame(buf, sizeof buf, &spec);
                    } else {
                        sink += seg[i].tcp.seq;
                    }
                }
                packets += n;
            }
        round++;
        tn = now();
    }
    double rate = packets / (tn - t0);
    printf("%-44s %6.1f M packets/s  %6.1f ns/packet  (%llu, %llu fixes)\n",
           build_too ? "state machine + TCP frame build" : "state machine only (1000 live flows)",
           rate / 1e6, 1e9 / rate, (unsigned long long)(sink & 1),
           (unsigned long long)ng_tcp_fixes_total(&fixes));
    free(flows);
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 1.0;
    static uint8_t payload[1460];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(i * 131 + 7);
    printf("one core (thread CPU time), Ethernet/IP/TCP with timestamps option, checksums per frame\n");
    bench_build("IPv4 60-byte frame (pure ACK, padded)", make_spec(4, 0, NULL), seconds);
    bench_build("IPv4 500-byte payload, zero bytes", make_spec(4, 500, NULL), seconds);
    bench_build("IPv4 500-byte payload, real bytes", make_spec(4, 500, payload), seconds);
    bench_build("IPv4 1460-byte payload, zero bytes", make_spec(4, 1460, NULL), seconds);
    bench_build("IPv4 1460-byte payload, real bytes", make_spec(4, 1460, payload), seconds);
    bench_build("IPv6 500-byte payload, zero bytes", make_spec(6, 500, NULL), seconds);
    bench_state(seconds, 0);
    bench_state(seconds, 1);
    return 0;
}
