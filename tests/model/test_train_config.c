/* test_train_config.c — hyperparameters: defaults are valid, JSON overrides work and
 * round-trip (the largest seed and max_packets included), the ranges flags are checked
 * against, and bad config files are refused naming the file and the key, in one line
 * without control bytes whatever the file holds. */
#include "test_util.h"

#include <string.h>

#include "model/train_config.h"

static ng_status apply_text(ng_train_config *cfg, const char *text, ng_error *err)
{
    json_error_t jerr;
    json_t *obj = json_loads(text, 0, &jerr);
    assert_non_null(obj);
    ng_status st = ng_train_config_apply_json(cfg, obj, "test.json", err);
    json_decref(obj);
    return st;
}

/* One terminal line: no newline, escape or other control byte. */
static void assert_printable_line(const char *msg)
{
    for (const char *c = msg; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            fail_msg("control byte 0x%02x at %zu in '%s'", (unsigned char)*c,
                     (size_t)(c - msg), msg);
}

static void test_defaults_are_valid(void **state)
{
    (void)state;
    ng_train_config cfg;
    ng_error err;
    ng_train_config_default(&cfg);
    assert_int_equal(ng_train_config_check(&cfg, &err), NG_OK);
    assert_int_equal(cfg.packet.latent, 4);
    assert_false(cfg.filter_classes);
}

static void test_overrides_and_round_trip(void **state)
{
    (void)state;
    ng_train_config cfg, again;
    ng_error err;
    ng_train_config_default(&cfg);
    assert_int_equal(apply_text(&cfg,
                                "{\"seed\": 7, \"packet\": {\"latent\": 6, \"beta\": 0.25},"
                                " \"flow\": {\"hidden\": 96}, \"apps\": [\"http\", \"dns\"]}",
                                &err),
                     NG_OK);
    assert_int_equal(cfg.seed, 7);
    assert_int_equal(cfg.packet.latent, 6);
    assert_true(cfg.packet.beta == 0.25f);
    assert_int_equal(cfg.flow.hidden, 96);
    assert_true(cfg.filter_classes);
    assert_true(cfg.keep_class[ng_app_class_from_name("http")]);
    assert_true(cfg.keep_class[ng_app_class_from_name("dns")]);
    assert_false(cfg.keep_class[ng_app_class_from_name("smtp")]);

    json_t *json = ng_train_config_to_json(&cfg);
    ng_train_config_default(&again);
    assert_int_equal(ng_train_config_apply_json(&again, json, "round-trip", &err), NG_OK);
    json_t *json_again = ng_train_config_to_json(&again);
    assert_true(json_equal(json, json_again)); /* field by field: padding may differ */
    assert_int_equal(again.seed, 7);
    assert_int_equal(again.packet.latent, 6);
    assert_memory_equal(cfg.keep_class, again.keep_class, sizeof cfg.keep_class);
    json_decref(json);
    json_decref(json_again);
}

static void test_bad_configs_are_refused(void **state)
{
    (void)state;
    static const struct {
        const char *text, *expect;
    } cases[] = {
        {"{\"sed\": 1}", "unknown setting 'sed'"},
        {"{\"packet\": {\"latnet\": 3}}", "unknown setting 'packet.latnet'"},
        {"{\"packet\": {\"latent\": 0}}", "'packet.latent' = 0 is outside"},
        {"{\"packet\": {\"latent\": 2.5}}", "'packet.latent' must be an integer"},
        {"{\"validation_fraction\": \"x\"}", "must be a number"},
        {"{\"seed\": -1}", "must not be negative"},
        {"{\"packet\": {\"k_min\": 9, \"k_max\": 3}}", "k_min (9) is larger than packet.k_max (3)"},
        {"{\"apps\": [\"htp\"]}", "'apps'[0] is not a known application class"},
        {"[1, 2]", "must be a JSON object"},
        {"{\"packet\": {\"lat\\nt\": 6}}", "unknown setting 'packet.lat?t'"},
        {"{\"packet\": {\"\\u001b[31mred\\u007f\": 6}}", "unknown setting 'packet.?[31mred?'"},
        {"{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": 1}",
         "unknown setting 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'"},
    };
    /* The whole message, for the cases the documentation quotes. */
    static const struct {
        const char *text, *msg;
    } exact[] = {
        {"{\"packet\": 5}", "test.json: 'packet' must be a JSON object"},
        {"{\"aggregate\": null}", "test.json: 'aggregate' must be a JSON object"},
        {"{\"packet\": {\"epochs\": 0}}", "test.json: 'packet.epochs' = 0 is outside [1, 100000]"},
        {"{\"flow\": {\"epochs\": 0}}", "test.json: 'flow.epochs' = 0 is outside [1, 100000]"},
        {"{\"packet\": {\"gmm_max_points\": 1}}",
         "test.json: packet.gmm_max_points (1) must be 0 (all points) or at least 100"},
        {"{\"packet\": {\"gmm_max_points\": 100000001}}",
         "test.json: 'packet.gmm_max_points' = 100000001 is outside [0, 100000000]"},
        {"{\"seed\": -1}", "test.json: 'seed' must not be negative"},
        {"{\"packet\": {\"latent\": 100}}", "test.json: 'packet.latent' = 100 is outside [1, 64]"},
    };
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++) {
        ng_train_config cfg;
        ng_error err;
        ng_train_config_default(&cfg);
        assert_int_equal(apply_text(&cfg, exact[i].text, &err), NG_EINVAL);
        assert_string_equal(err.msg, exact[i].msg);
    }
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ng_train_config cfg;
        ng_error err;
        ng_train_config_default(&cfg);
        assert_int_equal(apply_text(&cfg, cases[i].text, &err), NG_EINVAL);
        if (!strstr(err.msg, cases[i].expect))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].expect);
        assert_non_null(strstr(err.msg, "test.json"));
        assert_printable_line(err.msg);
    }
}

/* seed and max_packets take 0..2^63-1 (what the recorded JSON integer holds), exactly. */
static void test_largest_seed_round_trips(void **state)
{
    (void)state;
    ng_train_config cfg, again;
    ng_error err;
    ng_train_config_default(&cfg);
    assert_int_equal(apply_text(&cfg, "{\"seed\": 9223372036854775807, "
                                      "\"max_packets\": 9223372036854775807}", &err), NG_OK);
    assert_true(cfg.seed == NG_TRAIN_CONFIG_U64_MAX);
    assert_true(cfg.max_packets == (uint64_t)INT64_MAX);
    json_t *json = ng_train_config_to_json(&cfg);
    assert_true(json_integer_value(json_object_get(json, "seed")) == INT64_MAX);
    ng_train_config_default(&again);
    assert_int_equal(ng_train_config_apply_json(&again, json, "round-trip", &err), NG_OK);
    assert_true(again.seed == cfg.seed && again.max_packets == cfg.max_packets);
    json_decref(json);

    cfg.seed = NG_TRAIN_CONFIG_U64_MAX + 1;
    assert_int_equal(ng_train_config_check(&cfg, &err), NG_EINVAL);
    assert_string_equal(err.msg,
                        "setting 'seed' = 9223372036854775808 is outside [0, 9223372036854775807]");
    cfg.seed = 1;
    cfg.max_packets = UINT64_MAX;
    assert_int_equal(ng_train_config_check(&cfg, &err), NG_EINVAL);
    assert_string_equal(err.msg, "setting 'max_packets' = 18446744073709551615 is outside "
                                 "[0, 9223372036854775807]");
}

/* 0 = every training point; the default and anything from 100 on are taken too. */
static void test_gmm_max_points_zero_means_all(void **state)
{
    (void)state;
    ng_train_config cfg;
    ng_error err;
    ng_train_config_default(&cfg);
    assert_int_equal(apply_text(&cfg, "{\"packet\": {\"gmm_max_points\": 0}}", &err), NG_OK);
    assert_int_equal(cfg.packet.gmm_max_points, 0);
    assert_int_equal(apply_text(&cfg, "{\"packet\": {\"gmm_max_points\": 100}}", &err), NG_OK);
    assert_int_equal(cfg.packet.gmm_max_points, 100);
}

/* The ranges command-line flags are checked against before they are applied. */
static void test_integer_ranges(void **state)
{
    (void)state;
    uint64_t min, max;
    assert_true(ng_train_config_int_range("seed", &min, &max));
    assert_true(min == 0 && max == (uint64_t)INT64_MAX);
    assert_true(ng_train_config_int_range("max_packets", &min, &max));
    assert_true(min == 0 && max == (uint64_t)INT64_MAX);
    assert_true(ng_train_config_int_range("packet.latent", &min, &max));
    assert_true(min == 1 && max == 64);
    assert_true(ng_train_config_int_range("packet.epochs", &min, &max));
    assert_true(min == 1 && max == 100000);
    assert_true(ng_train_config_int_range("flow.epochs", &min, &max));
    assert_true(min == 1 && max == 100000);
    assert_false(ng_train_config_int_range("packet.beta", &min, &max));     /* a number */
    assert_false(ng_train_config_int_range("latent", &min, &max));          /* no section */
    assert_false(ng_train_config_int_range("packet.bogus", &min, &max));
    assert_false(ng_train_config_int_range("averyveryverylongsection.latent", &min, &max));
}

static void test_unparsable_file(void **state)
{
    (void)state;
    const char *path = ng_test_tmp("bad.json");
    ng_test_write_file(path, "{\"seed\": ", 9);
    ng_train_config cfg;
    ng_error err;
    ng_train_config_default(&cfg);
    assert_int_equal(ng_train_config_load_file(&cfg, path, &err), NG_EFORMAT);
    assert_non_null(strstr(err.msg, "bad.json"));
    assert_non_null(strstr(err.msg, "line 1"));
    assert_int_equal(ng_train_config_load_file(&cfg, "/nonexistent.json", &err), NG_EIO);
    assert_string_equal(err.msg,
                        "cannot open config file '/nonexistent.json': No such file or directory");
    char expect[4200];
    snprintf(expect, sizeof expect, "cannot open config file '%s': Is a directory",
             ng_test_tmpdir());
    assert_int_equal(ng_train_config_load_file(&cfg, ng_test_tmpdir(), &err), NG_EIO);
    assert_string_equal(err.msg, expect);
    ng_test_cleanup_tmpdir();
}

/* jansson quotes the text near a syntax error: an escape sequence there must not reach
 * the terminal (fuzz/regressions/train_config/escape-near-syntax-error.json). */
static void test_syntax_error_near_control_bytes(void **state)
{
    (void)state;
    const char *path = ng_test_tmp("esc.json");
    static const char text[] = "{\"a\": \033[31mred\n}\n";
    ng_test_write_file(path, text, sizeof text - 1);
    ng_train_config cfg;
    ng_error err;
    ng_train_config_default(&cfg);
    assert_int_equal(ng_train_config_load_file(&cfg, path, &err), NG_EFORMAT);
    assert_non_null(strstr(err.msg, "esc.json: line 1"));
    assert_non_null(strstr(err.msg, "'?'"));
    assert_printable_line(err.msg);
    ng_test_cleanup_tmpdir();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_are_valid),
        cmocka_unit_test(test_overrides_and_round_trip),
        cmocka_unit_test(test_bad_configs_are_refused),
        cmocka_unit_test(test_largest_seed_round_trips),
        cmocka_unit_test(test_gmm_max_points_zero_means_all),
        cmocka_unit_test(test_integer_ranges),
        cmocka_unit_test(test_unparsable_file),
        cmocka_unit_test(test_syntax_error_near_control_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
