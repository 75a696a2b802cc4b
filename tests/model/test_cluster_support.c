/* test_cluster_support.c — the outputs each cluster may draw: a flow level with random
 * weights (so its heads favour nothing) and a hand-made support never proposes a
 * direction, flags value or size outside a cluster's support over 20,000 packets, while
 * a cluster with full support still draws every direction; the support survives a
 * model-file round trip, a file without it allows everything, and broken tensors are
 * refused with the tensor named. */
#include "test_util.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/rng.h"
#include "model/flow_level_internal.h"
#include "model/flow_sampler.h"
#include "model/model_file.h"
#include "random_level.h"

#define K RANDOM_LEVEL_K

/* Allowed: cluster 0 server 1460-byte ACKs; 1 client PSH/ACK of 100; 2 either side,
 * SYN or SYN/ACK, empty; 3 everything. */
static void make_support(ng_cluster_support *s, const ng_flow_codec *c)
{
    ng_error err;
    assert_int_equal(ng_cluster_support_init(s, c, &err), NG_OK);
    ng_flow_token t[] = {
        {.cluster = 0, .dir = 1, .flag_idx = (uint8_t)ng_vocab_index(&c->flags, 16),
         .size_idx = (uint8_t)ng_vocab_index(&c->sizes, 1460)},
        {.cluster = 1, .dir = 0, .flag_idx = (uint8_t)ng_vocab_index(&c->flags, 24),
         .size_idx = (uint8_t)ng_vocab_index(&c->sizes, 100)},
        {.cluster = 2, .dir = 0, .flag_idx = (uint8_t)ng_vocab_index(&c->flags, 2),
         .size_idx = (uint8_t)ng_vocab_index(&c->sizes, 0)},
        {.cluster = 2, .dir = 1, .flag_idx = (uint8_t)ng_vocab_index(&c->flags, 18),
         .size_idx = (uint8_t)ng_vocab_index(&c->sizes, 0)},
    };
    ng_cluster_support_add(s, c, t, sizeof t / sizeof t[0]);
    for (size_t o = 0; o < s->width; o++)
        s->seen[3 * s->width + o] = 1;
}

static ng_flow_level *make_level(bool with_support)
{
    ng_flow_level *fl = random_level_new(3);
    if (with_support)
        make_support(&fl->support, &fl->net.codec);
    ng_error err;
    assert_int_equal(ng_flow_level_prepare(fl, &err), NG_OK);
    return fl;
}

static bool allowed(const ng_flow_codec *c, const ng_cluster_support *sup,
                    const ng_packet_proposal *p)
{
    size_t flags_at = c->out_flags - c->out_dir, size_at = c->out_size - c->out_dir;
    return ng_cluster_support_allows(sup, p->cluster, p->direction) &&
           ng_cluster_support_allows(sup, p->cluster,
                                     flags_at + ng_vocab_index(&c->flags, p->tcp_flags)) &&
           ng_cluster_support_allows(sup, p->cluster,
                                     size_at + ng_vocab_index(&c->sizes, p->payload_len));
}

/* Packets drawn from `flows` TCP flows of 10 planned packets; how many fall outside
 * `sup`; directions drawn for cluster 3. */
static size_t draw(const ng_flow_level *fl, const ng_cluster_support *sup, uint64_t flows,
                   size_t *total, size_t dirs_of_3[2])
{
    /* no planned bytes: the sizes are the draws (the bytes fit moves a flow's last data
     * segments afterwards, model/flow_bytes_fit.h) */
    ng_flow_plan plan = {.app_class = 3, .ip_proto = 6, .ip_version = 4, .target_packets = 10,
                         .target_duration_ns = 100000000};
    ng_flow_sampler s = {0};
    ng_error err;
    size_t outside = 0;
    *total = 0;
    for (uint64_t f = 0; f < flows; f++) {
        assert_int_equal(ng_flow_sampler_begin(fl, &plan, f + 1, &s, &err), NG_OK);
        ng_packet_proposal p;
        while (ng_flow_sampler_next(fl, &s, &p)) {
            (*total)++;
            outside += !allowed(&fl->net.codec, sup, &p);
            if (p.cluster == 3)
                dirs_of_3[p.direction ? 1 : 0]++;
        }
    }
    ng_flow_sampler_free(&s);
    return outside;
}

static void test_sampler_stays_in_support(void **state)
{
    (void)state;
    ng_flow_level *fl = make_level(true);
    size_t total, dirs[2] = {0, 0};
    size_t outside = draw(fl, &fl->support, 2000, &total, dirs);
    printf("  %zu packets, %zu outside the support; cluster 3 (full support): %zu client, "
           "%zu server\n", total, outside, dirs[0], dirs[1]);
    assert_true(total >= 15000);
    assert_int_equal(outside, 0);
    assert_true(dirs[0] > 100 && dirs[1] > 100);

    /* The same weights without the support do draw outside it: the check can fail. */
    ng_flow_level *free_fl = make_level(false);
    size_t free_total, d[2] = {0, 0};
    size_t free_outside = draw(free_fl, &fl->support, 500, &free_total, d);
    printf("  without the support: %zu of %zu packets outside it\n", free_outside, free_total);
    assert_true(free_outside * 10 > free_total);
    ng_flow_level_free(free_fl);
    ng_flow_level_free(fl);
}

static uint8_t *encode_level(const ng_flow_level *fl, size_t *len)
{
    ng_model_writer *w;
    ng_error err;
    assert_int_equal(ng_model_writer_new(&w, &err), NG_OK);
    json_t *header = json_object();
    assert_int_equal(ng_flow_level_save(fl, w, header, &err), NG_OK);
    assert_int_equal(ng_model_writer_set_header(w, header, &err), NG_OK);
    uint8_t *bytes;
    assert_int_equal(ng_model_writer_encode(w, &bytes, len, &err), NG_OK);
    json_decref(header);
    ng_model_writer_free(w);
    return bytes;
}

static ng_status load_level(const uint8_t *bytes, size_t len, ng_flow_level **out,
                            ng_error *err)
{
    ng_model_file *m;
    ng_status st = ng_model_file_decode(bytes, len, "support.ngm", &m, err);
    if (st)
        return st;
    st = ng_flow_level_load(m, out, err);
    ng_model_file_free(m);
    return st;
}

static void test_round_trip_and_refusals(void **state)
{
    (void)state;
    ng_flow_level *fl = make_level(true);
    size_t len;
    uint8_t *bytes = encode_level(fl, &len);
    ng_flow_level *back;
    ng_error err;
    assert_int_equal(load_level(bytes, len, &back, &err), NG_OK);
    assert_int_equal(back->support.width, fl->support.width);
    assert_memory_equal(back->support.seen, fl->support.seen, K * fl->support.width);
    assert_int_equal(ng_cluster_support_count(&back->support), 3 + 3 + 5 + fl->support.width);
    ng_flow_level_free(back);
    free(bytes);

    ng_flow_level *plain = make_level(false); /* no tensor: everything allowed */
    bytes = encode_level(plain, &len);
    assert_int_equal(load_level(bytes, len, &back, &err), NG_OK);
    assert_null(back->support.seen);
    assert_true(ng_cluster_support_allows(&back->support, 0, 0));
    ng_flow_level_free(back);
    free(bytes);

    /* A value other than 0/1, and a cluster left without any size. */
    for (int broken = 0; broken < 2; broken++) {
        size_t size_at = fl->net.codec.out_size - fl->net.codec.out_dir;
        if (broken == 0)
            fl->support.seen[1] = 2;
        else
            memset(fl->support.seen + size_at, 0, fl->support.width - size_at);
        bytes = encode_level(fl, &len);
        assert_int_equal(load_level(bytes, len, &back, &err), NG_EFORMAT);
        printf("  refused: %s\n", err.msg);
        assert_non_null(strstr(err.msg, NG_CLUSTER_SUPPORT_TENSOR));
        assert_non_null(strstr(err.msg, broken == 0 ? "0 or 1" : "no size for cluster 0"));
        free(bytes);
        fl->support.seen[1] = 1; /* cluster 0 sends from the server */
    }
    ng_flow_level_free(plain);
    ng_flow_level_free(fl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sampler_stays_in_support),
        cmocka_unit_test(test_round_trip_and_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
