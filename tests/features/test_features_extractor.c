/* test_features_extractor.c — packets in disorder become time-ordered rows with the
 * right flow ids, directions, indices and inter-arrival times; stats count it all. */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "features/csv_writer.h"
#include "features/extractor.h"

#define NG_CSV_ROW_SCRATCH 1024

#define MS 1000000LL

typedef struct collected {
    ng_packet_row rows[32];
    int n_rows;
    ng_flow flows[8];
    int n_flows;
} collected;

static ng_status on_packet(void *user, const ng_packet_row *row, ng_error *err)
{
    collected *c = user;
    assert_true(c->n_rows < 32);
    c->rows[c->n_rows++] = *row;
    return NG_OK;
}

static ng_status on_flow(void *user, const ng_flow_row *flow, ng_error *err)
{
    collected *c = user;
    assert_true(c->n_flows < 8);
    c->flows[c->n_flows++] = *flow;
    return NG_OK;
}

static ng_packet udp(int64_t ts, uint8_t src, uint16_t sport, uint8_t dst, uint16_t dport)
{
    ng_packet p;
    memset(&p, 0, sizeof p);
    p.ts_ns = ts;
    p.wirelen = p.caplen = 80;
    p.has_mac = true;
    p.ethertype = 0x0800;
    p.ip_version = 4;
    p.ip_proto = 17;
    p.src.family = p.dst.family = 4;
    p.src.bytes[3] = src;
    p.dst.bytes[3] = dst;
    p.layers[0] = NG_LAYER_ETH;
    p.layers[1] = NG_LAYER_IPV4;
    p.layers[2] = NG_LAYER_UDP;
    p.n_layers = 3;
    p.sport = sport;
    p.dport = dport;
    p.l2_len = 14;
    p.l3_len = 20;
    p.l4_len = 8;
    p.payload_len = 38;
    return p;
}

static void test_rows_in_time_order_with_iats(void **state)
{
    collected c = {0};
    ng_feature_sink sink = {on_packet, on_flow, &c};
    ng_extract_options opt = {.timeout_ns = 1000 * MS, .reorder_window = 16};
    ng_extractor *x;
    ng_error err;
    assert_int_equal(ng_extractor_new(&x, &opt, &sink, &err), NG_OK);
    /* DNS query/answer and an NTP exchange, fed out of order. */
    ng_packet in[] = {
        udp(10 * MS, 1, 5000, 2, 53),  udp(30 * MS, 3, 123, 4, 123),
        udp(12 * MS, 2, 53, 1, 5000),  udp(35 * MS, 4, 123, 3, 123),
        udp(20 * MS, 1, 5000, 2, 53),
    };
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(ng_extractor_push(x, &in[i], &err), NG_OK);
    assert_int_equal(ng_extractor_finish(x, &err), NG_OK);
    assert_int_equal(c.n_rows, 5);
    int64_t want_ts[] = {10 * MS, 12 * MS, 20 * MS, 30 * MS, 35 * MS};
    uint64_t want_flow[] = {0, 0, 0, 1, 1};
    uint8_t want_dir[] = {0, 1, 0, 0, 1};
    uint64_t want_index[] = {0, 1, 2, 0, 1};
    int64_t want_flow_iat[] = {0, 2 * MS, 8 * MS, 0, 5 * MS};
    int64_t want_global_iat[] = {0, 2 * MS, 8 * MS, 10 * MS, 5 * MS};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(c.rows[i].ts_ns, want_ts[i]);
        assert_int_equal(c.rows[i].flow_id, want_flow[i]);
        assert_int_equal(c.rows[i].direction, want_dir[i]);
        assert_int_equal(c.rows[i].index, want_index[i]);
        assert_int_equal(c.rows[i].flow_iat_ns, want_flow_iat[i]);
        assert_int_equal(c.rows[i].global_iat_ns, want_global_iat[i]);
        assert_int_equal(c.rows[i].header_len, 42);
        assert_int_equal(c.rows[i].payload_len, 38);
    }
    assert_int_equal(c.rows[0].app_class, NG_APP_DNS);
    assert_int_equal(c.rows[3].app_class, NG_APP_NTP);
    assert_int_equal(c.n_flows, 2);
    const ng_extract_stats *s = ng_extractor_stats(x);
    assert_int_equal(s->packets, 5);
    assert_int_equal(s->bytes, 400);
    assert_int_equal(s->reordered, 2); /* 12 ms after 30 ms, 20 ms after 35 ms */
    assert_int_equal(s->late, 0);
    assert_int_equal(s->flows, 2);
    assert_int_equal(s->flows_by_class[NG_APP_DNS], 1);
    assert_int_equal(s->packets_by_class[NG_APP_DNS], 3);
    assert_int_equal(s->n_protos, 1);
    assert_string_equal(s->protos[0].name, "udp");
    assert_int_equal(s->protos[0].flows, 2);
    assert_int_equal(s->first_ns, 10 * MS);
    assert_int_equal(s->last_ns, 35 * MS);
    ng_extractor_free(x);
}

static ng_status refuse(void *user, const ng_packet_row *row, ng_error *err)
{
    return ng_fail(err, NG_EIO, "out.csv: disk full");
}

static void test_sink_error_stops(void **state)
{
    ng_feature_sink sink = {refuse, NULL, NULL};
    ng_extract_options opt = {.reorder_window = 2};
    ng_extractor *x;
    ng_error err;
    assert_int_equal(ng_extractor_new(&x, &opt, &sink, &err), NG_OK);
    ng_packet p = udp(0, 1, 5000, 2, 53);
    assert_int_equal(ng_extractor_push(x, &p, &err), NG_OK);
    assert_int_equal(ng_extractor_push(x, &p, &err), NG_OK);
    assert_int_equal(ng_extractor_push(x, &p, &err), NG_EIO); /* first release */
    assert_string_equal(err.msg, "out.csv: disk full");
    ng_extractor_free(x);
}

/* ---- property test on random traffic ---- */

typedef struct checker {
    uint64_t rows, flows, flow_packets;
    int64_t last_ts;
    uint64_t *seen;   /* packets seen per flow id so far */
    size_t cap;
    char csv[NG_CSV_ROW_SCRATCH];
} checker;

static ng_status check_packet(void *user, const ng_packet_row *row, ng_error *err)
{
    checker *c = user;
    assert_true(row->ts_ns >= c->last_ts);
    assert_true(row->flow_iat_ns >= 0 && row->global_iat_ns >= 0);
    c->last_ts = row->ts_ns;
    assert_true(row->flow_id < c->cap);
    assert_int_equal(row->index, c->seen[row->flow_id]); /* indices count 0, 1, 2... */
    c->seen[row->flow_id]++;
    assert_true(row->direction <= 1);
    assert_true(ng_csv_format_packet(c->csv, row) < NG_CSV_PACKET_ROW_MAX);
    c->rows++;
    return NG_OK;
}

static ng_status check_flow(void *user, const ng_flow_row *flow, ng_error *err)
{
    checker *c = user;
    assert_int_equal(ng_flow_packets(flow), c->seen[flow->id]);
    assert_true(flow->last_ns >= flow->start_ns);
    assert_true(ng_csv_format_flow(c->csv, flow) < NG_CSV_FLOW_ROW_MAX);
    c->flows++;
    c->flow_packets += ng_flow_packets(flow);
    return NG_OK;
}

static void test_random_traffic_invariants(void **state)
{
    enum { N = 200000 };
    checker c = {0};
    c.cap = N;
    c.seen = calloc(N, sizeof *c.seen);
    c.last_ts = INT64_MIN;
    ng_feature_sink sink = {check_packet, check_flow, &c};
    ng_extract_options opt = {.timeout_ns = 50 * MS, .reorder_window = 256};
    ng_extractor *x;
    ng_error err;
    assert_int_equal(ng_extractor_new(&x, &opt, &sink, &err), NG_OK);
    uint64_t rng = 12345;
    for (int i = 0; i < N; i++) {
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        uint32_t r = (uint32_t)(rng >> 33);
        uint8_t protos[] = {6, 17, 1, 0};
        ng_packet p = udp((int64_t)i * MS / 10 + (int64_t)(r % 2000) * 10000 * (r % 7 == 0),
                          (uint8_t)(r % 5), (uint16_t)(r % 3 ? 40000 + r % 4 : 80),
                          (uint8_t)(r >> 8) % 5, (uint16_t)((r >> 12) % 3 ? 80 : 53));
        p.ip_proto = protos[(r >> 16) % 4];
        if (p.ip_proto == 6)
            p.layers[2] = NG_LAYER_TCP;
        if (p.ip_proto == 1 || p.ip_proto == 0) {
            p.n_layers = 2;
            p.sport = p.dport = 0;
        }
        if (p.ip_proto == 0) {
            p.ip_version = 0;
            p.src.family = p.dst.family = 0;
            p.ethertype = 0x0806;
        }
        p.tcp_flags = (uint8_t)(r >> 20);
        assert_int_equal(ng_extractor_push(x, &p, &err), NG_OK);
    }
    assert_int_equal(ng_extractor_finish(x, &err), NG_OK);
    const ng_extract_stats *s = ng_extractor_stats(x);
    assert_int_equal(c.rows, N);
    assert_int_equal(c.flow_packets, N);
    assert_int_equal(c.flows, s->flows);
    assert_true(s->reordered > 0);
    ng_extractor_free(x);
    free(c.seen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_in_time_order_with_iats),
        cmocka_unit_test(test_sink_error_stops),
        cmocka_unit_test(test_random_traffic_invariants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
