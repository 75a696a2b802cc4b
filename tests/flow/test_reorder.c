/* test_reorder.c — the reorder buffer sorts within its window (stably), counts what it
 * fixed, and clamps what came too late. */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "flow/reorder.h"

static ng_packet at(int64_t ts, uint64_t number)
{
    ng_packet p;
    memset(&p, 0, sizeof p);
    p.ts_ns = ts;
    p.number = number;
    return p;
}

/* Push all, popping when full; returns released packets in out. */
static size_t run(ng_reorder *r, const ng_packet *in, size_t n, ng_packet *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        while (ng_reorder_full(r))
            assert_true(ng_reorder_pop(r, &out[k++]));
        ng_reorder_push(r, &in[i]);
    }
    while (ng_reorder_pop(r, &out[k]))
        k++;
    return k;
}

static void test_in_order_passes_through(void **state)
{
    ng_reorder r;
    ng_error err;
    assert_int_equal(ng_reorder_init(&r, 4, &err), NG_OK);
    ng_packet in[10], out[10];
    for (int i = 0; i < 10; i++)
        in[i] = at(i * 10, (uint64_t)i + 1);
    assert_int_equal(run(&r, in, 10, out), 10);
    for (int i = 0; i < 10; i++)
        assert_int_equal(out[i].number, i + 1);
    assert_int_equal(r.reordered, 0);
    assert_int_equal(r.late, 0);
    ng_reorder_free(&r);
}

static void test_sorts_stably_within_window(void **state)
{
    ng_reorder r;
    ng_error err;
    assert_int_equal(ng_reorder_init(&r, 8, &err), NG_OK);
    /* timestamps: 10 30 20 20 50 40 40 60 ; numbers 1..8 */
    int64_t ts[] = {10, 30, 20, 20, 50, 40, 40, 60};
    ng_packet in[8], out[8];
    for (int i = 0; i < 8; i++)
        in[i] = at(ts[i], (uint64_t)i + 1);
    assert_int_equal(run(&r, in, 8, out), 8);
    uint64_t want[] = {1, 3, 4, 2, 6, 7, 5, 8};
    for (int i = 0; i < 8; i++)
        assert_int_equal(out[i].number, want[i]);
    assert_int_equal(r.reordered, 4); /* 20, 20, 40, 40 arrived behind a later one */
    assert_int_equal(r.late, 0);
    ng_reorder_free(&r);
}

static void test_late_packets_are_clamped_and_counted(void **state)
{
    ng_reorder r;
    ng_error err;
    assert_int_equal(ng_reorder_init(&r, 2, &err), NG_OK);
    int64_t ts[] = {100, 200, 300, 400, 50, 500};
    ng_packet in[6], out[6];
    for (int i = 0; i < 6; i++)
        in[i] = at(ts[i], (uint64_t)i + 1);
    assert_int_equal(run(&r, in, 6, out), 6);
    for (int i = 1; i < 6; i++)
        assert_true(out[i].ts_ns >= out[i - 1].ts_ns);
    assert_int_equal(r.late, 1);
    assert_int_equal(r.reordered, 0);
    /* Window 2: 300 was released to make room for 50, so 50 comes out as 300. */
    for (int i = 0; i < 6; i++)
        if (out[i].number == 5)
            assert_int_equal(out[i].ts_ns, 300);
    ng_reorder_free(&r);
}

static void test_random_shuffle_sorted(void **state)
{
    enum { N = 20000, W = 512 };
    ng_reorder r;
    ng_error err;
    assert_int_equal(ng_reorder_init(&r, W, &err), NG_OK);
    ng_packet *in = malloc(N * sizeof *in), *out = malloc(N * sizeof *out);
    srand(7);
    for (int i = 0; i < N; i++) /* jitter of up to 100 positions: fits the window */
        in[i] = at((int64_t)i * 1000 + (rand() % 100) * 1000 - 50000, (uint64_t)i);
    assert_int_equal(run(&r, in, N, out), N);
    for (int i = 1; i < N; i++)
        assert_true(out[i].ts_ns >= out[i - 1].ts_ns);
    assert_int_equal(r.late, 0);
    assert_true(r.reordered > N / 4);
    free(in);
    free(out);
    ng_reorder_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_order_passes_through),
        cmocka_unit_test(test_sorts_stably_within_window),
        cmocka_unit_test(test_late_packets_are_clamped_and_counted),
        cmocka_unit_test(test_random_shuffle_sorted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
