/* test_periodic_stream.c — a planned periodic stream keeps its beat in the written capture.
 *
 * A flow level trained on tiny.pcap (whose gaps have nothing of a 1 s beat) writes two
 * hand-made plans: an LLC keep-alive of 776 frames over 1040 s with the rhythm of
 * DARPA Monday's (period 1.0008 s; 64% of the gaps one beat, the rest 1.5-6.5 beats) and
 * a loopback beacon of 104 frames every 10 s. In the capture read back: the LLC gaps'
 * median is within 1% of 1 s and ≥ 95% of its frames are in distinct seconds, the last
 * frame lands at start + duration (± 1 ms), every loopback gap is within 0.5% of 10 s,
 * the packet counts are the plans'; the same plans without rhythm are not periodic
 * (shows that the beat comes from the rhythm); the same seed writes the same bytes; a
 * request/response stream keeps its client's beat. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"
#include "tiny_level.h"

#include "capture/reader.h"
#include "model/dataset.h"
#include "model/flow_level.h"
#include "stats/metrics.h"
#include "synth/generator.h"

#define SEC 1000000000LL
#define T0 920293202341221000LL

static const uint8_t CISCO[6] = {0x00, 0x10, 0x7b, 0x38, 0x46, 0x32};
static const uint8_t HP[6] = {0x08, 0x00, 0x09, 0x61, 0xaa, 0xc9};

/* DARPA Monday's LLC rhythm as detected by training (33 quantiles of gap / period). */
static void llc_rhythm(ng_rhythm *r)
{
    r->period_ns = 1.000866e9;
    for (size_t q = 0; q < NG_RHYTHM_QUANTILES; q++) {
        double u = (double)q / (NG_RHYTHM_QUANTILES - 1);
        r->ratio[q] = (float)(u < 0.05   ? 0.998 + 0.04 * u
                              : u < 0.64 ? 1.0
                              : u < 0.85 ? 1.5
                              : u < 0.93 ? 2.0
                                         : 2.5 + 4.0 * (u - 0.93) / 0.07);
    }
}

static void make_plans(ng_flow_plan p[2], bool rhythm)
{
    memset(p, 0, 2 * sizeof *p);
    for (size_t i = 0; i < 2; i++) {
        p[i].id = i;
        p[i].is_noflow = true;
        p[i].app_class = 0;
        p[i].start_reason = NG_FLOW_START_NONE;
        p[i].end_reason = NG_FLOW_END_EOF;
    }
    p[0].start_ns = T0;
    p[0].target_packets = 776;
    p[0].target_bytes = 54ull * 776;
    p[0].target_duration_ns = 1040 * SEC;
    memcpy(p[0].client_mac, HP, 6), memcpy(p[0].server_mac, HP, 6);
    p[0].eth_min_frame[0] = p[0].eth_min_frame[1] = 54;
    p[1].start_ns = T0 + 3 * SEC;
    p[1].ethertype = 0x9000;
    p[1].target_packets = 104;
    p[1].target_bytes = 60ull * 104;
    p[1].target_duration_ns = 1030 * SEC;
    memcpy(p[1].client_mac, CISCO, 6), memcpy(p[1].server_mac, CISCO, 6);
    if (!rhythm)
        return;
    llc_rhythm(&p[0].rhythm);
    p[1].rhythm.period_ns = 9.999783e9;
    for (size_t q = 0; q < NG_RHYTHM_QUANTILES; q++)
        p[1].rhythm.ratio[q] = 1.0f + 0.0005f * (float)q / NG_RHYTHM_QUANTILES;
}

static void generate(bool rhythm, uint64_t seed, const char *path)
{
    ng_flow_plan plans[2];
    make_plans(plans, rhythm);
    ng_generate_stats stats;
    tiny_generate(plans, 2, seed, path, &stats);
}

typedef struct stream {
    int64_t *t;
    size_t n;
} stream;

/* Frame times of the LLC (802.3) and the loopback stream. */
static void read_streams(const char *path, stream *llc, stream *loop)
{
    ng_reader *r;
    ng_error err;
    assert_int_equal(ng_reader_open(&r, path, &err), NG_OK);
    llc->t = malloc(4096 * sizeof *llc->t);
    loop->t = malloc(4096 * sizeof *loop->t);
    llc->n = loop->n = 0;
    ng_packet pkt;
    const uint8_t *b;
    bool got;
    while (ng_reader_next(r, &pkt, &b, &got, &err) == NG_OK && got) {
        stream *s = (b[12] << 8 | b[13]) < 0x0600 ? llc : loop;
        if (s->n < 4096)
            s->t[s->n++] = pkt.ts_ns;
    }
    ng_reader_close(r);
}

static double gap_median(const stream *s)
{
    double *g = malloc(s->n * sizeof *g);
    for (size_t i = 1; i < s->n; i++)
        g[i - 1] = (double)(s->t[i] - s->t[i - 1]);
    ng_sort_doubles(g, s->n - 1);
    double m = ng_median_sorted(g, s->n - 1);
    free(g);
    return m;
}

static size_t distinct_seconds(const stream *s)
{
    size_t d = 0;
    for (size_t i = 0; i < s->n; i++)
        d += i == 0 || s->t[i] / SEC != s->t[i - 1] / SEC;
    return d;
}

static void test_streams_keep_their_beat(void **state)
{
    (void)state;
    const char *path = ng_test_tmp("periodic.pcap");
    stream llc, loop;
    generate(false, 11, path);
    read_streams(path, &llc, &loop);
    double free_median = gap_median(&llc);
    size_t free_distinct = distinct_seconds(&llc);
    print_message("without rhythm: LLC gap median %.3f s, %zu of %zu in distinct seconds\n",
                  free_median / SEC, free_distinct, llc.n);
    free(llc.t), free(loop.t);

    generate(true, 11, path);
    read_streams(path, &llc, &loop);
    double median = gap_median(&llc);
    size_t distinct = distinct_seconds(&llc);
    print_message("with rhythm: LLC %zu frames, gap median %.4f s, %zu in distinct seconds, "
                  "last at %+.6f s of the plan's end; loopback %zu frames, gap median %.4f s\n",
                  llc.n, median / SEC, distinct, (double)(llc.t[llc.n - 1] - T0 - 1040 * SEC) / SEC,
                  loop.n, gap_median(&loop) / SEC);
    assert_int_equal(llc.n, 776);
    assert_int_equal(loop.n, 104);
    assert_true(fabs(median / SEC - 1.0) < 0.01);
    assert_true(distinct >= (size_t)(0.95 * 776));
    assert_true(llabs(llc.t[llc.n - 1] - T0 - 1040 * SEC) < SEC / 1000);
    for (size_t i = 1; i < loop.n; i++)
        assert_true(fabs((double)(loop.t[i] - loop.t[i - 1]) / SEC - 10.0) < 0.05);
    /* the beat is the rhythm's: the flow level's own gaps are not a 1 s beat */
    assert_true(fabs(free_median / SEC - 1.0) > 0.01 || free_distinct < distinct);
    free(llc.t), free(loop.t);
}

static void test_same_seed_same_bytes(void **state)
{
    (void)state;
    const char *a = ng_test_tmp("periodic_a.pcap"), *b = ng_test_tmp("periodic_b.pcap");
    generate(true, 5, a);
    generate(true, 5, b);
    size_t la, lb;
    uint8_t *x = ng_test_read_file(a, &la), *y = ng_test_read_file(b, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(x, y, la);
    free(x), free(y);
}

/* An SNMP-like poll over UDP: 400 planned packets over 400 s, the client's on a 2 s beat
 * (lead c2s, half the packets). The client's packets keep the beat whatever directions
 * the flow level draws; the server's come at the flow level's gaps after them. */
static void test_exchange_keeps_the_client_beat(void **state)
{
    (void)state;
    ng_flow_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.start_ns = T0;
    plan.ip_version = 4, plan.ip_proto = 17, plan.app_class = NG_APP_SNMP;
    plan.client.family = plan.server.family = 4;
    plan.client.bytes[0] = 192, plan.client.bytes[3] = 30;
    plan.server.bytes[0] = 172, plan.server.bytes[3] = 100;
    plan.client_port = 32769, plan.server_port = 161;
    plan.start_reason = NG_FLOW_START_NONE, plan.end_reason = NG_FLOW_END_EOF;
    plan.target_packets = 400, plan.target_bytes = 400 * 150ull;
    plan.target_duration_ns = 399 * SEC;
    plan.rhythm.period_ns = 2.0 * SEC;
    for (size_t q = 0; q < NG_RHYTHM_QUANTILES; q++)
        plan.rhythm.ratio[q] = 0.999f + 0.002f * (float)q / (NG_RHYTHM_QUANTILES - 1);
    plan.rhythm.lead = NG_RHYTHM_LEAD_C2S, plan.rhythm.lead_share = 0.5f;
    const char *path = ng_test_tmp("exchange.pcap");
    ng_generate_stats stats;
    tiny_generate(&plan, 1, 3, path, &stats);

    ng_reader *r;
    ng_error err;
    assert_int_equal(ng_reader_open(&r, path, &err), NG_OK);
    stream client = {malloc(512 * sizeof(int64_t)), 0};
    size_t total = 0;
    ng_packet pkt;
    const uint8_t *b;
    bool got;
    while (ng_reader_next(r, &pkt, &b, &got, &err) == NG_OK && got) {
        total++;
        if (b[26] == 192 && client.n < 512) /* IPv4 source address, first byte */
            client.t[client.n++] = pkt.ts_ns;
    }
    ng_reader_close(r);
    double median = gap_median(&client);
    print_message("%zu packets, %zu from the client: gap median %.4f s, %zu in distinct "
                  "seconds\n", total, client.n, median / SEC, distinct_seconds(&client));
    assert_int_equal(total, 400);
    assert_true(client.n >= 20);
    assert_true(fabs(median / SEC - 2.0) < 0.01);
    assert_int_equal(distinct_seconds(&client), client.n);
    free(client.t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_streams_keep_their_beat),
        cmocka_unit_test(test_same_seed_same_bytes),
        cmocka_unit_test(test_exchange_keeps_the_client_beat),
    };
    return cmocka_run_group_tests(tests, tiny_level_setup, tiny_level_teardown);
}
