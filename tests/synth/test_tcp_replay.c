/* test_tcp_replay.c — real connections through the state machine.
 *
 * Every TCP connection of a real capture (DARPA 1999, week 1 Monday HTTP) that opens
 * with a SYN is replayed as proposals — direction, flags, payload length, window and
 * time taken from the real packets, options from the real SYN and SYN/ACK — i.e. what
 * a perfect model would propose. A faithful state machine must then reproduce the real
 * segments: same flags, payload, relative seq/ack, and the same frame length once
 * built; and it must correct only what the real capture itself has that a loss-free
 * connection cannot: tshark flags 20 duplicate ACKs and 6 SYNs reusing the ports of an
 * earlier unanswered attempt (which this replay, keyed on ports, sees as one flow).
 * Measured: 718 connections, 10000 segments, 9974 reproduced exactly, 25 pure ACKs
 * dropped as duplicates (tshark's 20 plus 5 that only changed the window), the 6
 * port-reusing SYNs turned into ACKs, 1 differing. Skips when ../shared/data is absent. */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

#include "capture/reader.h"
#include "core/hashmap.h"
#include "synth/frame_builder.h"
#include "synth/tcp_state.h"

enum { MAX_CONNS = 4096 };

typedef struct conn_key {
    uint8_t client[16], server[16];
    uint16_t client_port, server_port;
} conn_key;

typedef struct conn {
    ng_tcp_config cfg;
    ng_tcp_flow flow;
    uint32_t real_isn[2], our_isn[2];
} conn;

typedef struct tally {
    uint64_t real, exact, differ, no_segment, inserted, same_length;
    ng_tcp_fixes fixes;
} tally;

static conn_key key_of(const ng_packet *p, bool reversed)
{
    conn_key k;
    memset(&k, 0, sizeof k);
    memcpy(k.client, reversed ? p->dst.bytes : p->src.bytes, 16);
    memcpy(k.server, reversed ? p->src.bytes : p->dst.bytes, 16);
    k.client_port = reversed ? p->dport : p->sport;
    k.server_port = reversed ? p->sport : p->dport;
    return k;
}

static void take_side_options(ng_tcp_side_config *side, const ng_packet *p)
{
    side->syn_opts = p->tcp_opts & (NG_TCPOPT_MSS | NG_TCPOPT_WSCALE | NG_TCPOPT_SACK_OK |
                                    NG_TCPOPT_TIMESTAMP);
    side->mss = (p->tcp_opts & NG_TCPOPT_MSS) ? p->mss : 0;
    side->wscale = p->wscale;
    side->window = p->window ? p->window : 1;
}

static size_t frame_len_for(const ng_packet *p, const ng_tcp_segment *seg)
{
    ng_frame_spec s;
    memset(&s, 0, sizeof s);
    s.src = p->src, s.dst = p->dst, s.ttl = p->ttl, s.sport = p->sport, s.dport = p->dport;
    ng_tcp_segment_to_spec(seg, &s);
    static uint8_t buf[70000];
    return ng_build_tcp_frame(buf, sizeof buf, &s);
}

static void compare(tally *t, conn *c, int d, const ng_packet *p, const ng_tcp_segment *seg)
{
    if (seg->tcp.flags & NG_TCP_SYN)
        c->our_isn[d] = seg->tcp.seq, c->real_isn[d] = p->seq;
    bool ack = p->tcp_flags & NG_TCP_ACK;
    bool same = seg->tcp.flags == p->tcp_flags && seg->payload_len == p->payload_len &&
                seg->tcp.seq - c->our_isn[d] == p->seq - c->real_isn[d] &&
                (!ack || seg->tcp.ack - c->our_isn[!d] == p->ack - c->real_isn[!d]);
    t->exact += same;
    t->differ += !same;
    t->same_length += frame_len_for(p, seg) == p->wirelen;
}

static void replay_packet(ng_hashmap *map, conn *conns, size_t *n_conns, const ng_packet *p,
                          tally *t)
{
    if (p->ip_proto != 6 || !(p->n_layers > 2))
        return;
    conn_key k = key_of(p, false);
    int *idx = ng_hashmap_get(map, &k);
    int d = 0;
    if (!idx) {
        k = key_of(p, true);
        idx = ng_hashmap_get(map, &k);
        d = 1;
    }
    bool syn_only = (p->tcp_flags & (NG_TCP_SYN | NG_TCP_ACK)) == NG_TCP_SYN;
    if (!idx) {
        if (!syn_only || *n_conns == MAX_CONNS)
            return; /* only connections seen from their SYN */
        k = key_of(p, false);
        idx = ng_hashmap_put(map, &k, NULL);
        *idx = (int)(*n_conns)++;
        conn *c = &conns[*idx];
        ng_tcp_config_default(&c->cfg);
        c->cfg.insert_gap_ns = 0;
        take_side_options(&c->cfg.side[0], p);
        ng_tcp_flow_init(&c->flow, &c->cfg, 99, (uint64_t)*idx, NG_TCP_START_SYN);
        d = 0;
    }
    conn *c = &conns[*idx];
    if (d == 1 && (p->tcp_flags & NG_TCP_SYN))
        take_side_options(&c->cfg.side[1], p);
    ng_tcp_proposal prop = {.ts_ns = p->ts_ns, .dir = (uint8_t)d, .flags = p->tcp_flags,
                            .window = p->window, .payload_len = p->payload_len};
    ng_tcp_segment seg[NG_TCP_MAX_EMIT];
    size_t n = ng_tcp_step(&c->flow, &prop, seg, &t->fixes);
    t->real++;
    bool own = false;
    for (size_t i = 0; i < n; i++) {
        t->inserted += seg[i].inserted;
        if (!seg[i].inserted) {
            compare(t, c, d, p, &seg[i]);
            own = true;
        }
    }
    t->no_segment += !own;
}

static void test_real_http_connections_reproduced(void **state)
{
    (void)state;
    NG_REQUIRE_SHARED(path, "darpa99/week1-monday-http.pcap");
    ng_reader *r;
    ng_error err;
    assert_int_equal(ng_reader_open(&r, path, &err), NG_OK);
    ng_hashmap map;
    ng_hashmap_init(&map, sizeof(conn_key), sizeof(int));
    conn *conns = calloc(MAX_CONNS, sizeof *conns);
    size_t n_conns = 0;
    tally t;
    memset(&t, 0, sizeof t);
    ng_packet pkt;
    bool got;
    while (ng_reader_next(r, &pkt, NULL, &got, &err) == NG_OK && got)
        replay_packet(&map, conns, &n_conns, &pkt, &t);
    ng_reader_close(r);
    printf("connections %zu, real segments %llu: exact %llu, differ %llu, dropped %llu, "
           "inserted %llu, same frame length %llu\n", n_conns, (unsigned long long)t.real,
           (unsigned long long)t.exact, (unsigned long long)t.differ,
           (unsigned long long)t.no_segment, (unsigned long long)t.inserted,
           (unsigned long long)t.same_length);
    for (int k = 0; k < NG_TCP_FIX_COUNT; k++)
        if (t.fixes.n[k])
            printf("  %-24s %llu\n", ng_tcp_fix_name((ng_tcp_fix)k), (unsigned long long)t.fixes.n[k]);
    assert_true(n_conns > 700);
    assert_true(t.real >= 10000);
    assert_true(t.exact * 1000 >= t.real * 997);    /* >= 99.7% reproduced exactly */
    assert_true(t.same_length >= t.exact);          /* and built to the real length */
    assert_true(t.fixes.n[NG_TCP_FIX_DUP_ACK_DROPPED] <= 30);
    assert_true(ng_tcp_fixes_total(&t.fixes) <= 45);
    free(conns);
    ng_hashmap_free(&map);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_http_connections_reproduced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
