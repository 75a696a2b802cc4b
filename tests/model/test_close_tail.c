/* test_close_tail.c — the close tail (model/close_tail.h): the 90th percentile of the
 * packets after a flow's first FIN, none below 20 flows with a FIN; its model-file round
 * trip (absent in old files, refused when broken, with the key named); and the sampler
 * with a tail of 3 never leaves more than 3 packets after a first FIN, where the same
 * random weights without it do in most flows. */
#include "test_util.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "capture/packet.h"
#include "core/rng.h"
#include "model/close_tail.h"
#include "model/flow_level_internal.h"
#include "model/flow_sampler.h"
#include "model/model_file.h"
#include "random_level.h"

#define FA (NG_TCP_FIN | NG_TCP_ACK)

/* Appends a flow of 6 + after packets whose 6th is the first FIN (after < 0: no FIN). */
static void add_flow(const ng_flow_codec *c, ng_flow_token *tokens, size_t *first, size_t *n,
                     long after)
{
    size_t at = first[*n], len = 6 + (size_t)(after < 0 ? 0 : after);
    for (size_t i = 0; i < len; i++) {
        uint32_t flags = i == 5 && after >= 0 ? FA : 16;
        tokens[at + i] = (ng_flow_token){.flag_idx = (uint8_t)ng_vocab_index(&c->flags, flags)};
    }
    first[++*n] = at + len;
}

static uint32_t tail_of(const ng_flow_codec *c, size_t tidy, size_t messy, size_t without)
{
    static ng_flow_token tokens[4096];
    size_t first[128] = {0}, n = 0;
    for (size_t i = 0; i < tidy; i++)
        add_flow(c, tokens, first, &n, 3);
    for (size_t i = 0; i < messy; i++)
        add_flow(c, tokens, first, &n, 8);
    for (size_t i = 0; i < without; i++)
        add_flow(c, tokens, first, &n, -1);
    ng_close_tail_counts counts = {0};
    ng_error err;
    assert_int_equal(ng_close_tail_add(&counts, c, tokens, first, n, &err), NG_OK);
    assert_int_equal(counts.n_flows, tidy + messy);
    uint32_t tail = ng_close_tail_of(&counts);
    ng_close_tail_counts_free(&counts);
    return tail;
}

static void test_percentile(void **state)
{
    (void)state;
    ng_flow_codec c;
    random_level_codec(&c);
    assert_int_equal(tail_of(&c, 27, 3, 5), 3);  /* 90% tidy: the 27th of 30 is 3 */
    assert_int_equal(tail_of(&c, 26, 4, 5), 8);  /* 87% tidy: the 27th of 30 is 8 */
    assert_int_equal(tail_of(&c, 19, 0, 40), NG_CLOSE_TAIL_NONE); /* too few FINs */
    assert_int_equal(tail_of(&c, 20, 0, 0), 3);
}

static ng_flow_level *make_level(uint32_t close_tail)
{
    ng_flow_level *fl = random_level_new(5);
    assert_int_equal(fl->close_tail, NG_CLOSE_TAIL_NONE);
    fl->close_tail = close_tail;
    ng_error err;
    assert_int_equal(ng_flow_level_prepare(fl, &err), NG_OK);
    return fl;
}

/* Flows of 12 planned TCP packets; how many have more than 3 packets after their first
 * FIN, and the flows' packets in all. */
static size_t late_closes(const ng_flow_level *fl, size_t flows, size_t *packets)
{
    ng_flow_plan plan = {.app_class = 3, .ip_proto = 6, .ip_version = 4, .target_packets = 12};
    ng_flow_sampler s = {0};
    ng_error err;
    size_t early = 0;
    *packets = 0;
    for (uint64_t f = 0; f < flows; f++) {
        assert_int_equal(ng_flow_sampler_begin(fl, &plan, f + 1, &s, &err), NG_OK);
        ng_packet_proposal p;
        long fin_at = -1, n = 0;
        while (ng_flow_sampler_next(fl, &s, &p)) {
            if (fin_at < 0 && (p.tcp_flags & NG_TCP_FIN))
                fin_at = n;
            n++;
        }
        early += fin_at >= 0 && n - 1 - fin_at > 3;
        *packets += (size_t)n;
    }
    ng_flow_sampler_free(&s);
    return early;
}

static void test_sampler_closes_late(void **state)
{
    (void)state;
    ng_flow_level *ruled = make_level(3), *free_fl = make_level(NG_CLOSE_TAIL_NONE);
    size_t ruled_packets, free_packets;
    size_t ruled_early = late_closes(ruled, 1000, &ruled_packets);
    size_t free_early = late_closes(free_fl, 1000, &free_packets);
    printf("  first FIN with > 3 packets left: %zu of 1000 flows with a tail of 3 (%zu "
           "packets), %zu without (%zu packets)\n", ruled_early, ruled_packets, free_early,
           free_packets);
    assert_true(free_early > 300); /* the random weights close early: the check can fail */
    assert_true(ruled_early <= 10);
    ng_flow_level_free(ruled);
    ng_flow_level_free(free_fl);
}

static ng_status round_trip(const ng_flow_level *fl, json_t *close_tail, ng_flow_level **out,
                            ng_error *err)
{
    ng_model_writer *w;
    assert_int_equal(ng_model_writer_new(&w, err), NG_OK);
    json_t *header = json_object();
    assert_int_equal(ng_flow_level_save(fl, w, header, err), NG_OK);
    if (close_tail)
        json_object_set_new(json_object_get(header, "flow"), "close_tail", close_tail);
    assert_int_equal(ng_model_writer_set_header(w, header, err), NG_OK);
    uint8_t *bytes;
    size_t len;
    assert_int_equal(ng_model_writer_encode(w, &bytes, &len, err), NG_OK);
    json_decref(header);
    ng_model_writer_free(w);
    ng_model_file *m;
    assert_int_equal(ng_model_file_decode(bytes, len, "tail.ngm", &m, err), NG_OK);
    ng_status st = ng_flow_level_load(m, out, err);
    ng_model_file_free(m);
    free(bytes);
    return st;
}

static void test_model_file(void **state)
{
    (void)state;
    ng_flow_level *fl = make_level(3), *back;
    ng_error err;
    assert_int_equal(round_trip(fl, NULL, &back, &err), NG_OK);
    assert_int_equal(back->close_tail, 3);
    ng_flow_level_free(back);
    fl->close_tail = NG_CLOSE_TAIL_NONE; /* not saved: loads as none, as old models do */
    assert_int_equal(round_trip(fl, NULL, &back, &err), NG_OK);
    assert_int_equal(back->close_tail, NG_CLOSE_TAIL_NONE);
    ng_flow_level_free(back);
    json_t *broken[] = {json_integer(-1), json_string("3"), json_integer(1 << 21)};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(round_trip(fl, broken[i], &back, &err), NG_EFORMAT);
        printf("  refused: %s\n", err.msg);
        assert_non_null(strstr(err.msg, "tail.ngm"));
        assert_non_null(strstr(err.msg, "flow.close_tail"));
    }
    ng_flow_level_free(fl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_percentile),
        cmocka_unit_test(test_sampler_closes_late),
        cmocka_unit_test(test_model_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
