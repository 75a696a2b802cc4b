/* test_cluster_heads.c — head 2 cut to each cluster's support: for random weights, random
 * h and every cluster, direction and flags input, every compact column's logit equals
 * the full head's logit of the output it stands for (computed here from the parameters,
 * to 1e-5); the columns are exactly the support's outputs plus the two mixtures; a flags
 * group holding only "other" is widened to the whole vocabulary; without a support
 * every output is kept. */
#include "test_util.h"

#include <math.h>
#include <string.h>

#include "core/rng.h"
#include "model/cluster_heads.h"
#include "model/flow_level_internal.h"
#include "model/model.h"

#define K 4
#define H 16

static void make_codec(ng_flow_codec *c)
{
    ng_error err;
    memset(c, 0, sizeof *c);
    c->k = K;
    c->iat_mixture = 2;
    const uint32_t flags[] = {2, 16, 18, 24, 17}, sizes[] = {0, 100, 1460}, classes[] = {3};
    assert_int_equal(ng_vocab_build(&c->flags, flags, 5, 5, &err), NG_OK);
    assert_int_equal(ng_vocab_build(&c->sizes, sizes, 3, 3, &err), NG_OK);
    assert_int_equal(ng_vocab_build(&c->classes, classes, 1, 1, &err), NG_OK);
    c->iat = c->payload = c->packets = c->bytes = c->duration = (ng_scaler){0.0, 1.0};
    ng_flow_codec_layout(c);
}

/* Cluster 0: server, ACK, 1460 or other size; 1: both directions, flags "other" only,
 * size 0; 2: nothing seen (completed to everything); 3: everything. */
static void make_support(ng_cluster_support *s, const ng_flow_codec *c)
{
    ng_error err;
    assert_int_equal(ng_cluster_support_init(s, c, &err), NG_OK);
    uint8_t ack = (uint8_t)ng_vocab_index(&c->flags, 16), other = (uint8_t)c->flags.n;
    ng_flow_token t[] = {
        {.cluster = 0, .dir = 1, .flag_idx = ack, .size_idx = 2},
        {.cluster = 0, .dir = 1, .flag_idx = ack, .size_idx = (uint8_t)c->sizes.n},
        {.cluster = 1, .dir = 0, .flag_idx = other, .size_idx = 0},
        {.cluster = 1, .dir = 1, .flag_idx = other, .size_idx = 0},
    };
    ng_cluster_support_add(s, c, t, sizeof t / sizeof t[0]);
    memset(s->seen + 3 * s->width, 1, s->width);
    ng_cluster_support_complete(s, c);
}

static ng_flow_level *make_level(bool with_support)
{
    ng_flow_codec c;
    make_codec(&c);
    ng_flow_level *fl;
    ng_error err;
    assert_int_equal(ng_flow_level_new(&c, H, 1, &fl, &err), NG_OK);
    ng_rng rng;
    ng_rng_seed(&rng, 5);
    for (size_t i = 0; i < fl->net.params.total; i++)
        fl->net.params.data[i] = (float)ng_rng_normal(&rng);
    ng_flow_net_mask_head2(&fl->net, ng_params_data(&fl->net.params, fl->net.head2_w));
    if (with_support)
        make_support(&fl->support, &c);
    assert_int_equal(ng_flow_level_prepare(fl, &err), NG_OK);
    return fl;
}

/* Head 2's logit of output o, from the parameters, for cluster k, direction d, flags f. */
static double full_logit(const ng_flow_level *fl, const float *h, size_t k, size_t d, size_t f,
                         size_t o)
{
    const ng_flow_codec *c = &fl->net.codec;
    const float *w2 = ng_params_data(&fl->net.params, fl->net.head2_w);
    const float *b2 = ng_params_data(&fl->net.params, fl->net.head2_b);
    size_t hidden = fl->net.hidden;
    const float *w = w2 + o * (hidden + c->in2_extra);
    double z = b2[o] + w[hidden + c->in2_cluster + k] + w[hidden + c->in2_dir + d] +
               w[hidden + c->in2_flags + f];
    for (size_t i = 0; i < hidden; i++)
        z += (double)w[i] * h[i];
    return z;
}

/* The head-2 output a compact column stands for. */
static size_t output_of(const ng_flow_codec *c, const ng_cluster_head *head, size_t j)
{
    if (j < head->flags_at)
        return c->out_dir + head->index[j];
    if (j < head->sizes_at)
        return c->out_flags + head->index[j];
    if (j < head->other_at)
        return c->out_size + head->index[j];
    return c->out_other + (j - head->other_at);
}

/* Max |compact - full| over every column, direction and flags input of cluster k. */
static double max_logit_error(const ng_flow_level *fl, const float *h, size_t k)
{
    const ng_flow_codec *c = &fl->net.codec;
    const ng_cluster_head *head = &fl->heads.head[k];
    size_t n = head->other_at + (c->out2_size - c->out_other);
    double worst = 0.0;
    for (size_t d = 0; d < 2; d++)
        for (size_t f = 0; f < ng_vocab_size(&c->flags); f++) {
            float z[1024];
            assert_true(head->pad <= 1024);
            ng_cluster_head_logits(head, h, fl->net.hidden, z);
            for (size_t j = 0; j < head->pad; j++)
                z[j] += head->dir_t[d * head->pad + j] + head->flags_t[f * head->pad + j];
            for (size_t j = 0; j < n; j++)
                worst = fmax(worst, fabs(z[j] - full_logit(fl, h, k, d, f, output_of(c, head, j))));
        }
    return worst;
}

static void test_logits_match_the_full_head(void **state)
{
    (void)state;
    ng_rng rng;
    ng_rng_seed(&rng, 9);
    for (int with_support = 0; with_support < 2; with_support++) {
        ng_flow_level *fl = make_level(with_support);
        double worst = 0.0;
        for (int trial = 0; trial < 20; trial++) {
            float h[H];
            for (size_t i = 0; i < H; i++)
                h[i] = (float)(2.0 * ng_rng_uniform(&rng) - 1.0);
            for (size_t k = 0; k < K; k++)
                worst = fmax(worst, max_logit_error(fl, h, k));
        }
        printf("  support %s: max |compact - full| logit %.2e\n", with_support ? "on" : "off",
               worst);
        assert_true(worst < 1e-5);
        ng_flow_level_free(fl);
    }
}

/* The same on the shipped default model (a trained network, its own support). */
static void test_default_model(void **state)
{
    (void)state;
    ng_model *m;
    ng_error err;
    assert_int_equal(ng_model_load(NG_SOURCE_DIR "/models/default.ngm", &m, &err), NG_OK);
    const ng_flow_level *fl = m->flow;
    ng_rng rng;
    ng_rng_seed(&rng, 4);
    double worst = 0.0;
    for (int trial = 0; trial < 5; trial++) {
        float h[256];
        assert_true(fl->net.hidden <= 256);
        for (size_t i = 0; i < fl->net.hidden; i++)
            h[i] = (float)(2.0 * ng_rng_uniform(&rng) - 1.0);
        for (size_t k = 0; k < fl->net.codec.k; k++)
            worst = fmax(worst, max_logit_error(fl, h, k));
    }
    printf("  default model: max |compact - full| logit %.2e\n", worst);
    assert_true(worst < 1e-4);
    ng_model_free(m);
}

static void test_columns_are_the_support(void **state)
{
    (void)state;
    ng_flow_level *fl = make_level(true);
    const ng_flow_codec *c = &fl->net.codec;
    const ng_cluster_head *h0 = &fl->heads.head[0], *h1 = &fl->heads.head[1];
    /* cluster 0: server only, ACK only, 1460 and other; 2 + 2 * 3 mixture columns */
    assert_int_equal(h0->n_dir, 1);
    assert_int_equal(h0->index[0], 1);
    assert_int_equal(h0->n_flags, 1);
    assert_int_equal(c->flags.values[h0->index[h0->flags_at]], 16);
    assert_int_equal(h0->n_sizes, 2);
    assert_int_equal(h0->index[h0->sizes_at], 2);
    assert_int_equal(h0->index[h0->sizes_at + 1], c->sizes.n);
    assert_int_equal(h0->flags_other_col, SIZE_MAX);
    assert_int_equal(h0->iat_at, h0->other_at + 3);
    assert_int_equal(h0->pad, 16); /* 4 categorical + 3 + 6 = 13 columns */
    /* cluster 1: flags seen only as "other" -> the whole flags vocabulary */
    assert_int_equal(h1->n_dir, 2);
    assert_int_equal(h1->n_flags, ng_vocab_size(&c->flags));
    assert_int_equal(h1->flags_other_col, h1->flags_at + c->flags.n);
    assert_int_equal(h1->n_sizes, 1);
    /* clusters 2 (completed) and 3 (all seen): everything */
    for (size_t k = 2; k < K; k++) {
        const ng_cluster_head *h = &fl->heads.head[k];
        assert_int_equal(h->n_dir + h->n_flags + h->n_sizes,
                         ng_cluster_support_width(c));
    }
    ng_flow_level_free(fl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logits_match_the_full_head),
        cmocka_unit_test(test_default_model),
        cmocka_unit_test(test_columns_are_the_support),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
