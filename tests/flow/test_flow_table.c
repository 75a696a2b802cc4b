/* test_flow_table.c — the flow table on hand-built packets: keys, directions, splits,
 * client detection, no-flow streams, emission order. */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "flow/app_class.h"
#include "flow/flow_key.h"
#include "flow/flow_table.h"

#define SEC 1000000000LL

typedef struct emitted {
    ng_flow flows[64];
    int n;
} emitted;

static ng_status collect(void *user, const ng_flow *flow, ng_error *err)
{
    emitted *e = user;
    assert_true(e->n < 64);
    e->flows[e->n++] = *flow;
    return NG_OK;
}

static ng_packet ip_packet(int64_t ts, uint8_t proto, uint8_t src_last, uint16_t sport,
                           uint8_t dst_last, uint16_t dport, uint8_t flags)
{
    ng_packet p;
    memset(&p, 0, sizeof p);
    p.ts_ns = ts;
    p.wirelen = p.caplen = 100;
    p.has_mac = true;
    p.src_mac[5] = src_last;
    p.dst_mac[5] = dst_last;
    p.ethertype = 0x0800;
    p.ip_version = 4;
    p.ip_proto = proto;
    p.src.family = p.dst.family = 4;
    p.src.bytes[0] = p.dst.bytes[0] = 10;
    p.src.bytes[3] = src_last;
    p.dst.bytes[3] = dst_last;
    p.layers[0] = NG_LAYER_ETH;
    p.layers[1] = NG_LAYER_IPV4;
    p.n_layers = 2;
    if (proto == 6 || proto == 17) {
        p.layers[p.n_layers++] = proto == 6 ? NG_LAYER_TCP : NG_LAYER_UDP;
        p.sport = sport;
        p.dport = dport;
    } else if (proto == 1) {
        p.layers[p.n_layers++] = NG_LAYER_ICMP;
    }
    p.tcp_flags = proto == 6 ? flags : 0;
    p.l2_len = 14;
    p.l3_len = 20;
    p.l4_len = proto == 6 ? 20 : 8;
    p.payload_len = 100 - 14 - 20 - p.l4_len;
    return p;
}

static ng_packet tcp(int64_t ts, uint8_t src, uint16_t sport, uint8_t dst, uint16_t dport,
                     uint8_t flags)
{
    return ip_packet(ts, 6, src, sport, dst, dport, flags);
}

static ng_flow_table *table(emitted *e, int64_t timeout)
{
    ng_flow_table *t;
    ng_error err;
    assert_int_equal(ng_flow_table_new(&t, timeout, collect, e, &err), NG_OK);
    return t;
}

static ng_flow_update push(ng_flow_table *t, ng_packet p)
{
    ng_flow_update u;
    ng_error err;
    assert_int_equal(ng_flow_table_push(t, &p, &u, &err), NG_OK);
    return u;
}

static void finish(ng_flow_table *t)
{
    ng_error err;
    assert_int_equal(ng_flow_table_finish(t, &err), NG_OK);
}

static void test_key_is_bidirectional(void **state)
{
    ng_packet a = tcp(0, 1, 40000, 2, 80, NG_TCP_SYN);
    ng_packet b = tcp(0, 2, 80, 1, 40000, NG_TCP_SYN | NG_TCP_ACK);
    ng_flow_key ka, kb;
    bool a_is_a, b_is_a;
    ng_flow_key_from_packet(&a, &ka, &a_is_a);
    ng_flow_key_from_packet(&b, &kb, &b_is_a);
    assert_memory_equal(&ka, &kb, sizeof ka);
    assert_true(a_is_a != b_is_a);
    ng_packet c = tcp(0, 1, 40001, 2, 80, NG_TCP_SYN); /* another client port */
    ng_flow_key kc;
    ng_flow_key_from_packet(&c, &kc, &a_is_a);
    assert_memory_not_equal(&ka, &kc, sizeof ka);
}

static void test_handshake_directions_and_iat(void **state)
{
    emitted e = {0};
    ng_flow_table *t = table(&e, 0);
    ng_flow_update u = push(t, tcp(1 * SEC, 1, 40000, 2, 80, NG_TCP_SYN));
    assert_true(u.is_first);
    assert_int_equal(u.direction, NG_DIR_C2S);
    assert_int_equal(u.iat_ns, 0);
    u = push(t, tcp(1 * SEC + 500, 2, 80, 1, 40000, NG_TCP_SYN | NG_TCP_ACK));
    assert_int_equal(u.direction, NG_DIR_S2C);
    assert_int_equal(u.index, 1);
    assert_int_equal(u.iat_ns, 500);
    u = push(t, tcp(1 * SEC + 800, 1, 40000, 2, 80, NG_TCP_ACK));
    assert_int_equal(u.direction, NG_DIR_C2S);
    assert_int_equal(u.iat_ns, 300);
    assert_int_equal(u.flow->id, 0);
    finish(t);
    assert_int_equal(e.n, 1);
    const ng_flow *f = &e.flows[0];
    assert_int_equal(f->packets[NG_DIR_C2S], 2);
    assert_int_equal(f->packets[NG_DIR_S2C], 1);
    assert_int_equal(f->bytes[NG_DIR_C2S], 200);
    assert_int_equal(f->client_port, 40000);
    assert_int_equal(f->server_port, 80);
    assert_int_equal(f->client.bytes[3], 1);
    assert_int_equal(f->app_class, NG_APP_HTTP);
    assert_int_equal(f->start_reason, NG_FLOW_START_SYN);
    assert_int_equal(f->end_reason, NG_FLOW_END_EOF);
    assert_int_equal(f->last_ns - f->start_ns, 800);
    ng_flow_table_free(t);
}

static void test_idle_timeout_splits(void **state)
{
    emitted e = {0};
    ng_flow_table *t = table(&e, 10 * SEC);
    push(t, ip_packet(0, 17, 1, 5000, 2, 53, 0));
    push(t, ip_packet(10 * SEC, 17, 2, 53, 1, 5000, 0)); /* gap == timeout: same flow */
    assert_int_equal(e.n, 0);
    ng_flow_update u = push(t, ip_packet(20 * SEC + 1, 17, 1, 5000, 2, 53, 0)); /* > */
    assert_int_equal(e.n, 1);
    assert_int_equal(e.flows[0].end_reason, NG_FLOW_END_IDLE);
    assert_int_equal(ng_flow_packets(&e.flows[0]), 2);
    assert_true(u.is_first);
    assert_int_equal(u.flow->id, 1);
    assert_int_equal(u.flow->start_reason, NG_FLOW_START_NONE);
    assert_int_equal(u.flow->app_class, NG_APP_DNS);
    finish(t);
    assert_int_equal(e.n, 2);
    assert_int_equal(ng_flow_table_get_stats(t)->idle_expiries, 1);
    ng_flow_table_free(t);
}

static void test_expiry_without_traffic_on_the_flow(void **state)
{
    /* A packet of another flow far later ends the idle one: memory stays bounded. */
    emitted e = {0};
    ng_flow_table *t = table(&e, 120 * SEC);
    for (int i = 0; i < 10; i++)
        push(t, ip_packet(i * SEC, 17, 1, (uint16_t)(5000 + i), 2, 53, 0));
    push(t, ip_packet(125 * SEC, 17, 3, 6000, 4, 123, 0));
    assert_int_equal(e.n, 5); /* flows last seen at 0..4 s are > 120 s idle at 125 s */
    for (int i = 0; i < 5; i++)
        assert_int_equal(e.flows[i].id, i);
    assert_int_equal(ng_flow_table_get_stats(t)->active, 6);
    finish(t);
    assert_int_equal(e.n, 11);
    for (int i = 5; i < 11; i++) /* finish emits the rest in id order */
        assert_int_equal(e.flows[i].id, i);
    ng_flow_table_free(t);
}

static void test_syn_after_fin_starts_new_flow(void **state)
{
    emitted e = {0};
    ng_flow_table *t = table(&e, 0);
    push(t, tcp(0, 1, 40000, 2, 80, NG_TCP_SYN));
    push(t, tcp(1, 2, 80, 1, 40000, NG_TCP_SYN | NG_TCP_ACK));
    push(t, tcp(2, 1, 40000, 2, 80, NG_TCP_SYN)); /* retransmitted SYN: same flow */
    assert_int_equal(e.n, 0);
    push(t, tcp(3, 1, 40000, 2, 80, NG_TCP_FIN | NG_TCP_ACK));
    push(t, tcp(4, 2, 80, 1, 40000, NG_TCP_FIN | NG_TCP_ACK));
    push(t, tcp(5, 1, 40000, 2, 80, NG_TCP_ACK)); /* last ACK: same flow */
    assert_int_equal(e.n, 0);
    ng_flow_update u = push(t, tcp(6, 1, 40000, 2, 80, NG_TCP_SYN)); /* port reuse */
    assert_int_equal(e.n, 1);
    assert_int_equal(e.flows[0].end_reason, NG_FLOW_END_FIN);
    assert_int_equal(ng_flow_packets(&e.flows[0]), 6);
    assert_true(u.is_first);
    assert_int_equal(u.flow->id, 1);
    push(t, tcp(7, 2, 80, 1, 40000, NG_TCP_RST | NG_TCP_ACK));
    push(t, tcp(8, 1, 40000, 2, 80, NG_TCP_SYN)); /* SYN after RST: new flow again */
    finish(t);
    assert_int_equal(e.n, 3);
    assert_int_equal(e.flows[1].end_reason, NG_FLOW_END_RST);
    assert_int_equal(e.flows[2].start_reason, NG_FLOW_START_SYN);
    assert_int_equal(ng_flow_table_get_stats(t)->syn_splits, 2);
    ng_flow_table_free(t);
}

static void test_client_without_syn(void **state)
{
    emitted e = {0};
    ng_flow_table *t = table(&e, 0);
    /* Mid-stream, first packet from the server port 25 to an ephemeral port. */
    ng_flow_update u = push(t, tcp(0, 2, 25, 1, 40000, NG_TCP_ACK));
    assert_int_equal(u.direction, NG_DIR_S2C);
    assert_int_equal(u.flow->server_port, 25);
    assert_int_equal(u.flow->start_reason, NG_FLOW_START_MIDSTREAM);
    /* A SYN+ACK first: its receiver is the client. */
    u = push(t, tcp(1, 4, 8888, 3, 50000, NG_TCP_SYN | NG_TCP_ACK));
    assert_int_equal(u.direction, NG_DIR_S2C);
    assert_int_equal(u.flow->client_port, 50000);
    assert_int_equal(u.flow->start_reason, NG_FLOW_START_SYNACK);
    /* Both ports high: the sender of the first packet is the client. */
    u = push(t, tcp(2, 5, 7000, 6, 9000, NG_TCP_ACK | NG_TCP_PSH));
    assert_int_equal(u.direction, NG_DIR_C2S);
    assert_int_equal(u.flow->server_port, 9000);
    assert_int_equal(u.flow->app_class, NG_APP_OTHER_TCP);
    /* UDP 123 <-> 123: first sender is the client. */
    u = push(t, ip_packet(3, 17, 7, 123, 8, 123, 0));
    assert_int_equal(u.direction, NG_DIR_C2S);
    assert_int_equal(u.flow->app_class, NG_APP_NTP);
    finish(t);
    assert_int_equal(e.n, 4);
    ng_flow_table_free(t);
}

static ng_packet arp(int64_t ts, uint8_t src_mac, uint8_t dst_mac)
{
    ng_packet p;
    memset(&p, 0, sizeof p);
    p.ts_ns = ts;
    p.wirelen = p.caplen = 60;
    p.has_mac = true;
    p.src_mac[5] = src_mac;
    p.dst_mac[5] = dst_mac;
    p.ethertype = 0x0806;
    p.layers[0] = NG_LAYER_ETH;
    p.layers[1] = NG_LAYER_ARP;
    p.n_layers = 2;
    return p;
}

static void test_noflow_grouping(void **state)
{
    emitted e = {0};
    ng_flow_table *t = table(&e, 0);
    ng_flow_update u = push(t, arp(0, 1, 2));
    assert_int_equal(u.flow->id, 0);
    u = push(t, arp(1, 2, 1)); /* the reply joins the same stream */
    assert_int_equal(u.flow->id, 0);
    assert_int_equal(u.direction, NG_DIR_S2C);
    u = push(t, arp(2, 1, 3)); /* another MAC pair: another stream */
    assert_int_equal(u.flow->id, 1);
    /* ICMP between the same MACs as stream 0 is a different protocol: own stream. */
    u = push(t, ip_packet(3, 1, 1, 0, 2, 0, 0));
    assert_int_equal(u.flow->id, 2);
    assert_true(u.flow->is_noflow);
    u = push(t, ip_packet(4, 1, 2, 0, 1, 0, 0));
    assert_int_equal(u.flow->id, 2);
    /* A non-first IP fragment of UDP has no ports: no-flow, not the UDP flow. */
    ng_packet frag = ip_packet(5, 17, 1, 0, 2, 0, 0);
    frag.n_layers = 2;
    frag.anomalies = NG_PKT_FRAGMENT | NG_PKT_LATER_FRAG;
    u = push(t, frag);
    assert_true(u.flow->is_noflow);
    finish(t);
    assert_int_equal(e.n, 4);
    char name[16];
    assert_string_equal(ng_flow_protocol_name(&e.flows[0], name, sizeof name), "arp");
    assert_int_equal(e.flows[0].app_class, NG_APP_NOFLOW);
    assert_int_equal(e.flows[0].packets[0], 1);
    assert_int_equal(e.flows[0].packets[1], 1);
    assert_string_equal(ng_flow_protocol_name(&e.flows[2], name, sizeof name), "icmp");
    ng_flow_table_free(t);
}

static ng_status fail_emit(void *user, const ng_flow *flow, ng_error *err)
{
    return ng_fail(err, NG_EIO, "sink full");
}

static void test_emit_error_propagates(void **state)
{
    ng_flow_table *t;
    ng_error err;
    assert_int_equal(ng_flow_table_new(&t, SEC, fail_emit, NULL, &err), NG_OK);
    ng_flow_update u;
    ng_packet a = ip_packet(0, 17, 1, 5000, 2, 53, 0);
    ng_packet b = ip_packet(5 * SEC, 17, 1, 5001, 2, 53, 0);
    assert_int_equal(ng_flow_table_push(t, &a, &u, &err), NG_OK);
    assert_int_equal(ng_flow_table_push(t, &b, &u, &err), NG_EIO);
    assert_string_equal(err.msg, "sink full");
    assert_int_equal(ng_flow_table_push(t, &b, &u, &err), NG_OK); /* a is gone now */
    assert_int_equal(ng_flow_table_finish(t, &err), NG_EIO);
    assert_int_equal(ng_flow_table_get_stats(t)->active, 0);
    ng_flow_table_free(t);
}

static void test_extreme_timestamps(void **state)
{
    /* Garbage timestamps from a file must not overflow (UBSan checks this). */
    emitted e = {0};
    ng_flow_table *t = table(&e, 0);
    push(t, ip_packet(INT64_MIN + 1, 17, 1, 5000, 2, 53, 0));
    ng_flow_update u = push(t, ip_packet(INT64_MAX, 17, 1, 5000, 2, 53, 0));
    assert_true(u.is_first); /* the gap saturates and exceeds any timeout */
    u = push(t, ip_packet(0, 17, 1, 5000, 2, 53, 0)); /* backwards: gap clamps to 0 */
    assert_int_equal(u.iat_ns, 0);
    finish(t);
    assert_int_equal(e.n, 2);
    assert_int_equal(ng_ts_gap(INT64_MAX, -1), INT64_MAX);
    assert_int_equal(ng_ts_gap(INT64_MIN, 1), INT64_MIN);
    assert_int_equal(ng_ts_gap(5, 3), 2);
    ng_flow_table_free(t);
}

static void test_many_flows_grow_and_recycle(void **state)
{
    /* 100k flows through a 1 s timeout: slots are recycled, all are emitted once. */
    ng_flow_table *t;
    ng_error err;
    assert_int_equal(ng_flow_table_new(&t, SEC, NULL, NULL, &err), NG_OK);
    for (int i = 0; i < 100000; i++) {
        ng_packet p = ip_packet((int64_t)i * (SEC / 1000), 17, (uint8_t)(i % 200),
                                (uint16_t)(1024 + i % 50000), 9, 53, 0);
        ng_flow_update u;
        assert_int_equal(ng_flow_table_push(t, &p, &u, &err), NG_OK);
    }
    const ng_flow_table_stats *s = ng_flow_table_get_stats(t);
    assert_true(s->max_active <= 1002);
    assert_int_equal(ng_flow_table_finish(t, &err), NG_OK);
    assert_int_equal(s->active, 0);
    assert_int_equal(s->flows, 100000);
    ng_flow_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_is_bidirectional),
        cmocka_unit_test(test_handshake_directions_and_iat),
        cmocka_unit_test(test_idle_timeout_splits),
        cmocka_unit_test(test_expiry_without_traffic_on_the_flow),
        cmocka_unit_test(test_syn_after_fin_starts_new_flow),
        cmocka_unit_test(test_client_without_syn),
        cmocka_unit_test(test_noflow_grouping),
        cmocka_unit_test(test_emit_error_propagates),
        cmocka_unit_test(test_extreme_timestamps),
        cmocka_unit_test(test_many_flows_grow_and_recycle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
