/* tiny_level.h — what the generator tests share: a small flow level trained on
 * tests/data/tiny.pcap (clusters made up from direction, flags and payload) as the
 * cmocka group setup/teardown, a plan source over an array of hand-made plans, and a run
 * of the generator over such plans into a pcap.
 * Header-only (static inline), included by each test file that needs it. */
#ifndef NG_TESTS_SYNTH_TINY_LEVEL_H
#define NG_TESTS_SYNTH_TINY_LEVEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "model/dataset.h"
#include "model/flow_level.h"
#include "model/flow_plan.h"
#include "synth/generator.h"
#include "synth/packet_output.h"

static ng_flow_level *tiny_level;

static inline int tiny_level_setup(void **state)
{
    (void)state;
    const char *path = ng_test_data("tiny.pcap");
    ng_dataset ds;
    ng_error err;
    if (ng_dataset_load(&ds, &path, 1, NULL, &err) != NG_OK)
        return -1;
    uint16_t *clusters = malloc(ds.n_packets * sizeof *clusters);
    if (!clusters) {
        ng_dataset_free(&ds);
        return -1;
    }
    for (size_t i = 0; i < ds.n_packets; i++) {
        const ng_packet_row *r = &ds.packets[i];
        clusters[i] = (uint16_t)((r->direction * 3u + (r->tcp_flags & 3u) + (r->payload_len > 0)) % 6);
    }
    ng_train_config cfg;
    ng_train_config_default(&cfg);
    cfg.flow.hidden = 16;
    cfg.flow.epochs = 3;
    ng_status st = ng_flow_level_train(&ds, clusters, 6, &cfg, &tiny_level, NULL, &err);
    free(clusters);
    ng_dataset_free(&ds);
    return st == NG_OK ? 0 : -1;
}

static inline int tiny_level_teardown(void **state)
{
    (void)state;
    ng_flow_level_free(tiny_level);
    ng_test_cleanup_tmpdir();
    return 0;
}

/* A plan source (ng_generate's next_plan callback) over plans[0..n). */
typedef struct plan_list {
    ng_flow_plan *plans;
    size_t n, next;
} plan_list;

static inline bool next_plan(void *user, ng_flow_plan *plan)
{
    plan_list *l = user;
    if (l->next >= l->n)
        return false;
    *plan = l->plans[l->next++];
    return true;
}

/* Generate plans[0..n) with the tiny level into `path` (pcap, ns timestamps): seed `seed`,
 * no end time; *stats gets the run's counts. A failed run fails the test with its message. */
static inline void tiny_generate(ng_flow_plan *plans, size_t n, uint64_t seed, const char *path,
                                 ng_generate_stats *stats)
{
    plan_list list = {plans, n, 0};
    ng_plan_source src = {next_plan, &list};
    ng_generate_options opt;
    memset(&opt, 0, sizeof opt);
    opt.seed = seed;
    opt.end_ns = INT64_MAX;
    memset(stats, 0, sizeof *stats);
    ng_packet_output out;
    ng_error err;
    assert_int_equal(ng_packet_output_open(&out, path, NG_OUTPUT_PCAP_NS, &err), NG_OK);
    if (ng_generate(tiny_level, &src, &opt, &out, stats, &err) != NG_OK)
        fail_msg("generate: %s", err.msg);
    assert_int_equal(ng_packet_output_close(&out, &err), NG_OK);
}

#endif
