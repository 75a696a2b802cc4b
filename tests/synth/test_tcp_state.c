/* test_tcp_state.c — the state machine's individual rules: what it inserts, drops and
 * corrects for a given proposal, with the exact counts and sequence numbers. */
#include "test_util.h"

#include <string.h>

#include "synth/tcp_state.h"

#define MS 1000000LL

typedef struct run {
    ng_tcp_config cfg;
    ng_tcp_flow flow;
    ng_tcp_fixes fixes;
    ng_tcp_segment seg[NG_TCP_MAX_EMIT];
} run;

static void start_as(run *r, ng_tcp_start how)
{
    memset(r, 0, sizeof *r);
    ng_tcp_config_default(&r->cfg);
    ng_tcp_flow_init(&r->flow, &r->cfg, 1, 99, how);
}

static void start(run *r, bool handshake)
{
    start_as(r, handshake ? NG_TCP_START_SYN : NG_TCP_START_MIDSTREAM);
}

static size_t step(run *r, int64_t ts, int dir, uint8_t flags, uint32_t len)
{
    ng_tcp_proposal p = {.ts_ns = ts, .dir = (uint8_t)dir, .flags = flags, .payload_len = len};
    return ng_tcp_step(&r->flow, &p, r->seg, &r->fixes);
}

static void test_data_first_gets_a_handshake(void **state)
{
    (void)state;
    run r;
    start(&r, true);
    size_t n = step(&r, 10 * MS, NG_TCP_CLIENT, NG_TCP_PSH | NG_TCP_ACK, 100);
    /* SYN and SYN/ACK are inserted; the client's data then completes the handshake. */
    assert_int_equal(n, 3);
    assert_int_equal(r.fixes.n[NG_TCP_FIX_HANDSHAKE_INSERTED], 2);
    assert_int_equal(ng_tcp_fixes_total(&r.fixes), 2);
    assert_int_equal(r.seg[0].tcp.flags, NG_TCP_SYN);
    assert_int_equal(r.seg[1].tcp.flags, NG_TCP_SYN | NG_TCP_ACK);
    assert_int_equal(r.seg[2].tcp.flags, NG_TCP_PSH | NG_TCP_ACK);
    assert_true(r.seg[0].inserted && r.seg[1].inserted && !r.seg[2].inserted);
    uint32_t isn_c = r.seg[0].tcp.seq, isn_s = r.seg[1].tcp.seq;
    assert_int_equal(r.seg[1].tcp.ack, isn_c + 1);
    assert_int_equal(r.seg[2].tcp.seq, isn_c + 1);
    assert_int_equal(r.seg[2].tcp.ack, isn_s + 1);
    assert_int_equal(r.seg[2].payload_len, 100);
    /* Inserted segments first, insert_gap_ns apart, never before the proposal's time. */
    for (int i = 0; i < 3; i++)
        assert_int_equal(r.seg[i].ts_ns, 10 * MS + i * r.cfg.insert_gap_ns);
    /* Server data next: seq continues after its SYN, ack after the client's 100 bytes. */
    assert_int_equal(step(&r, 11 * MS, NG_TCP_SERVER, NG_TCP_ACK, 50), 1);
    assert_int_equal(r.seg[0].tcp.seq, isn_s + 1);
    assert_int_equal(r.seg[0].tcp.ack, isn_c + 101);
    /* Server data first instead: SYN, SYN/ACK and the client's ACK are all inserted. */
    start(&r, true);
    assert_int_equal(step(&r, 0, NG_TCP_SERVER, NG_TCP_ACK, 10), 4);
    assert_int_equal(r.fixes.n[NG_TCP_FIX_HANDSHAKE_INSERTED], 3);
    assert_int_equal(r.seg[2].tcp.flags, NG_TCP_ACK);
    assert_int_equal(r.seg[2].dir, NG_TCP_CLIENT);
    assert_int_equal(r.seg[3].dir, NG_TCP_SERVER);
}

static void test_syn_corrections(void **state)
{
    (void)state;
    run r;
    start(&r, true);
    assert_int_equal(step(&r, 0, NG_TCP_CLIENT, NG_TCP_SYN | NG_TCP_ACK | NG_TCP_FIN, 20), 1);
    assert_int_equal(r.seg[0].tcp.flags, NG_TCP_SYN);
    assert_int_equal(r.seg[0].payload_len, 0);
    assert_int_equal(r.fixes.n[NG_TCP_FIX_SYN_PAYLOAD_DROPPED], 1);
    assert_int_equal(r.fixes.n[NG_TCP_FIX_FLAGS_REMOVED], 1);
    /* A SYN/ACK proposed without ACK gets it. */
    assert_int_equal(step(&r, MS, NG_TCP_SERVER, NG_TCP_SYN, 0), 1);
    assert_int_equal(r.seg[0].tcp.flags, NG_TCP_SYN | NG_TCP_ACK);
    assert_int_equal(r.fixes.n[NG_TCP_FIX_ACK_ADDED], 1);
    /* A later SYN loses the bit; missing ACK is added. */
    assert_int_equal(step(&r, 2 * MS, NG_TCP_CLIENT, NG_TCP_SYN, 10), 1);
    assert_int_equal(r.seg[0].tcp.flags, NG_TCP_ACK);
    assert_int_equal(r.fixes.n[NG_TCP_FIX_SYN_REMOVED], 1);
    assert_int_equal(r.fixes.n[NG_TCP_FIX_ACK_ADDED], 2);
}

static void test_options_negotiated_and_timestamps_advance(void **state)
{
    (void)state;
    run r;
    start(&r, true);
    r.cfg.side[NG_TCP_CLIENT].syn_opts = NG_TCPOPT_MSS | NG_TCPOPT_TIMESTAMP | NG_TCPOPT_WSCALE;
    r.cfg.side[NG_TCP_SERVER].syn_opts = NG_TCPOPT_MSS | NG_TCPOPT_TIMESTAMP | NG_TCPOPT_SACK_OK;
    step(&r, 0, NG_TCP_CLIENT, NG_TCP_SYN, 0);
    assert_int_equal(r.seg[0].tcp.opts, NG_TCPOPT_MSS | NG_TCPOPT_TIMESTAMP | NG_TCPOPT_WSCALE);
    assert_int_equal(r.seg[0].tcp.tsecr, 0);
    assert_int_equal(r.seg[0].tcp.window, 65535); /* SYN windows are never scaled */
    uint32_t ts_c = r.seg[0].tcp.tsval;
    step(&r, 3 * MS, NG_TCP_SERVER, NG_TCP_SYN | NG_TCP_ACK, 0);
    /* SACK was not offered, WSCALE not answered: only MSS and timestamps come back. */
    assert_int_equal(r.seg[0].tcp.opts, NG_TCPOPT_MSS | NG_TCPOPT_TIMESTAMP);
    assert_int_equal(r.seg[0].tcp.tsecr, ts_c);
    uint32_t ts_s = r.seg[0].tcp.tsval;
    step(&r, 250 * MS, NG_TCP_CLIENT, NG_TCP_ACK, 5000);
    assert_int_equal(r.seg[0].tcp.opts, NG_TCPOPT_TIMESTAMP);
    assert_int_equal(r.seg[0].tcp.tsval, ts_c + 250); /* 1000 Hz clock */
    assert_int_equal(r.seg[0].tcp.tsecr, ts_s);
    assert_int_equal(r.seg[0].payload_len, 1460 - 12); /* MSS less the timestamp option */
    assert_int_equal(r.fixes.n[NG_TCP_FIX_PAYLOAD_CLAMPED], 1);
    assert_int_equal(r.seg[0].tcp.window, 65535); /* no scaling negotiated */
}

static void test_window_forces_an_ack(void **state)
{
    (void)state;
    run r;
    start(&r, false);
    r.cfg.side[NG_TCP_CLIENT].window = 4000; /* the client can take 4000 bytes at a time */
    ng_tcp_flow_init(&r.flow, &r.cfg, 1, 99, NG_TCP_START_MIDSTREAM);
    assert_int_equal(step(&r, 0, NG_TCP_SERVER, NG_TCP_ACK, 1448), 1);
    assert_int_equal(step(&r, 1, NG_TCP_SERVER, NG_TCP_ACK, 1448), 1);
    assert_int_equal(step(&r, 2, NG_TCP_SERVER, NG_TCP_ACK, 1448), 2); /* 4344 > 4000 */
    assert_int_equal(r.fixes.n[NG_TCP_FIX_WINDOW_ACK_INSERTED], 1);
    assert_int_equal(r.seg[0].dir, NG_TCP_CLIENT);
    assert_true(r.seg[0].inserted);
    assert_int_equal(r.seg[0].tcp.ack, r.seg[1].tcp.seq); /* acknowledges all 2896 bytes */
}

static void test_duplicate_acks_and_data_after_fin(void **state)
{
    (void)state;
    run r;
    start(&r, false);
    assert_int_equal(step(&r, 0, NG_TCP_CLIENT, NG_TCP_ACK, 10), 1);
    assert_int_equal(step(&r, 1, NG_TCP_SERVER, NG_TCP_ACK, 0), 1);
    assert_int_equal(step(&r, 2, NG_TCP_SERVER, NG_TCP_ACK, 0), 0); /* nothing new to ack */
    assert_int_equal(r.fixes.n[NG_TCP_FIX_DUP_ACK_DROPPED], 1);
    assert_int_equal(step(&r, 3, NG_TCP_CLIENT, NG_TCP_FIN | NG_TCP_ACK, 0), 1);
    assert_int_equal(step(&r, 4, NG_TCP_CLIENT, NG_TCP_FIN | NG_TCP_PSH | NG_TCP_ACK, 99), 0);
    assert_int_equal(r.fixes.n[NG_TCP_FIX_DUP_FIN_REMOVED], 1);
    assert_int_equal(r.fixes.n[NG_TCP_FIX_DATA_AFTER_FIN_DROPPED], 1);
    assert_int_equal(r.fixes.n[NG_TCP_FIX_DUP_ACK_DROPPED], 2);
    /* Half-close: the server may still send; then finish sends its FIN and the last ACK. */
    assert_int_equal(step(&r, 5, NG_TCP_SERVER, NG_TCP_ACK, 700), 1);
    assert_int_equal(ng_tcp_finish(&r.flow, 6, NG_TCP_END_FIN, r.seg, &r.fixes), 2);
    assert_int_equal(r.seg[0].tcp.flags, NG_TCP_FIN | NG_TCP_ACK);
    assert_int_equal(r.seg[0].dir, NG_TCP_SERVER);
    assert_int_equal(r.seg[1].tcp.flags, NG_TCP_ACK);
    assert_int_equal(r.seg[1].tcp.ack, r.seg[0].tcp.seq + 1);
    assert_true(ng_tcp_flow_closed(&r.flow));
    assert_int_equal(step(&r, 7, NG_TCP_CLIENT, NG_TCP_ACK, 1), 0);
    assert_int_equal(r.fixes.n[NG_TCP_FIX_AFTER_CLOSE_DROPPED], 1);
}

static void test_time_never_goes_back(void **state)
{
    (void)state;
    run r;
    start(&r, false);
    step(&r, 100, NG_TCP_CLIENT, NG_TCP_ACK, 1);
    step(&r, 50, NG_TCP_SERVER, NG_TCP_ACK, 1);
    assert_int_equal(r.seg[0].ts_ns, 100);
    assert_int_equal(r.fixes.n[NG_TCP_FIX_TIME_RAISED], 1);
}

static void test_same_seed_same_flow_and_streams_independent(void **state)
{
    (void)state;
    ng_tcp_config cfg;
    ng_tcp_config_default(&cfg);
    ng_tcp_flow a, b, c;
    ng_tcp_flow_init(&a, &cfg, 5, 1, NG_TCP_START_SYN);
    ng_tcp_flow_init(&b, &cfg, 5, 1, NG_TCP_START_SYN);
    ng_tcp_flow_init(&c, &cfg, 5, 2, NG_TCP_START_SYN);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_not_equal(a.side[0].snd_nxt, c.side[0].snd_nxt);
    assert_true(sizeof(ng_tcp_flow) <= 128); /* small enough for thousands of live flows */
}

/* A flow the model ends inside its handshake, planned to close with FIN: the handshake
 * is completed, then the usual FIN, FIN, ACK; with RST: completed, then one RST. */
static void test_finish_completes_the_handshake(void **state)
{
    (void)state;
    run r;
    start(&r, true);
    step(&r, 0, NG_TCP_CLIENT, NG_TCP_SYN, 0);
    uint32_t isn_c = r.seg[0].tcp.seq;
    assert_int_equal(ng_tcp_finish(&r.flow, MS, NG_TCP_END_FIN, r.seg, &r.fixes), 5);
    const uint8_t want[5] = {NG_TCP_SYN | NG_TCP_ACK, NG_TCP_ACK, NG_TCP_FIN | NG_TCP_ACK,
                             NG_TCP_FIN | NG_TCP_ACK, NG_TCP_ACK};
    const int from[5] = {NG_TCP_SERVER, NG_TCP_CLIENT, NG_TCP_CLIENT, NG_TCP_SERVER,
                         NG_TCP_CLIENT};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(r.seg[i].tcp.flags, want[i]);
        assert_int_equal(r.seg[i].dir, from[i]);
    }
    assert_int_equal(r.seg[1].tcp.seq, isn_c + 1);
    assert_int_equal(r.seg[2].tcp.seq, isn_c + 1); /* the ACK carried no data */
    assert_int_equal(r.fixes.n[NG_TCP_FIX_HANDSHAKE_INSERTED], 2);
    assert_int_equal(r.fixes.n[NG_TCP_FIX_TEARDOWN_APPENDED], 3);
    assert_true(ng_tcp_flow_closed(&r.flow));

    start(&r, true);
    step(&r, 0, NG_TCP_CLIENT, NG_TCP_SYN, 0);
    step(&r, MS, NG_TCP_SERVER, NG_TCP_SYN | NG_TCP_ACK, 0);
    assert_int_equal(ng_tcp_finish(&r.flow, 2 * MS, NG_TCP_END_RST, r.seg, &r.fixes), 2);
    assert_int_equal(r.seg[0].tcp.flags, NG_TCP_ACK);
    assert_int_equal(r.seg[1].tcp.flags, NG_TCP_RST | NG_TCP_ACK);

    start(&r, true);
    assert_int_equal(ng_tcp_finish(&r.flow, MS, NG_TCP_END_FIN, r.seg, &r.fixes), 0); /* never started */
}

static void test_synack_start_and_rst_end(void **state)
{
    (void)state;
    run r;
    start_as(&r, NG_TCP_START_SYNACK);
    /* The capture missed the SYN: the server's SYN/ACK comes first and acks ISN + 1. */
    assert_int_equal(step(&r, 0, NG_TCP_SERVER, NG_TCP_SYN | NG_TCP_ACK, 0), 1);
    assert_int_equal(r.seg[0].tcp.flags, NG_TCP_SYN | NG_TCP_ACK);
    uint32_t client_next = r.seg[0].tcp.ack;
    assert_int_equal(step(&r, 1, NG_TCP_CLIENT, NG_TCP_ACK | NG_TCP_PSH, 10), 1);
    assert_int_equal(r.seg[0].tcp.seq, client_next);
    assert_int_equal(ng_tcp_fixes_total(&r.fixes), 0);
    assert_int_equal(ng_tcp_finish(&r.flow, 2, NG_TCP_END_RST, r.seg, &r.fixes), 1);
    assert_int_equal(r.seg[0].tcp.flags, NG_TCP_RST | NG_TCP_ACK);
    assert_int_equal(r.seg[0].dir, NG_TCP_CLIENT); /* the side that sent last */
    assert_int_equal(r.seg[0].tcp.seq, client_next + 10);
    assert_true(ng_tcp_flow_closed(&r.flow));
    /* A client proposal first: the SYN/ACK is inserted, nothing else. */
    start_as(&r, NG_TCP_START_SYNACK);
    assert_int_equal(step(&r, 0, NG_TCP_CLIENT, NG_TCP_ACK, 0), 2);
    assert_int_equal(r.fixes.n[NG_TCP_FIX_HANDSHAKE_INSERTED], 1);
}

/* A peer that never answers: the client's SYN proposed three times goes out three times
 * on its initial sequence number, nothing inserted; a SYN/ACK proposed again is one
 * too, and the handshake then completes as usual. */
static void test_handshake_retransmissions(void **state)
{
    (void)state;
    run r;
    start(&r, true);
    assert_int_equal(step(&r, 0, NG_TCP_CLIENT, NG_TCP_SYN, 0), 1);
    uint32_t isn_c = r.seg[0].tcp.seq;
    for (int i = 1; i <= 2; i++) {
        assert_int_equal(step(&r, i * 1000 * MS, NG_TCP_CLIENT, NG_TCP_SYN, 0), 1);
        assert_int_equal(r.seg[0].tcp.flags, NG_TCP_SYN);
        assert_int_equal(r.seg[0].tcp.seq, isn_c);
        assert_false(r.seg[0].inserted);
    }
    assert_int_equal(ng_tcp_fixes_total(&r.fixes), 0);
    assert_int_equal(step(&r, 3000 * MS, NG_TCP_SERVER, NG_TCP_SYN | NG_TCP_ACK, 0), 1);
    uint32_t isn_s = r.seg[0].tcp.seq;
    assert_int_equal(r.seg[0].tcp.ack, isn_c + 1);
    assert_int_equal(step(&r, 4000 * MS, NG_TCP_SERVER, NG_TCP_SYN | NG_TCP_ACK, 0), 1);
    assert_int_equal(r.seg[0].tcp.seq, isn_s);
    assert_int_equal(r.seg[0].tcp.ack, isn_c + 1);
    assert_int_equal(step(&r, 4001 * MS, NG_TCP_CLIENT, NG_TCP_ACK, 0), 1);
    assert_int_equal(r.seg[0].tcp.seq, isn_c + 1);
    assert_int_equal(r.seg[0].tcp.ack, isn_s + 1);
    assert_int_equal(ng_tcp_fixes_total(&r.fixes), 0);
}

static void test_config_check(void **state)
{
    (void)state;
    ng_tcp_config cfg;
    ng_error err;
    ng_tcp_config_default(&cfg);
    assert_int_equal(ng_tcp_config_check(&cfg, &err), NG_OK);
    cfg.side[1].wscale = 15;
    assert_int_equal(ng_tcp_config_check(&cfg, &err), NG_EINVAL);
    assert_non_null(strstr(err.msg, "server window scale 15"));
    ng_tcp_config_default(&cfg);
    cfg.side[0].window = 0;
    assert_int_equal(ng_tcp_config_check(&cfg, &err), NG_EINVAL);
    assert_string_equal(ng_tcp_fix_name(NG_TCP_FIX_SYN_REMOVED), "syn_removed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_first_gets_a_handshake),
        cmocka_unit_test(test_syn_corrections),
        cmocka_unit_test(test_options_negotiated_and_timestamps_advance),
        cmocka_unit_test(test_window_forces_an_ack),
        cmocka_unit_test(test_duplicate_acks_and_data_after_fin),
        cmocka_unit_test(test_time_never_goes_back),
        cmocka_unit_test(test_same_seed_same_flow_and_streams_independent),
        cmocka_unit_test(test_finish_completes_the_handshake),
        cmocka_unit_test(test_synack_start_and_rst_end),
        cmocka_unit_test(test_handshake_retransmissions),
        cmocka_unit_test(test_config_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
