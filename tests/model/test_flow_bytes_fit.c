/* test_flow_bytes_fit.c — a drawn flow's free payload sizes scaled toward its planned
 * bytes, and the rest given to its last large data segments, then to its last small
 * ones. */
#include "test_util.h"

#include "model/flow_bytes_fit.h"

static ng_flow_plan tcp_plan(uint64_t bytes)
{
    ng_flow_plan p = {.ip_proto = 6, .ip_version = 4, .target_bytes = bytes};
    return p;
}

/* Header 54 (14 + 20 + 20), frames padded to 60. */
static void test_estimate(void **state)
{
    (void)state;
    ng_flow_plan plan = tcp_plan(0);
    ng_frame_estimate e;
    assert_true(ng_frame_estimate_of_plan(&plan, &e));
    assert_int_equal(e.header, 54);
    ng_packet_proposal p[3] = {{.payload_len = 0}, {.payload_len = 100}, {.payload_len = 3000}};
    assert_int_equal(ng_frame_estimate_bytes(&e, p, 3), 60 + 154 + 54 + 1460);
    plan.is_noflow = true;
    assert_false(ng_frame_estimate_of_plan(&plan, &e));
}

/* Free sizes 100 and 300 with a 1000-byte vocabulary size: planned 54*3 + 1000 + 800
 * frame bytes -> the free sizes double (200, 600) and the vocabulary size stays. */
static void test_fit_reaches_plan(void **state)
{
    (void)state;
    ng_flow_plan plan = tcp_plan(3 * 54 + 1000 + 800);
    ng_frame_estimate e;
    ng_frame_estimate_of_plan(&plan, &e);
    ng_packet_proposal p[3] = {{.payload_len = 100}, {.payload_len = 1000}, {.payload_len = 300}};
    uint8_t free[3] = {1, 0, 1};
    ng_flow_bytes_fit(p, free, 3, &e, plan.target_bytes, 4.0);
    assert_int_equal(p[1].payload_len, 1000);
    uint64_t got = ng_frame_estimate_bytes(&e, p, 3);
    assert_true(got >= plan.target_bytes - 4 && got <= plan.target_bytes + 4);
    assert_true(p[0].payload_len >= 198 && p[0].payload_len <= 202);
}

/* The factor stays within [1/max, max], a data packet stays one, empty packets stay empty,
 * and a TCP size does not grow past the MSS. */
static void test_fit_bounds(void **state)
{
    (void)state;
    ng_flow_plan plan = tcp_plan(1000000);
    ng_frame_estimate e;
    ng_frame_estimate_of_plan(&plan, &e);
    ng_packet_proposal p[3] = {{.payload_len = 100}, {.payload_len = 0}, {.payload_len = 1000}};
    uint8_t free[3] = {1, 1, 1};
    ng_flow_bytes_fit(p, free, 3, &e, plan.target_bytes, 2.0);
    assert_true(p[0].payload_len >= 199 && p[0].payload_len <= 200);
    assert_int_equal(p[1].payload_len, 0);
    assert_int_equal(p[2].payload_len, 1460);
    ng_packet_proposal q[1] = {{.payload_len = 3}};
    uint8_t one[1] = {1};
    ng_flow_bytes_fit(q, one, 1, &e, 10, 100.0);
    assert_int_equal(q[0].payload_len, 1);
}

/* Only exact sizes below NG_BYTES_FIT_SEGMENT_MIN (a DNS query and its response): the
 * last of them take the gap, each within max_factor of its size; a flow within 2% of its
 * plan stays as drawn. */
static void test_fit_small_segments(void **state)
{
    (void)state;
    ng_flow_plan plan = tcp_plan(5000);
    ng_frame_estimate e;
    ng_frame_estimate_of_plan(&plan, &e);
    ng_packet_proposal p[2] = {{.payload_len = 100}, {.payload_len = 150}};
    uint8_t none[2] = {0, 0};
    ng_flow_bytes_fit(p, none, 2, &e, plan.target_bytes, 4.0);
    assert_int_equal(p[0].payload_len, 400);
    assert_int_equal(p[1].payload_len, 600);
    ng_packet_proposal q[2] = {{.payload_len = 100}, {.payload_len = 1024}};
    ng_flow_bytes_fit(q, none, 2, &e, 2 * 54 + 100 + 1024 + 20, 4.0); /* within 2% */
    assert_int_equal(q[0].payload_len, 100);
    assert_int_equal(q[1].payload_len, 1024);

    ng_flow_plan dns = {.ip_proto = 17, .ip_version = 4, .target_bytes = 184};
    ng_frame_estimate_of_plan(&dns, &e);
    ng_packet_proposal d[2] = {{.payload_len = 37}, {.payload_len = 122, .direction = 1}};
    ng_flow_bytes_fit(d, none, 2, &e, dns.target_bytes, 4.0);
    assert_int_equal(d[0].payload_len, 37);
    assert_int_equal(d[1].payload_len, 63);
    assert_int_equal(ng_frame_estimate_bytes(&e, d, 2), 184);
}

/* SMTP: commands of 24 and 6 bytes around a 1024-byte body where the plan has 449. The
 * last data segment takes the gap; the commands stay. With more to add than a segment
 * holds, the last two segments below the MSS grow, the full ones stay; with more to
 * take away than two segments hold, only two move. */
static void test_fit_last_segments(void **state)
{
    (void)state;
    ng_flow_plan plan = tcp_plan(4 * 54 + 24 + 449 + 6 + 60 - 54);
    ng_frame_estimate e;
    ng_frame_estimate_of_plan(&plan, &e);
    ng_packet_proposal p[4] = {{.payload_len = 24}, {.payload_len = 1024}, {.payload_len = 6},
                               {.payload_len = 0}};
    uint8_t none[4] = {0, 0, 0, 0};
    ng_flow_bytes_fit(p, none, 4, &e, plan.target_bytes, 4.0);
    assert_int_equal(p[0].payload_len, 24);
    assert_int_equal(p[1].payload_len, 449);
    assert_int_equal(p[2].payload_len, 6);
    assert_int_equal(ng_frame_estimate_bytes(&e, p, 4), plan.target_bytes);

    ng_packet_proposal q[4] = {{.payload_len = 300}, {.payload_len = 1460}, {.payload_len = 500},
                               {.payload_len = 1460}};
    ng_flow_bytes_fit(q, none, 4, &e, 4 * 54 + 4 * 1460, 4.0);
    assert_int_equal(q[0].payload_len, 1460);
    assert_int_equal(q[1].payload_len, 1460);
    assert_int_equal(q[2].payload_len, 1460);
    assert_int_equal(q[3].payload_len, 1460);
    ng_packet_proposal r[4] = {{.payload_len = 300}, {.payload_len = 400}, {.payload_len = 500},
                               {.payload_len = 1460}};
    ng_flow_bytes_fit(r, none, 4, &e, 4 * 54 + 300 + 400 + 500 + 1460 - 2500, 4.0);
    assert_int_equal(r[0].payload_len, 300);
    assert_int_equal(r[1].payload_len, 400); /* two segments moved (to 1 byte each): */
    assert_int_equal(r[2].payload_len, 1);   /* the third stays, 542 bytes over plan */
    assert_int_equal(r[3].payload_len, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_estimate),
        cmocka_unit_test(test_fit_reaches_plan),
        cmocka_unit_test(test_fit_bounds),
        cmocka_unit_test(test_fit_small_segments),
        cmocka_unit_test(test_fit_last_segments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
