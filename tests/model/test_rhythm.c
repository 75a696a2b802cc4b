/* test_rhythm.c — the beat of periodic streams (model/rhythm.h).
 *
 * Detection: a 1 s beat with skipped beats (DARPA's LLC keep-alive: gaps 1.00, 1.50,
 * 2.00 s) and a 10 s metronome are periodic, with the period within 0.1%; Poisson
 * arrivals, request/response pairs, bursts of regular polls between long silences and
 * streams of fewer than 8 gaps are not. Walks: 775
 * gaps fitted to 1040 s add up to it within 1 µs, keep the gap median within 1% of the
 * period and put ≥ 95% of the packets in distinct seconds (≥ 99% here); a metronome's
 * gaps stay within 0.5% of its fitted period; the same (seed, id) gives the same gaps, another
 * id others. Validity: periods and ratios out of range or out of order are refused. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "model/rhythm.h"
#include "stats/metrics.h"

#define SEC 1000000000LL

/* DARPA Monday's LLC gaps, roughly: 64% 1.00 s, 21% 1.50 s, 8% 2.00 s, the rest 2.5-6.5 s,
 * each ±1 ms. */
static size_t llc_like_gaps(int64_t *g, size_t n, uint64_t seed)
{
    ng_rng rng;
    ng_rng_seed(&rng, seed);
    for (size_t i = 0; i < n; i++) {
        double u = ng_rng_uniform(&rng), beat = u < 0.64 ? 1.0 : u < 0.85 ? 1.5 : u < 0.93 ? 2.0
                                                : 2.5 + 4.0 * ng_rng_uniform(&rng);
        g[i] = (int64_t)((beat + 0.001 * (2 * ng_rng_uniform(&rng) - 1)) * SEC);
    }
    return n;
}

static void test_detects_beats(void **state)
{
    (void)state;
    enum { N = 775 };
    int64_t g[N];
    double scratch[N];
    ng_rhythm r;
    llc_like_gaps(g, N, 1);
    assert_true(ng_rhythm_detect(g, N, scratch, &r));
    print_message("LLC-like: period %.6f s, ratios %.3f .. %.3f .. %.3f\n", r.period_ns / SEC,
                  r.ratio[0], r.ratio[(NG_RHYTHM_QUANTILES - 1) / 2], r.ratio[NG_RHYTHM_QUANTILES - 1]);
    assert_true(fabs(r.period_ns / SEC - 1.0) < 0.001);
    assert_true(ng_rhythm_valid(&r));
    for (size_t i = 0; i < 103; i++)
        g[i] = 10 * SEC + (int64_t)(i % 3) * 1000;
    assert_true(ng_rhythm_detect(g, 103, scratch, &r));
    assert_true(fabs(r.period_ns / SEC - 10.0) < 0.01);
    assert_true(r.ratio[NG_RHYTHM_QUANTILES - 1] - r.ratio[0] < 0.001);
    /* Poisson arrivals: spread ~0.5 */
    ng_rng rng;
    ng_rng_seed(&rng, 2);
    for (size_t i = 0; i < N; i++)
        g[i] = (int64_t)(ng_rng_exponential(&rng) * SEC);
    print_message("Poisson spread %.3f\n", ng_rhythm_spread(g, N, scratch));
    assert_false(ng_rhythm_detect(g, N, scratch, &r));
    assert_true(r.period_ns == 0);
    /* NTP-like request/response: gaps 1 ms and 64 s alternate */
    for (size_t i = 0; i < 40; i++)
        g[i] = i % 2 ? 64 * SEC : SEC / 1000;
    assert_false(ng_rhythm_detect(g, 40, scratch, &r));
    /* bursts of 41 ms polls between silences of minutes (Friday's SNMP): spread small,
     * mean gap thousands of periods */
    for (size_t i = 0; i < 42; i++)
        g[i] = i % 10 == 9 ? 300 * SEC : 41 * SEC / 1000 + (int64_t)(i % 3) * 1000000;
    assert_true(ng_rhythm_spread(g, 42, scratch) <= NG_RHYTHM_MAX_SPREAD);
    assert_false(ng_rhythm_detect(g, 42, scratch, &r));
    /* too few gaps */
    for (size_t i = 0; i < 7; i++)
        g[i] = SEC;
    assert_false(ng_rhythm_detect(g, 7, scratch, &r));
    g[7] = SEC;
    assert_true(ng_rhythm_detect(g, 8, scratch, &r));
}

/* Times of a walk's packets from t0; returns the gaps' median. */
static double walk_times(const ng_rhythm *r, size_t gaps, int64_t duration, uint64_t id,
                         int64_t t0, int64_t *t)
{
    ng_rhythm_walk w;
    ng_rhythm_walk_begin(&w, r, gaps, duration, 42, id);
    double *g = malloc(gaps * sizeof *g);
    t[0] = t0;
    for (size_t i = 0; i < gaps; i++) {
        int64_t gap = ng_rhythm_walk_next(&w, r);
        t[i + 1] = t[i] + gap;
        g[i] = (double)gap;
    }
    ng_sort_doubles(g, gaps);
    double median = ng_median_sorted(g, gaps);
    free(g);
    return median;
}

static size_t distinct_seconds(const int64_t *t, size_t n)
{
    size_t d = 0;
    for (size_t i = 0; i < n; i++)
        d += i == 0 || t[i] / SEC != t[i - 1] / SEC;
    return d;
}

static void test_walk_keeps_the_beat(void **state)
{
    (void)state;
    enum { N = 775 };
    int64_t g[N], t[N + 1];
    double scratch[N];
    ng_rhythm r;
    llc_like_gaps(g, N, 3);
    assert_true(ng_rhythm_detect(g, N, scratch, &r));
    /* the real span of Monday's stream (1040 s), and a window where the same 776 frames
     * must fit into 900 s and 1200 s */
    const int64_t spans[] = {1040 * SEC, 900 * SEC, 1200 * SEC};
    for (size_t s = 0; s < 3; s++) {
        for (uint64_t id = 0; id < 5; id++) {
            int64_t t0 = 920293202LL * SEC + 341221000LL;
            double median = walk_times(&r, N, spans[s], id, t0, t);
            size_t d = distinct_seconds(t, N + 1);
            if (id == 0)
                print_message("span %lld s: end %+lld ns, gap median %.4f s, %zu of %d in "
                              "distinct seconds\n", (long long)(spans[s] / SEC),
                              (long long)(t[N] - t0 - spans[s]), median / SEC, d, N + 1);
            assert_true(llabs(t[N] - t0 - spans[s]) <= 1000);
            assert_true(fabs(median / SEC - r.period_ns / SEC) < 0.01 * r.period_ns / SEC);
            assert_true(d >= (size_t)(0.95 * (N + 1)));
            if (s == 0)
                assert_true(d >= (size_t)(0.99 * (N + 1)));
        }
    }
    /* a metronome (gaps 10.000-10.008 s) fitted to 1031 s: every gap within 0.5% of
     * 1031 / 103 s */
    for (size_t i = 0; i < 103; i++)
        g[i] = 10 * SEC + (int64_t)(i % 5) * 2000000;
    assert_true(ng_rhythm_detect(g, 103, scratch, &r));
    ng_rhythm_walk w;
    ng_rhythm_walk_begin(&w, &r, 103, 1031 * SEC, 1, 1);
    for (size_t i = 0; i < 103; i++) {
        double gap = (double)ng_rhythm_walk_next(&w, &r);
        assert_true(fabs(gap - 1031.0 / 103 * SEC) < 0.005 * r.period_ns);
    }
}

static void test_walk_is_deterministic(void **state)
{
    (void)state;
    enum { N = 200 };
    int64_t g[N], a[N + 1], b[N + 1];
    double scratch[N];
    ng_rhythm r;
    llc_like_gaps(g, N, 5);
    assert_true(ng_rhythm_detect(g, N, scratch, &r));
    walk_times(&r, N, 260 * SEC, 7, 0, a);
    walk_times(&r, N, 260 * SEC, 7, 0, b);
    assert_memory_equal(a, b, sizeof a);
    walk_times(&r, N, 260 * SEC, 8, 0, b);
    assert_true(memcmp(a, b, sizeof a) != 0);
    /* without a duration the gaps are the period's */
    ng_rhythm_walk w;
    ng_rhythm_walk_begin(&w, &r, N, 0, 1, 1);
    double sum = 0;
    for (size_t i = 0; i < N; i++)
        sum += (double)ng_rhythm_walk_next(&w, &r);
    assert_true(sum > 0.9 * N * r.period_ns && sum < 3.0 * N * r.period_ns);
}

static void test_validity(void **state)
{
    (void)state;
    ng_rhythm r;
    memset(&r, 0, sizeof r);
    assert_false(ng_rhythm_valid(&r)); /* no period */
    r.period_ns = SEC;
    for (size_t q = 0; q < NG_RHYTHM_QUANTILES; q++)
        r.ratio[q] = 0.5f + (float)q / NG_RHYTHM_QUANTILES;
    assert_true(ng_rhythm_valid(&r));
    r.ratio[3] = r.ratio[2] - 0.1f;
    assert_false(ng_rhythm_valid(&r)); /* out of order */
    r.ratio[3] = r.ratio[4];
    r.ratio[NG_RHYTHM_QUANTILES - 1] = (float)(2 * NG_RHYTHM_MAX_RATIO);
    assert_false(ng_rhythm_valid(&r));
    r.ratio[NG_RHYTHM_QUANTILES - 1] = NAN;
    assert_false(ng_rhythm_valid(&r));
    r.ratio[NG_RHYTHM_QUANTILES - 1] = 2.0f;
    assert_true(ng_rhythm_valid(&r));
    r.period_ns = 1e30;
    assert_false(ng_rhythm_valid(&r));
    r.period_ns = NAN;
    assert_false(ng_rhythm_valid(&r));
}

/* A request every 2.00 s (jitter ±5 ms) and its response 1.5 ms later: all gaps are not
 * periodic, the client's are (the first direction tried); a server beating between a
 * client's random packets leads with the server; a stream whose every gap keeps time
 * leads with every packet; random gaps and a beat with bursts have no rhythm. Beats of a
 * plan follow the share. */
static void test_detects_exchanges(void **state)
{
    (void)state;
    enum { N = 200 };
    int64_t ts[N], gaps[N];
    uint8_t dir[N];
    double scratch[N];
    ng_rng rng;
    ng_rng_seed(&rng, 4);
    for (size_t i = 0; i < N; i += 2) {
        ts[i] = (int64_t)i * SEC + (int64_t)(5e6 * (ng_rng_uniform(&rng) - 0.5));
        ts[i + 1] = ts[i] + 1500000, dir[i] = 0, dir[i + 1] = 1;
    }
    ng_rhythm r;
    assert_true(ng_rhythm_detect_stream(ts, dir, N, gaps, scratch, &r));
    assert_int_equal(r.lead, NG_RHYTHM_LEAD_C2S);
    assert_true(fabs(r.lead_share - 0.5) < 1e-6);
    assert_true(fabs(r.period_ns - 2.0 * SEC) < 5e6);
    assert_true(ng_rhythm_valid(&r));
    assert_int_equal(ng_rhythm_beat_gaps(&r, 1010), 504); /* 505 requests */
    for (size_t i = 0; i < N; i += 2) /* the server beats, the client talks at random */
        ts[i + 1] = ts[i] + 1500000 + (int64_t)(1.9 * SEC * ng_rng_uniform(&rng)), dir[i] = 1,
                dir[i + 1] = 0;
    assert_true(ng_rhythm_detect_stream(ts, dir, N, gaps, scratch, &r));
    assert_int_equal(r.lead, NG_RHYTHM_LEAD_S2C);
    for (size_t i = 0; i < N; i++) /* one beat for all */
        ts[i] = (int64_t)i * SEC;
    assert_true(ng_rhythm_detect_stream(ts, dir, N, gaps, scratch, &r));
    assert_int_equal(r.lead, NG_RHYTHM_EVERY);
    assert_int_equal(ng_rhythm_beat_gaps(&r, 1010), 1009);
    for (size_t i = 1; i < N; i++) /* no beat anywhere */
        ts[i] = ts[i - 1] + (int64_t)(SEC * 10 * ng_rng_uniform(&rng)) + 1;
    assert_false(ng_rhythm_detect_stream(ts, dir, N, gaps, scratch, &r));
    assert_int_equal(r.period_ns, 0);
    for (size_t i = 1; i < N; i++) /* a beat with bursts: 14% of the gaps 0.15 ms */
        ts[i] = ts[i - 1] + (i % 7 == 0 ? 150000 : SEC / 10), dir[i] = 0;
    assert_false(ng_rhythm_detect_stream(ts, dir, N, gaps, scratch, &r));
    r.period_ns = SEC, r.lead = 3;
    assert_false(ng_rhythm_valid(&r)); /* unknown lead */
    r.lead = NG_RHYTHM_LEAD_C2S, r.lead_share = 0.0f;
    for (size_t q = 0; q < NG_RHYTHM_QUANTILES; q++)
        r.ratio[q] = 1.0f;
    assert_false(ng_rhythm_valid(&r)); /* a leading direction without packets */
    r.lead_share = 0.5f;
    assert_true(ng_rhythm_valid(&r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detects_beats),
        cmocka_unit_test(test_walk_keeps_the_beat),
        cmocka_unit_test(test_walk_is_deterministic),
        cmocka_unit_test(test_validity),
        cmocka_unit_test(test_detects_exchanges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
