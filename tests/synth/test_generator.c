/* test_generator.c — the generation engine on hand-made flow plans with a flow level
 * trained in the test (tiny.pcap, clusters from direction/flags/size): output in time
 * order, byte-identical for the same seed, every TCP flow with a SYN start opening with
 * a complete handshake, IPv4 ids counting per host, flows of every protocol written,
 * --ip-prefix mapping and validation, stops at end time and packet count. The tshark and
 * report/validity checks of whole generated captures are in tests/cli/test_generate.c. */
#include <stdio.h>
#include <string.h>

#include "test_util.h"
#include "tiny_level.h"

#include "capture/reader.h"
#include "core/log.h"
#include "model/dataset.h"
#include "model/flow_level.h"
#include "model/flow_sampler.h"
#include "synth/address_map.h"
#include "synth/flow_emitter.h"
#include "synth/generator.h"

static void v4(ng_addr *a, uint8_t x, uint8_t y)
{
    memset(a, 0, sizeof *a);
    a->family = 4;
    a->bytes[0] = 172, a->bytes[1] = 16, a->bytes[2] = x, a->bytes[3] = y;
}

static void v6(ng_addr *a, uint8_t host)
{
    memset(a, 0, sizeof *a);
    a->family = 6;
    a->bytes[0] = 0xfd, a->bytes[15] = host;
}

/* n plans, 20 ms apart: TCP (HTTP, SYN/FIN and some mid-stream/RST), UDP, ICMP, ARP, LLC. */
static ng_flow_plan *make_plans(size_t n)
{
    ng_flow_plan *p = calloc(n, sizeof *p);
    for (size_t i = 0; i < n; i++) {
        ng_flow_plan *f = &p[i];
        f->id = i;
        f->start_ns = 1000000000LL * 920000000LL / 1000000000LL + (int64_t)i * 20000000;
        f->ip_version = 4;
        f->target_packets = 4 + (uint32_t)(i % 9);
        f->target_bytes = 1000;
        f->target_duration_ns = 500000000;
        v4(&f->client, 1, (uint8_t)(10 + i % 7));
        v4(&f->server, 2, (uint8_t)(1 + i % 3));
        f->client_port = (uint16_t)(40000 + i);
        switch (i % 8) {
        case 5: f->ip_proto = 17, f->app_class = NG_APP_DNS, f->server_port = 53;
                f->start_reason = NG_FLOW_START_NONE, f->end_reason = NG_FLOW_END_IDLE; break;
        case 6: f->ip_proto = 1, f->is_noflow = true, f->client_port = 0;
                f->start_reason = NG_FLOW_START_NONE, f->end_reason = NG_FLOW_END_IDLE; break;
        case 7: f->ip_version = 0, f->is_noflow = true, f->client_port = 0;
                f->ethertype = i % 16 == 7 ? 0x0806 : 0; memset(&f->client, 0, sizeof f->client);
                memset(&f->server, 0, sizeof f->server);
                f->start_reason = NG_FLOW_START_NONE, f->end_reason = NG_FLOW_END_IDLE; break;
        default: f->ip_proto = 6, f->app_class = NG_APP_HTTP, f->server_port = 80;
                f->start_reason = i % 8 == 4 ? NG_FLOW_START_MIDSTREAM : NG_FLOW_START_SYN;
                f->end_reason = i % 8 == 3 ? NG_FLOW_END_RST : NG_FLOW_END_FIN; break;
        }
        if (i % 16 == 10 || i % 16 == 13 || i % 16 == 14) { /* IPv6: TCP, UDP, ICMPv6 */
            f->ip_version = 6;
            if (f->ip_proto == 1)
                f->ip_proto = 58;
            v6(&f->client, (uint8_t)(10 + i % 7));
            v6(&f->server, (uint8_t)(100 + i % 3));
        }
    }
    return p;
}

static ng_status generate(const char *path, uint64_t seed, size_t n_plans,
                          ng_generate_options *opt, ng_generate_stats *stats)
{
    plan_list list = {make_plans(n_plans), n_plans, 0};
    ng_plan_source src = {next_plan, &list};
    opt->seed = seed;
    ng_packet_output out;
    ng_error err;
    ng_status st = ng_packet_output_open(&out, path, NG_OUTPUT_PCAP_NS, &err);
    assert_int_equal(st, NG_OK);
    st = ng_generate(tiny_level, &src, opt, &out, stats, &err);
    if (st == NG_OK)
        st = ng_packet_output_close(&out, &err);
    else
        ng_packet_output_abort(&out);
    if (st != NG_OK)
        fprintf(stderr, "%s\n", err.msg);
    free(list.plans);
    return st;
}

/* ---- reading back ---- */

typedef struct tcp_seen {
    uint16_t client_port;
    uint8_t flags[3];
    int n;
} tcp_seen;

typedef struct readback {
    uint64_t packets, tcp, udp, icmp, arp, llc, v6, out_of_order, id_breaks, handshakes_ok;
    uint64_t syn_flows;
    tcp_seen flows[65536]; /* by client port */
    uint16_t last_id[256];
    bool id_seen[256];
} readback;

static void read_capture(const char *path, readback *rb)
{
    memset(rb, 0, sizeof *rb);
    ng_reader *r;
    ng_error err;
    assert_int_equal(ng_reader_open(&r, path, &err), NG_OK);
    ng_packet pkt;
    bool got;
    int64_t last = INT64_MIN;
    while (ng_reader_next(r, &pkt, NULL, &got, &err) == NG_OK && got) {
        rb->packets++;
        rb->out_of_order += pkt.ts_ns < last;
        last = pkt.ts_ns;
        assert_int_equal(pkt.anomalies & (NG_PKT_MALFORMED | NG_PKT_TRUNCATED), 0);
        rb->tcp += pkt.ip_proto == 6;
        rb->udp += pkt.ip_proto == 17;
        rb->icmp += pkt.ip_proto == 1 || pkt.ip_proto == 58;
        rb->v6 += pkt.ip_version == 6;
        rb->arp += pkt.ethertype == 0x0806;
        rb->llc += pkt.ethertype == 0 && pkt.ip_version == 0;
        if (pkt.ip_version == 4 && pkt.ethertype == 0x0800) {
            uint8_t host = pkt.src.bytes[2] * 16 + pkt.src.bytes[3];
            if (rb->id_seen[host] && pkt.ip_id != (uint16_t)(rb->last_id[host] + 1))
                rb->id_breaks++;
            rb->id_seen[host] = true;
            rb->last_id[host] = pkt.ip_id;
        }
        if (pkt.ip_proto == 6) {
            uint16_t cport = pkt.dport == 80 ? pkt.sport : pkt.dport;
            tcp_seen *f = &rb->flows[cport];
            f->client_port = cport;
            if (f->n < 3)
                f->flags[f->n] = pkt.tcp_flags;
            f->n++;
        }
    }
    ng_reader_close(r);
    for (size_t i = 0; i < 65536; i++) {
        tcp_seen *f = &rb->flows[i];
        if (f->n && (f->flags[0] & 0x12) == 0x02) {
            rb->syn_flows++;
            rb->handshakes_ok += f->n >= 3 && (f->flags[1] & 0x12) == 0x12 &&
                                 (f->flags[2] & 0x17) == 0x10;
        }
    }
}

/* tshark (when installed) finds no malformed frame and no error-level expert item. */
static void check_tshark(const char *path)
{
    long errors = ng_test_tshark_errors(path);
    if (errors >= 0)
        assert_int_equal(errors, 0);
}

/* ---- tests ---- */

static void test_order_protocols_and_handshakes(void **state)
{
    (void)state;
    ng_generate_options opt;
    ng_generate_options_default(&opt);
    ng_generate_stats st;
    const char *path = ng_test_tmp("g.pcap");
    assert_int_equal(generate(path, 7, 400, &opt, &st), NG_OK);
    readback *rb = calloc(1, sizeof *rb);
    read_capture(path, rb);
    printf("  400 plans: %llu flows, %llu packets (ipv6 %llu; tcp %llu, udp %llu, icmp %llu, arp %llu, "
           "llc %llu), max %llu active, %llu corrections, handshakes %llu/%llu\n",
           (unsigned long long)st.flows, (unsigned long long)rb->packets,
           (unsigned long long)rb->v6, (unsigned long long)rb->tcp, (unsigned long long)rb->udp,
           (unsigned long long)rb->icmp, (unsigned long long)rb->arp,
           (unsigned long long)rb->llc, (unsigned long long)st.max_active,
           (unsigned long long)ng_generate_corrections(&st),
           (unsigned long long)rb->handshakes_ok, (unsigned long long)rb->syn_flows);
    assert_int_equal(st.flows, 400);
    assert_int_equal(st.flows_unsupported, 0);
    assert_int_equal(st.build_failures, 0);
    assert_int_equal(rb->packets, st.packets);
    assert_int_equal(rb->out_of_order, 0);
    assert_true(rb->tcp > 0 && rb->udp > 0 && rb->icmp > 0 && rb->arp > 0 && rb->llc > 0);
    assert_true(rb->v6 > 0);
    assert_int_equal(rb->id_breaks, 0);
    /* 200 SYN-started TCP flows (i % 8 in 0..3; 4 is mid-stream) */
    assert_int_equal(rb->syn_flows, 200);
    assert_int_equal(rb->handshakes_ok, rb->syn_flows);
    assert_true(st.max_active < 400);
    free(rb);
    check_tshark(path);
}

static void test_deterministic(void **state)
{
    (void)state;
    ng_generate_options opt;
    ng_generate_options_default(&opt);
    ng_generate_stats st;
    const char *names[3] = {"a.pcap", "b.pcap", "c.pcap"};
    uint64_t seeds[3] = {11, 11, 12};
    uint8_t *data[3];
    size_t len[3];
    for (int i = 0; i < 3; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s", ng_test_tmp(names[i]));
        assert_int_equal(generate(path, seeds[i], 120, &opt, &st), NG_OK);
        data[i] = ng_test_read_file(path, &len[i]);
    }
    assert_int_equal(len[0], len[1]);
    assert_memory_equal(data[0], data[1], len[0]);
    assert_true(len[0] != len[2] || memcmp(data[0], data[2], len[0]) != 0);
    for (int i = 0; i < 3; i++)
        free(data[i]);
}

static void test_stops(void **state)
{
    (void)state;
    ng_generate_options opt;
    ng_generate_options_default(&opt);
    ng_generate_stats st;
    opt.max_packets = 37;
    assert_int_equal(generate(ng_test_tmp("p.pcap"), 1, 200, &opt, &st), NG_OK);
    assert_int_equal(st.packets, 37);
    assert_true(st.stopped_at_packets);
    ng_generate_options_default(&opt);
    ng_flow_plan *p = make_plans(1);
    opt.end_ns = p[0].start_ns + 1000000000LL;
    assert_int_equal(generate(ng_test_tmp("e.pcap"), 1, 200, &opt, &st), NG_OK);
    assert_true(st.last_ns < opt.end_ns);
    assert_true(st.flows <= 50);
    /* end times that fall inside handshakes: the flows are not started, never cut there */
    uint64_t cut = 0;
    readback *rb = calloc(1, sizeof *rb);
    for (int64_t i = 0; i < 27; i++) { /* 50 us after plan i starts: inside its handshake */
        ng_generate_options_default(&opt);
        opt.end_ns = p[0].start_ns + i * 20000000 + 50000;
        assert_int_equal(generate(ng_test_tmp("h.pcap"), 1, 200, &opt, &st), NG_OK);
        read_capture(ng_test_tmp("h.pcap"), rb);
        assert_int_equal(rb->handshakes_ok, rb->syn_flows);
        cut += st.flows_cut_in_handshake;
    }
    printf("  27 end times: %llu flows not started because their handshake would be cut\n",
           (unsigned long long)cut);
    assert_true(cut > 0);
    free(rb);
    free(p);
}

/* Plans that all reuse one TCP 4-tuple: every flow gets a client port of its own. */
static void test_tuple_reuse(void **state)
{
    (void)state;
    size_t n = 40;
    ng_flow_plan *p = make_plans(n);
    for (size_t i = 0; i < n; i++) {
        p[i].ip_proto = 6, p[i].ip_version = 4, p[i].is_noflow = false;
        p[i].app_class = NG_APP_HTTP, p[i].server_port = 80, p[i].client_port = 40000;
        p[i].start_reason = NG_FLOW_START_SYN, p[i].end_reason = NG_FLOW_END_FIN;
        v4(&p[i].client, 1, 10);
        v4(&p[i].server, 2, 1);
        p[i].start_ns = p[0].start_ns + (int64_t)i * 1000000; /* overlapping */
    }
    plan_list list = {p, n, 0};
    ng_plan_source src = {next_plan, &list};
    ng_generate_options opt;
    ng_generate_options_default(&opt);
    ng_packet_output out;
    ng_error err;
    const char *path = ng_test_tmp("t.pcap");
    assert_int_equal(ng_packet_output_open(&out, path, NG_OUTPUT_PCAP_NS, &err), NG_OK);
    ng_generate_stats st;
    assert_int_equal(ng_generate(tiny_level, &src, &opt, &out, &st, &err), NG_OK);
    assert_int_equal(ng_packet_output_close(&out, &err), NG_OK);
    assert_int_equal(st.fixes.tuple_reuse_moved, n - 1);
    readback *rb = calloc(1, sizeof *rb);
    read_capture(path, rb);
    size_t ports = 0;
    for (size_t i = 0; i < 65536; i++)
        ports += rb->flows[i].n > 0;
    assert_int_equal(ports, n);
    assert_int_equal(rb->handshakes_ok, n);
    free(rb);
    free(p);
}

static void test_address_map(void **state)
{
    (void)state;
    ng_ip_prefix p;
    ng_error err;
    const char *bad[] = {"300.0.0.0/8", "10.0.0.0/33", "garbage", "10.0.0.0", "10.0.0.0/",
                         "10.0.0.0/-1", "fd00::/129", "/8", "10.0.0.0/8x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(ng_ip_prefix_parse(bad[i], &p, &err), NG_EINVAL);
        assert_non_null(strstr(err.msg, bad[i]));
    }
    assert_int_equal(ng_ip_prefix_parse("10.1.2.3/16", &p, &err), NG_OK);
    assert_int_equal(p.base.bytes[2], 0);
    ng_address_map map;
    ng_address_map_init(&map);
    assert_int_equal(ng_address_map_add(&map, &p, &err), NG_OK);
    assert_int_equal(ng_address_map_add(&map, &p, &err), NG_EINVAL);
    /* 5000 distinct hosts stay distinct inside 10.1.0.0/16, same input → same output */
    ng_addr *seen = calloc(5000, sizeof *seen);
    for (uint32_t i = 0; i < 5000; i++) {
        ng_addr a = {.family = 4, .bytes = {192, 168, (uint8_t)(i >> 8), (uint8_t)i}};
        assert_int_equal(ng_address_map_apply(&map, &a, &err), NG_OK);
        assert_true(a.bytes[0] == 10 && a.bytes[1] == 1);
        assert_false(a.bytes[2] == 0 && a.bytes[3] == 0);
        assert_false(a.bytes[2] == 255 && a.bytes[3] == 255);
        seen[i] = a;
    }
    for (uint32_t i = 0; i < 5000; i++) {
        ng_addr a = {.family = 4, .bytes = {192, 168, (uint8_t)(i >> 8), (uint8_t)i}};
        assert_int_equal(ng_address_map_apply(&map, &a, &err), NG_OK);
        assert_memory_equal(&a, &seen[i], sizeof a);
    }
    int dups = 0;
    for (uint32_t i = 0; i < 5000; i++)
        for (uint32_t j = i + 1; j < 5000; j++)
            dups += !memcmp(seen[i].bytes, seen[j].bytes, 4);
    assert_int_equal(dups, 0);
    assert_int_equal(map.collisions, 0);
    /* IPv6 is untouched without a v6 prefix, mapped with one */
    ng_addr six = {.family = 6, .bytes = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
    ng_addr copy = six;
    assert_int_equal(ng_address_map_apply(&map, &six, &err), NG_OK);
    assert_memory_equal(&six, &copy, sizeof six);
    assert_int_equal(ng_ip_prefix_parse("fd00:1::/64", &p, &err), NG_OK);
    assert_int_equal(ng_address_map_add(&map, &p, &err), NG_OK);
    assert_int_equal(ng_address_map_apply(&map, &six, &err), NG_OK);
    assert_int_equal(six.bytes[0], 0xfd);
    assert_int_equal(six.bytes[3], 0x01);
    free(seen);
    ng_address_map_free(&map);
    /* a /30 holds 2 hosts: the third collides */
    ng_address_map_init(&map);
    assert_int_equal(ng_ip_prefix_parse("10.0.0.0/30", &p, &err), NG_OK);
    assert_int_equal(ng_address_map_add(&map, &p, &err), NG_OK);
    for (uint8_t i = 0; i < 3; i++) {
        ng_addr a = {.family = 4, .bytes = {1, 2, 3, i}};
        assert_int_equal(ng_address_map_apply(&map, &a, &err), NG_OK);
        assert_true(a.bytes[3] == 1 || a.bytes[3] == 2);
    }
    assert_int_equal(map.collisions, 1);
    ng_address_map_free(&map);
}

static void test_ip_prefix_in_generation(void **state)
{
    (void)state;
    ng_address_map map;
    ng_address_map_init(&map);
    ng_ip_prefix p;
    ng_error err;
    assert_int_equal(ng_ip_prefix_parse("10.9.0.0/16", &p, &err), NG_OK);
    assert_int_equal(ng_address_map_add(&map, &p, &err), NG_OK);
    ng_generate_options opt;
    ng_generate_options_default(&opt);
    opt.addresses = &map;
    ng_generate_stats st;
    const char *path = ng_test_tmp("m.pcap");
    assert_int_equal(generate(path, 3, 64, &opt, &st), NG_OK);
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, path, &err), NG_OK);
    ng_packet pkt;
    bool got;
    uint64_t ip = 0;
    while (ng_reader_next(r, &pkt, NULL, &got, &err) == NG_OK && got) {
        if (pkt.ip_version != 4)
            continue;
        ip++;
        assert_true(pkt.src.bytes[0] == 10 && pkt.src.bytes[1] == 9);
        assert_true(pkt.dst.bytes[0] == 10 && pkt.dst.bytes[1] == 9);
    }
    ng_reader_close(r);
    assert_true(ip > 0);
    ng_address_map_free(&map);
}

/* ---- the emitter's TCP close (synth/tcp_tail.h) ---- */

/* Segments of one TCP plan: through the emitter, and the same proposals (a sampler of the
 * same plan and seed) stepped through a bare state machine closed by ng_tcp_finish. */
static void emit_flow(const ng_flow_plan *plan, const ng_tcp_config *cfg, size_t *emitted,
                      size_t *appended_only, size_t *proposals, ng_tcp_fixes *fixes)
{
    ng_emit_fixes other;
    memset(&other, 0, sizeof other);
    ng_emit_context ctx = {NULL, NULL, &other};
    ng_flow_emitter e;
    memset(&e, 0, sizeof e);
    ng_error err;
    assert_int_equal(ng_flow_emitter_begin(&e, tiny_level, plan, cfg, 7, &ctx, &err), NG_OK);
    ng_flow_plan as_sampled = e.plan;
    *emitted = 0;
    const ng_tcp_segment *last = NULL;
    ng_tcp_segment last_copy;
    while (ng_flow_emitter_refill(&e, tiny_level, fixes, &other)) {
        last_copy = *ng_flow_emitter_head(&e);
        last = &last_copy;
        ng_flow_emitter_pop(&e);
        (*emitted)++;
    }
    assert_true(ng_tcp_flow_closed(&e.tcp)); /* planned FIN or RST: always closed */
    assert_true(last && (last->tcp.flags == NG_TCP_ACK || (last->tcp.flags & NG_TCP_RST)));
    ng_flow_emitter_free(&e);

    ng_flow_sampler s;
    ng_flow_sampler_init(&s);
    assert_int_equal(ng_flow_sampler_begin(tiny_level, &as_sampled, 7, &s, &err), NG_OK);
    ng_tcp_flow f;
    ng_tcp_flow_init(&f, cfg, 7, plan->id,
                     plan->start_reason == NG_FLOW_START_MIDSTREAM ? NG_TCP_START_MIDSTREAM
                                                                   : NG_TCP_START_SYN);
    ng_tcp_fixes scratch;
    memset(&scratch, 0, sizeof scratch);
    ng_tcp_segment seg[NG_TCP_MAX_EMIT];
    ng_packet_proposal p;
    int64_t t = plan->start_ns;
    *appended_only = *proposals = 0;
    while (!ng_tcp_flow_closed(&f) && ng_flow_sampler_next(tiny_level, &s, &p)) {
        t += *proposals ? p.iat_ns : 0;
        ng_tcp_proposal prop = {.ts_ns = t, .dir = p.direction, .flags = p.tcp_flags,
                                .payload_len = p.payload_len};
        *appended_only += ng_tcp_step(&f, &prop, seg, &scratch);
        (*proposals)++;
    }
    ng_tcp_end end = plan->end_reason == NG_FLOW_END_RST ? NG_TCP_END_RST : NG_TCP_END_FIN;
    *appended_only += ng_tcp_finish(&f, t, end, seg, &scratch);
    ng_flow_sampler_free(&s);
}

/* A TCP flow planned to close keeps its planned packet count far more often when the
 * close is folded into its last proposals than when it is appended after them. */
static void test_tcp_close_within_the_plan(void **state)
{
    (void)state;
    ng_tcp_config cfg;
    ng_tcp_config_default(&cfg);
    size_t n_plans = 400, flows = 0, exact = 0, exact_appending = 0;
    ng_flow_plan *plans = make_plans(n_plans);
    ng_tcp_fixes fixes;
    memset(&fixes, 0, sizeof fixes);
    for (size_t i = 0; i < n_plans; i++) {
        if (plans[i].ip_proto != 6)
            continue;
        size_t emitted, appending, proposals;
        emit_flow(&plans[i], &cfg, &emitted, &appending, &proposals, &fixes);
        flows++;
        exact += emitted == plans[i].target_packets;
        exact_appending += appending == plans[i].target_packets;
        assert_true(proposals <= plans[i].target_packets);
    }
    printf("  %zu TCP flows: planned packet count kept by %zu (appending the teardown: %zu); "
           "teardown_appended %llu, teardown_folded %llu\n", flows, exact, exact_appending,
           (unsigned long long)fixes.n[NG_TCP_FIX_TEARDOWN_APPENDED],
           (unsigned long long)fixes.n[NG_TCP_FIX_TEARDOWN_FOLDED]);
    assert_true(fixes.n[NG_TCP_FIX_TEARDOWN_FOLDED] > 0);
    assert_true(exact > exact_appending);
    free(plans);
}

int main(void)
{
    ng_log_set_level(getenv("NG_TEST_VERBOSE") ? NG_LOG_INFO : NG_LOG_WARN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_protocols_and_handshakes),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_stops),
        cmocka_unit_test(test_tuple_reuse),
        cmocka_unit_test(test_address_map),
        cmocka_unit_test(test_ip_prefix_in_generation),
        cmocka_unit_test(test_tcp_close_within_the_plan),
    };
    return cmocka_run_group_tests(tests, tiny_level_setup, tiny_level_teardown);
}
