/* random_level.h — what the flow-sampler tests share: a hand-made codec (4 clusters, TCP
 * flags SYN, ACK, SYN/ACK, PSH/ACK, FIN/ACK, sizes 0 / 100 / 1460, one class) and a flow
 * level of that shape with random weights, so its heads favour nothing in particular.
 * Header-only (static inline), included by each test file that needs it. */
#ifndef NG_TESTS_MODEL_RANDOM_LEVEL_H
#define NG_TESTS_MODEL_RANDOM_LEVEL_H

#include <string.h>

#include "test_util.h"

#include "core/rng.h"
#include "model/flow_level_internal.h"

#define RANDOM_LEVEL_K 4

static inline void random_level_codec(ng_flow_codec *c)
{
    memset(c, 0, sizeof *c);
    c->k = RANDOM_LEVEL_K;
    c->iat_mixture = 2;
    const uint32_t flags[] = {2, 16, 18, 24, 17}, sizes[] = {0, 100, 1460}, classes[] = {3};
    ng_error err;
    assert_int_equal(ng_vocab_build(&c->flags, flags, 5, 5, &err), NG_OK);
    assert_int_equal(ng_vocab_build(&c->sizes, sizes, 3, 3, &err), NG_OK);
    assert_int_equal(ng_vocab_build(&c->classes, classes, 1, 1, &err), NG_OK);
    c->iat = c->payload = c->packets = c->bytes = c->duration = (ng_scaler){0.0, 1.0};
    c->iat_min_log10 = -4.0, c->iat_max_log10 = 1.0;
    ng_flow_codec_layout(c);
}

/* A level of the codec above (hidden 16, one layer, windows of 64) with weights drawn
 * from N(0, 0.8^2) by `seed`, not yet prepared: set its support or close tail, then
 * ng_flow_level_prepare. */
static inline ng_flow_level *random_level_new(uint64_t seed)
{
    ng_flow_codec c;
    random_level_codec(&c);
    ng_flow_level *fl;
    ng_error err;
    assert_int_equal(ng_flow_level_new(&c, 16, 1, &fl, &err), NG_OK);
    ng_rng rng;
    ng_rng_seed(&rng, seed);
    for (size_t i = 0; i < fl->net.params.total; i++)
        fl->net.params.data[i] = (float)(0.8 * ng_rng_normal(&rng));
    fl->net.window = 64;
    return fl;
}

#endif
