/* test_model.c — the whole model: training is deterministic to the byte, survives
 * save/load exactly, refuses damaged files, learns (validation losses fall), and
 * trains on every kind of shared capture without error or NaN. In small mode
 * (ng_test_small) the DARPA run and the captures are cut short and fewer damaged copies
 * are tried; the losses must still fall. */
#include "test_util.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "model/model.h"

#if defined(__SANITIZE_ADDRESS__)
#define NG_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NG_SANITIZED 1
#endif
#endif

static void quick_config(ng_train_config *cfg, size_t epochs)
{
    ng_train_config_default(cfg);
    cfg->packet.epochs = epochs;
    cfg->flow.epochs = epochs;
}

/* Small mode: one epoch of the first 200 packets through networks a quarter as wide
 * and mixtures with fewer components; the same layers and code paths as the defaults. */
static void small_networks(ng_train_config *cfg)
{
    cfg->packet.epochs = cfg->flow.epochs = 1;
    cfg->max_packets = 200;
    cfg->packet.hidden[0] = 8;
    cfg->packet.hidden[1] = 4;
    cfg->packet.k_max = 6;
    cfg->flow.hidden = 8;
    cfg->aggregate.k_max = 4;
    cfg->aggregate.gap_k_max = 4;
}

static uint8_t *train_and_encode(const char *path, const ng_train_config *cfg, size_t *len)
{
    ng_model *m;
    ng_error err;
    if (ng_model_train(&path, 1, cfg, &m, &err) != NG_OK)
        fail_msg("%s", err.msg);
    uint8_t *bytes;
    assert_int_equal(ng_model_encode(m, &bytes, len, &err), NG_OK);
    ng_model_free(m);
    return bytes;
}

static void test_same_seed_same_bytes_and_exact_reload(void **state)
{
    (void)state;
    const char *path = ng_test_data("tiny.pcap");
    ng_train_config cfg;
    quick_config(&cfg, 3);
    size_t len1, len2, len3;
    uint8_t *a = train_and_encode(path, &cfg, &len1);
    uint8_t *b = train_and_encode(path, &cfg, &len2);
    assert_int_equal(len1, len2);
    assert_memory_equal(a, b, len1);

    cfg.seed = 2;
    uint8_t *c = train_and_encode(path, &cfg, &len3);
    assert_true(len3 != len1 || memcmp(a, c, len1) != 0);

    const char *file = ng_test_tmp("m.ngm");
    ng_test_write_file(file, a, len1);
    ng_model *m;
    ng_error err;
    assert_int_equal(ng_model_load(file, &m, &err), NG_OK);
    uint8_t *again;
    assert_int_equal(ng_model_encode(m, &again, &len3, &err), NG_OK);
    assert_int_equal(len3, len1);
    assert_memory_equal(again, a, len1);
    ng_model_free(m);
    free(a);
    free(b);
    free(c);
    free(again);
    ng_test_cleanup_tmpdir();
}

static void test_damaged_files_are_refused(void **state)
{
    (void)state;
    const char *path = ng_test_data("tiny.pcap");
    ng_train_config cfg;
    quick_config(&cfg, 2);
    size_t len;
    uint8_t *bytes = train_and_encode(path, &cfg, &len);
    ng_rng rng;
    ng_rng_seed(&rng, 17);
    int trials = ng_test_small() ? 16 : 64;
    size_t cuts = ng_test_small() ? 23 : 97;
    for (int trial = 0; trial < trials; trial++) {
        size_t at = (size_t)ng_rng_below(&rng, len);
        uint8_t saved = bytes[at];
        bytes[at] ^= (uint8_t)(1u << ng_rng_below(&rng, 8));
        ng_model *m;
        ng_error err;
        assert_int_equal(ng_model_load_bytes(bytes, len, "flipped.ngm", &m, &err), NG_EFORMAT);
        assert_null(m);
        assert_non_null(strstr(err.msg, "flipped.ngm"));
        bytes[at] = saved;
    }
    for (size_t cut = 0; cut < len; cut += 1 + len / cuts) {
        ng_model *m;
        ng_error err;
        assert_int_not_equal(ng_model_load_bytes(bytes, cut, "cut.ngm", &m, &err), NG_OK);
        assert_non_null(strstr(err.msg, "cut.ngm"));
    }
    ng_model *m;
    ng_error err;
    assert_int_equal(ng_model_load_bytes(bytes, len, "whole.ngm", &m, &err), NG_OK);
    ng_model_free(m);
    const char *foreign = ng_test_data("tiny.pcap");
    assert_int_equal(ng_model_load(foreign, &m, &err), NG_EFORMAT);
    assert_non_null(strstr(err.msg, "tiny.pcap"));
    free(bytes);
}

static void test_levels_learn_on_darpa_http(void **state)
{
    (void)state;
    NG_REQUIRE_SHARED(path, "darpa99/week1-monday-http.pcap");
    ng_train_config cfg;
    ng_train_config_default(&cfg);
#ifdef NG_SANITIZED
    cfg.packet.epochs = cfg.flow.epochs = 4;
#endif
    bool small = ng_test_small();
    if (small) {
        cfg.packet.epochs = cfg.flow.epochs = 3;
        cfg.packet.k_max = 8;
        cfg.max_packets = 2000;
    }
    ng_model *m;
    ng_error err;
    assert_int_equal(ng_model_train(&path, 1, &cfg, &m, &err), NG_OK);
    const ng_train_report *r = &m->report;
    printf("  packet level K=%zu, validation loss %.3f -> %.3f\n", r->packet_k,
           r->packet.initial_val_loss, r->packet.final_val_loss);
    printf("  flow level validation loss %.3f -> %.3f\n", r->flow.initial_val_loss,
           r->flow.final_val_loss);
    assert_true(r->packet_k >= cfg.packet.k_min && r->packet_k <= cfg.packet.k_max);
    double fall = small ? 1.0 : 0.5; /* small: 3 epochs on 2000 packets only learn a little */
    assert_true(r->packet.final_val_loss < fall * r->packet.initial_val_loss);
    assert_true(r->flow.final_val_loss < fall * r->flow.initial_val_loss);
    json_t *summary = ng_model_summary(m);
    assert_non_null(json_object_get(summary, "aggregate"));
    json_decref(summary);
    ng_model_free(m);
}

/* Every shared capture, tiny and odd ones included, trains without error or NaN. */
static void test_every_shared_capture_trains(void **state)
{
    (void)state;
    NG_REQUIRE_SHARED(dir, "captures");
#ifdef NG_SANITIZED
    skip(); /* minutes under ASan; the plain build covers it */
    return;
#endif
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", dir);
    DIR *d = opendir(folder);
    assert_non_null(d);
    struct dirent *e;
    int trained = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", folder, e->d_name);
        const char *p = path;
        ng_train_config cfg;
        quick_config(&cfg, 2);
        cfg.max_packets = 3000;
        if (ng_test_small()) /* every capture still: its first 200 packets, small nets */
            small_networks(&cfg);
        ng_model *m;
        ng_error err;
        if (ng_model_train(&p, 1, &cfg, &m, &err) != NG_OK)
            fail_msg("%s: %s", e->d_name, err.msg);
        assert_true(isfinite(m->report.packet.final_val_loss));
        assert_true(isfinite(m->report.flow.final_val_loss));
        ng_model_free(m);
        trained++;
    }
    closedir(d);
    assert_true(trained >= 30);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_bytes_and_exact_reload),
        cmocka_unit_test(test_damaged_files_are_refused),
        cmocka_unit_test(test_levels_learn_on_darpa_http),
        cmocka_unit_test(test_every_shared_capture_trains),
    };
    ng_log_set_level(NG_LOG_WARN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
