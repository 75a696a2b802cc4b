/* test_train.c — `necstgen train` and `necstgen inspect` end to end: usage errors,
 * bad configs, a trained model that inspect can read, byte-identical reruns, and
 * failures that leave a previous model untouched. */
#include "test_util.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *bin;

static int setup(void **state)
{
    bin = ng_test_binary();
    return access(bin, X_OK) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    ng_test_cleanup_tmpdir();
    return 0;
}

/* Run necstgen with args, stderr and stdout into files in the tmpdir; exit status. */
static int run(const char *args)
{
    return ng_test_run("%s -q %s >'%s' 2>'%s'", bin, args, ng_test_tmp("stdout"),
                       ng_test_tmp("stderr"));
}

static char *read_text(const char *name)
{
    size_t len;
    uint8_t *data = ng_test_read_file(ng_test_tmp(name), &len);
    char *text = realloc(data, len + 1);
    text[len] = '\0';
    return text;
}

static void assert_stderr_has(const char *needle)
{
    char *text = read_text("stderr");
    if (!strstr(text, needle))
        fail_msg("stderr lacks '%s':\n%s", needle, text);
    free(text);
}

static void test_usage_errors(void **state)
{
    assert_int_equal(run("train"), 2);
    assert_stderr_has("no input capture given");
    assert_int_equal(run("train x.pcap"), 2);
    assert_stderr_has("no output model given");
    assert_int_equal(run("train x.pcap -o m.ngm --epochs lots"), 2);
    assert_stderr_has("--epochs needs a non-negative integer");
    assert_int_equal(run("train x.pcap -o m.ngm --bogus"), 2);
    assert_stderr_has("unknown option '--bogus'");
    char args[16384];
    snprintf(args, sizeof args, "train %s -o %s --app htp", ng_test_data("tiny.pcap"),
             ng_test_tmp("m.ngm"));
    assert_int_equal(run(args), 2);
    assert_stderr_has("unknown application class 'htp'");
    assert_int_equal(run("inspect"), 2);
}

static void test_bad_config_file(void **state)
{
    char cfg[4096];
    snprintf(cfg, sizeof cfg, "%s", ng_test_tmp("cfg.json"));
    ng_test_write_file(cfg, "{\"packet\": {\"latnet\": 3}}", 25);
    char args[16384];
    snprintf(args, sizeof args, "train %s -o %s --config %s", ng_test_data("tiny.pcap"),
             ng_test_tmp("m.ngm"), cfg);
    assert_int_equal(run(args), 1);
    assert_stderr_has("cfg.json: unknown setting 'packet.latnet'");
    assert_int_equal(access(ng_test_tmp("m.ngm"), F_OK), -1);
}

static void test_train_inspect_and_rerun(void **state)
{
    char args[16384], model[4096], again[4096];
    snprintf(model, sizeof model, "%s", ng_test_tmp("m.ngm")); /* ng_test_tmp reuses buffers */
    snprintf(again, sizeof again, "%s", ng_test_tmp("again.ngm"));
    snprintf(args, sizeof args, "train %s -o %s --epochs 3 --seed 9", ng_test_data("tiny.pcap"),
             model);
    assert_int_equal(run(args), 0);
    snprintf(args, sizeof args, "train %s -o %s --epochs 3 --seed 9", ng_test_data("tiny.pcap"),
             again);
    assert_int_equal(run(args), 0);
    assert_int_equal(ng_test_run("cmp -s '%s' '%s'", model, again), 0);

    snprintf(args, sizeof args, "inspect %s", model);
    assert_int_equal(run(args), 0);
    char *out = read_text("stdout");
    assert_non_null(strstr(out, "tiny.pcap"));
    assert_non_null(strstr(out, "trained on 30 packets"));
    assert_non_null(strstr(out, "packet level:"));
    assert_non_null(strstr(out, "aggregate level:"));
    free(out);

    snprintf(args, sizeof args, "inspect %s --json", model);
    assert_int_equal(run(args), 0);
    json_error_t jerr;
    json_t *j = json_load_file(ng_test_tmp("stdout"), 0, &jerr);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "config"), "seed")), 9);
    json_decref(j);
}

static void test_failures_keep_the_previous_model(void **state)
{
    char model[4096], junk[4096];
    snprintf(model, sizeof model, "%s", ng_test_tmp("keep.ngm"));
    ng_test_write_file(model, "previous", 8);
    snprintf(junk, sizeof junk, "%s", ng_test_tmp("junk.pcap"));
    ng_test_write_file(junk, "this is not a capture at all", 28);
    char args[16384];
    snprintf(args, sizeof args, "train %s -o %s", junk, model);
    assert_int_equal(run(args), 1);
    assert_stderr_has("junk.pcap");
    size_t len;
    uint8_t *data = ng_test_read_file(model, &len);
    assert_int_equal(len, 8);
    assert_memory_equal(data, "previous", 8);
    free(data);

    snprintf(args, sizeof args, "train %s -o /nonexistent-dir/m.ngm --epochs 1",
             ng_test_data("tiny.pcap"));
    assert_int_equal(run(args), 1);
    assert_stderr_has("/nonexistent-dir/m.ngm");

    snprintf(args, sizeof args, "inspect %s", junk);
    assert_int_equal(run(args), 1);
    assert_stderr_has("junk.pcap");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_bad_config_file),
        cmocka_unit_test(test_train_inspect_and_rerun),
        cmocka_unit_test(test_failures_keep_the_previous_model),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
