/* test_ngram.c — the sparse back-off n-gram: exact counts, interpolated probabilities
 * that sum to 1 for seen and unseen contexts, back-off to shorter contexts, sampling
 * frequencies that match the probabilities, memory that follows the observed contexts
 * (not vocab^order), long-run sampled frequencies equal to the data's, and a JSON round trip that refuses damaged tables. */
#include "test_util.h"

#include <math.h>
#include <string.h>

#include "core/rng.h"
#include "model/ngram.h"

static ng_ngram *build(size_t order, uint32_t vocab, const uint32_t *seq, size_t n)
{
    ng_ngram *g;
    ng_error err;
    assert_int_equal(ng_ngram_new(order, vocab, &g, &err), NG_OK);
    assert_int_equal(ng_ngram_add_sequence(g, seq, n, &err), NG_OK);
    return g;
}

static double prob_sum(const ng_ngram *g, const uint32_t *ctx, size_t len)
{
    double s = 0;
    for (uint32_t w = 0; w < ng_ngram_vocab(g); w++)
        s += ng_ngram_prob(g, ctx, len, w);
    return s;
}

static void test_counts(void **state)
{
    (void)state;
    const uint32_t seq[] = {0, 1, 2, 0, 1, 2, 0, 1, 3};
    ng_ngram *g = build(2, 4, seq, 9);
    const uint32_t c01[] = {0, 1}, c1[] = {1};
    assert_int_equal(ng_ngram_count(g, c01, 2, 2), 2);
    assert_int_equal(ng_ngram_count(g, c01, 2, 3), 1);
    assert_int_equal(ng_ngram_count(g, c1, 1, 2), 2);
    assert_int_equal(ng_ngram_count(g, NULL, 0, 0), 3);
    assert_int_equal(ng_ngram_total(g), 9);
    /* contexts: empty, {0},{1},{2}, {0,1},{1,2},{2,0} */
    assert_int_equal(ng_ngram_n_contexts(g), 7);
    ng_ngram_free(g);
}

static void test_probabilities_sum_to_one(void **state)
{
    (void)state;
    const uint32_t seq[] = {0, 1, 2, 0, 1, 2, 0, 1, 3, 4, 4, 4, 2};
    ng_ngram *g = build(3, 6, seq, 13);
    const uint32_t ctxs[][3] = {{0, 1, 2}, {4, 4, 4}, {5, 5, 5}, {3, 0, 1}, {1, 5, 4}};
    for (size_t i = 0; i < 5; i++)
        for (size_t len = 0; len <= 3; len++)
            assert_true(fabs(prob_sum(g, ctxs[i] + 3 - len, len) - 1.0) < 1e-12);
    /* token 5 was never seen: probability 0 everywhere (no smoothing beyond the data). */
    assert_true(ng_ngram_prob(g, ctxs[0], 3, 5) == 0.0);
    ng_ngram_free(g);
}

static void test_backoff_on_unseen_context(void **state)
{
    (void)state;
    const uint32_t seq[] = {0, 1, 0, 1, 0, 1, 2, 2};
    ng_ngram *g = build(2, 3, seq, 8);
    const uint32_t unseen[] = {2, 0}; /* "2 0" never occurred; "0" did */
    assert_int_equal(ng_ngram_longest_seen(g, unseen, 2), 1);
    const uint32_t c0[] = {0};
    for (uint32_t w = 0; w < 3; w++)
        assert_true(fabs(ng_ngram_prob(g, unseen, 2, w) - ng_ngram_prob(g, c0, 1, w)) < 1e-15);
    /* After 0 the data always had 1: most of the mass stays there. */
    assert_true(ng_ngram_prob(g, c0, 1, 1) > 0.6);
    /* A context of tokens never seen at all backs off to the unigram. */
    const uint32_t never[] = {2, 2};
    const uint32_t c22[] = {2};
    (void)c22;
    ng_ngram *h = build(2, 3, seq, 6); /* 2 never appears */
    assert_int_equal(ng_ngram_longest_seen(h, never, 2), 0);
    for (uint32_t w = 0; w < 3; w++)
        assert_true(fabs(ng_ngram_prob(h, never, 2, w) - ng_ngram_prob(h, NULL, 0, w)) < 1e-15);
    ng_ngram_free(h);
    ng_ngram_free(g);
}

static void test_sampling_matches_probabilities(void **state)
{
    (void)state;
    ng_rng rng;
    ng_rng_seed(&rng, 7);
    uint32_t seq[400];
    for (size_t i = 0; i < 400; i++)
        seq[i] = (uint32_t)(i % 3 == 2 ? ng_rng_below(&rng, 4) : i % 3);
    ng_ngram *g = build(2, 4, seq, 400);
    const uint32_t ctx[] = {3, 0}; /* maybe seen, maybe not: sampling must follow prob */
    double freq[4] = {0};
    const size_t draws = 200000;
    for (size_t i = 0; i < draws; i++)
        freq[ng_ngram_sample(g, ctx, 2, &rng)] += 1.0 / draws;
    for (uint32_t w = 0; w < 4; w++)
        assert_true(fabs(freq[w] - ng_ngram_prob(g, ctx, 2, w)) < 0.005);
    ng_ngram_free(g);
}

/* A bursty sequence (long runs of token 0, single other tokens between): a chain
 * sampled from the model keeps the data's token frequencies in the long run. */
static void test_long_run_keeps_unigram(void **state)
{
    (void)state;
    enum { N = 3000 };
    static uint32_t seq[N];
    ng_rng rng;
    ng_rng_seed(&rng, 11);
    for (size_t i = 0; i < N; i++)
        seq[i] = ng_rng_uniform(&rng) < 0.8 ? 0 : 1 + (uint32_t)ng_rng_below(&rng, 7);
    for (size_t i = 0; i + 20 < N; i += 200) /* runs */
        for (size_t j = 0; j < 20; j++)
            seq[i + j] = 0;
    ng_ngram *g = build(3, 8, seq, N);
    double uni[8], sim[8] = {0};
    for (uint32_t w = 0; w < 8; w++)
        uni[w] = (double)ng_ngram_count(g, NULL, 0, w);
    uint32_t hist[3];
    size_t nh = 0;
    for (size_t i = 0; i < 200000; i++) {
        uint32_t t = ng_ngram_sample(g, hist, nh, &rng);
        sim[t]++;
        if (nh == 3) {
            memmove(hist, hist + 1, 2 * sizeof *hist);
            nh--;
        }
        hist[nh++] = t;
    }
    double uni_sum = 0, sim_sum = 0, tv = 0;
    for (uint32_t w = 0; w < 8; w++)
        uni_sum += uni[w], sim_sum += sim[w];
    for (uint32_t w = 0; w < 8; w++)
        tv += fabs(uni[w] / uni_sum - sim[w] / sim_sum) / 2;
    print_message("long-run token frequencies vs data: total variation %.4f\n", tv);
    assert_true(tv < 0.02);
    ng_ngram_free(g);
}

static void test_memory_is_sparse(void **state)
{
    (void)state;
    /* vocab 100000, order 4: a dense table would need 1e20 cells. */
    enum { N = 5000 };
    static uint32_t seq[N];
    ng_rng rng;
    ng_rng_seed(&rng, 3);
    for (size_t i = 0; i < N; i++)
        seq[i] = (uint32_t)ng_rng_below(&rng, 100000);
    ng_ngram *g = build(4, 100000, seq, N);
    assert_true(ng_ngram_n_contexts(g) <= 5 * N);
    assert_true(ng_ngram_n_entries(g) <= 5 * N);
    size_t per_context = ng_ngram_memory_bytes(g) / ng_ngram_n_contexts(g);
    print_message("n-gram order 4, vocab 1e5, %d tokens: %zu contexts, %zu bytes (%zu per context)\n",
                  N, ng_ngram_n_contexts(g), ng_ngram_memory_bytes(g), per_context);
    assert_true(per_context < 320);
    const uint32_t unseen[] = {99999, 99998, 99997, 99996};
    assert_true(fabs(prob_sum(g, unseen, 4) - 1.0) < 1e-9);
    (void)ng_ngram_sample(g, unseen, 4, &rng);
    ng_ngram_free(g);
}

static void test_json_round_trip_and_refusals(void **state)
{
    (void)state;
    const uint32_t seq[] = {3, 1, 2, 3, 1, 2, 0, 0, 1};
    ng_ngram *g = build(2, 4, seq, 9);
    json_t *j = ng_ngram_to_json(g);
    ng_ngram *back;
    ng_error err;
    assert_int_equal(ng_ngram_from_json(j, "t", &back, &err), NG_OK);
    json_t *j2 = ng_ngram_to_json(back);
    assert_true(json_equal(j, j2));
    const uint32_t ctx[] = {1, 2};
    for (uint32_t w = 0; w < 4; w++)
        assert_true(ng_ngram_prob(g, ctx, 2, w) == ng_ngram_prob(back, ctx, 2, w));
    ng_ngram_free(back);
    json_decref(j2);

    /* token outside the vocabulary */
    json_t *bad = json_deep_copy(j);
    json_array_set_new(json_array_get(json_object_get(bad, "next"), 1), 0, json_integer(9));
    assert_int_equal(ng_ngram_from_json(bad, "t", &back, &err), NG_EFORMAT);
    assert_non_null(strstr(err.msg, "next[1]"));
    json_decref(bad);
    /* a context longer than the order */
    bad = json_deep_copy(j);
    json_array_append_new(json_array_get(json_object_get(bad, "contexts"), 5), json_integer(0));
    json_array_append_new(json_array_get(json_object_get(bad, "contexts"), 5), json_integer(0));
    assert_int_equal(ng_ngram_from_json(bad, "t", &back, &err), NG_EFORMAT);
    json_decref(bad);
    /* a zero count */
    bad = json_deep_copy(j);
    json_array_set_new(json_array_get(json_object_get(bad, "next"), 0), 1, json_integer(0));
    assert_int_equal(ng_ngram_from_json(bad, "t", &back, &err), NG_EFORMAT);
    json_decref(bad);
    /* duplicate context */
    bad = json_deep_copy(j);
    json_array_append(json_object_get(bad, "contexts"), json_array_get(json_object_get(bad, "contexts"), 1));
    json_array_append(json_object_get(bad, "next"), json_array_get(json_object_get(bad, "next"), 1));
    assert_int_equal(ng_ngram_from_json(bad, "t", &back, &err), NG_EFORMAT);
    assert_non_null(strstr(err.msg, "twice"));
    json_decref(bad);
    json_decref(j);
    ng_ngram_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_probabilities_sum_to_one),
        cmocka_unit_test(test_backoff_on_unseen_context),
        cmocka_unit_test(test_sampling_matches_probabilities),
        cmocka_unit_test(test_long_run_keeps_unigram),
        cmocka_unit_test(test_memory_is_sparse),
        cmocka_unit_test(test_json_round_trip_and_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
