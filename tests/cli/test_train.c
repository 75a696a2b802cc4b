/* test_train.c — `necstgen train` and `necstgen inspect` end to end: usage errors,
 * bad configs, a trained model that inspect can read, byte-identical reruns, a recorded
 * config that trains the same model again, an output checked before the training,
 * -q without progress output, and failures that leave a previous model untouched. */
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

/* stderr is exactly `line` and a newline: one-line errors that are not usage errors. */
static void assert_stderr_is(const char *line)
{
    char *text = read_text("stderr");
    size_t n = strlen(line);
    if (strncmp(text, line, n) || strcmp(text + n, "\n"))
        fail_msg("stderr is not '%s':\n%s", line, text);
    free(text);
}

/* A usage error: `line`, then the usage text and nothing else. */
static void assert_usage_error(const char *line)
{
    char *text = read_text("stderr");
    size_t n = strlen(line);
    if (strncmp(text, line, n) || strncmp(text + n, "\nusage: necstgen train ", 23))
        fail_msg("stderr is not '%s' and the usage:\n%s", line, text);
    free(text);
}

/* Run `train tiny.pcap -o m.ngm ARGS`; exit status. */
static int run_train(const char *extra)
{
    char args[16384];
    snprintf(args, sizeof args, "train %s -o %s %s", ng_test_data("tiny.pcap"),
             ng_test_tmp("m.ngm"), extra);
    return run(args);
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
    assert_usage_error("necstgen train: unknown application class 'htp' (see docs/FLOWS.md)");
    assert_int_equal(run("inspect"), 2);
}

/* Flag values out of range are usage errors naming the flag and its real range. */
static void test_flag_ranges(void **state)
{
    static const struct {
        const char *args, *line;
    } cases[] = {
        {"--latent 0", "necstgen train: --latent must be 1..64, got '0'"},
        {"--latent=65", "necstgen train: --latent must be 1..64, got '65'"},
        {"--epochs 0", "necstgen train: --epochs must be 1..100000, got '0'"},
        {"--epochs 100001", "necstgen train: --epochs must be 1..100000, got '100001'"},
        {"--seed 9223372036854775808",
         "necstgen train: --seed must be 0..9223372036854775807, got '9223372036854775808'"},
        {"--seed 18446744073709551615",
         "necstgen train: --seed must be 0..9223372036854775807, got '18446744073709551615'"},
        {"--seed 99999999999999999999",
         "necstgen train: --seed must be 0..9223372036854775807, got '99999999999999999999'"},
        {"--max-packets 18446744073709551615", "necstgen train: --max-packets must be "
                                               "0..9223372036854775807, got '18446744073709551615'"},
        {"--seed -1", "necstgen train: --seed needs a non-negative integer, got '-1'"},
        {"--seed ''", "necstgen train: --seed needs a non-negative integer, got ''"},
        {"--app ''", "necstgen train: --app needs at least one class name, e.g. http,dns, got ''"},
        {"--app ,", "necstgen train: --app needs at least one class name, e.g. http,dns, got ','"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(run_train(cases[i].args), 2);
        assert_usage_error(cases[i].line);
    }
    assert_int_equal(access(ng_test_tmp("m.ngm"), F_OK), -1);
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

/* Config file problems: exit 1, one line naming the file and what is wrong. */
static void test_config_file_messages(void **state)
{
    static const struct {
        const char *text, *problem;
    } cases[] = {
        {"{\"packet\": 5}", "'packet' must be a JSON object"},
        {"{\"flow\": [1]}", "'flow' must be a JSON object"},
        {"{\"flow\": {\"epochs\": 0}}", "'flow.epochs' = 0 is outside [1, 100000]"},
        {"{\"packet\": {\"gmm_max_points\": 99}}",
         "packet.gmm_max_points (99) must be 0 (all points) or at least 100"},
        {"{\"seed\": 18446744073709551615}",
         "line 1, column 29: too big integer near '18446744073709551615' (integers are at "
         "most 9223372036854775807)"},
    };
    char cfg[4096], line[8192], extra[8192];
    snprintf(cfg, sizeof cfg, "%s", ng_test_tmp("cfg.json"));
    snprintf(extra, sizeof extra, "--config %s", cfg);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ng_test_write_file(cfg, cases[i].text, strlen(cases[i].text));
        assert_int_equal(run_train(extra), 1);
        snprintf(line, sizeof line, "necstgen: error: %s: %s", cfg, cases[i].problem);
        assert_stderr_is(line);
    }
    assert_int_equal(run_train("--config /nonexistent.json"), 1);
    assert_stderr_is("necstgen: error: cannot open config file '/nonexistent.json': "
                     "No such file or directory");
    snprintf(extra, sizeof extra, "--config %s", ng_test_tmpdir());
    assert_int_equal(run_train(extra), 1);
    snprintf(line, sizeof line, "necstgen: error: cannot open config file '%s': Is a directory",
             ng_test_tmpdir());
    assert_stderr_is(line);
    assert_int_equal(access(ng_test_tmp("m.ngm"), F_OK), -1);
}

/* The largest seed and max_packets are recorded as they were given, and the config
 * section of `inspect --json` trains the same model again, byte for byte. */
static void test_recorded_config_trains_the_same_model(void **state)
{
    char args[16384], model[4096], again[4096], cfg[4096];
    snprintf(model, sizeof model, "%s", ng_test_tmp("big.ngm"));
    snprintf(again, sizeof again, "%s", ng_test_tmp("again.ngm"));
    snprintf(cfg, sizeof cfg, "%s", ng_test_tmp("recorded.json"));
    snprintf(args, sizeof args, "train %s -o %s --epochs 1 --seed 9223372036854775807 "
             "--max-packets 9223372036854775807", ng_test_data("tiny.pcap"), model);
    assert_int_equal(run(args), 0);
    snprintf(args, sizeof args, "inspect %s", model);
    assert_int_equal(run(args), 0);
    char *text = read_text("stdout");
    assert_non_null(strstr(text, "seed 9223372036854775807)"));
    free(text);

    snprintf(args, sizeof args, "inspect --json %s", model);
    assert_int_equal(run(args), 0);
    json_error_t jerr;
    json_t *j = json_load_file(ng_test_tmp("stdout"), 0, &jerr);
    assert_non_null(j);
    json_t *config = json_object_get(j, "config");
    assert_true(json_integer_value(json_object_get(config, "seed")) == INT64_MAX);
    assert_true(json_integer_value(json_object_get(config, "max_packets")) == INT64_MAX);
    assert_true(json_integer_value(json_object_get(json_object_get(j, "provenance"), "seed")) ==
                INT64_MAX);
    assert_int_equal(json_dump_file(config, cfg, 0), 0);
    json_decref(j);

    snprintf(args, sizeof args, "train %s -o %s --config %s", ng_test_data("tiny.pcap"), again,
             cfg);
    assert_int_equal(run(args), 0);
    assert_int_equal(ng_test_run("cmp -s '%s' '%s'", model, again), 0);
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
    assert_stderr_is("necstgen: error: /nonexistent-dir/m.ngm: cannot create output file: "
                     "No such file or directory");

    snprintf(args, sizeof args, "inspect %s", junk);
    assert_int_equal(run(args), 1);
    assert_stderr_has("junk.pcap");
}

/* -o is checked before any input is read: with a missing input and an impossible
 * output, the output is what is reported. A usable folder is left as it was. */
static void test_output_checked_before_training(void **state)
{
    assert_int_equal(run("train /nonexistent.pcap -o /nonexistent-dir/m.ngm"), 1);
    assert_stderr_is("necstgen: error: /nonexistent-dir/m.ngm: cannot create output file: "
                     "No such file or directory");
    assert_int_equal(run("train /nonexistent.pcap -o /proc/m.ngm"), 1);
    assert_stderr_has("necstgen: error: /proc/m.ngm: cannot create output file: ");

    char args[16384];
    const char *dir = ng_test_tmp("out");
    assert_int_equal(ng_test_run("mkdir '%s'", dir), 0);
    snprintf(args, sizeof args, "train /nonexistent.pcap -o %s/m.ngm", dir);
    assert_int_equal(run(args), 1);
    assert_stderr_is("necstgen: error: /nonexistent.pcap: cannot open: No such file or directory");
    assert_int_equal(ng_test_run("test -z \"$(ls -A '%s')\"", dir), 0); /* no temporary left */
}

/* -q hides the progress bar too, on a terminal (`script` gives the run one). */
static void test_quiet_hides_progress(void **state)
{
    if (ng_test_run("command -v script >/dev/null") != 0) {
        skip();
        return;
    }
    const char *tty_log = ng_test_tmp("tty.txt");
    char cmd[16384];
    snprintf(cmd, sizeof cmd, "train %s -o %s --epochs 1", ng_test_data("tiny.pcap"),
             ng_test_tmp("m.ngm"));
    /* Without -q (control): the bar of the capture reading shows. */
    assert_int_equal(ng_test_run("NG_PROGRESS=1 script -qec \"'%s' %s\" /dev/null >'%s'", bin,
                                 cmd, tty_log), 0);
    size_t len;
    char *text = (char *)ng_test_read_file(tty_log, &len);
    text = realloc(text, len + 1);
    text[len] = '\0';
    assert_non_null(strstr(text, "extract ["));
    free(text);
    assert_int_equal(ng_test_run("NG_PROGRESS=1 script -qec \"'%s' -q %s\" /dev/null >'%s'",
                                 bin, cmd, tty_log), 0);
    text = (char *)ng_test_read_file(tty_log, &len);
    if (len)
        fail_msg("-q printed %zu bytes on a terminal: %.*s", len, (int)len, text);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_flag_ranges),
        cmocka_unit_test(test_bad_config_file),
        cmocka_unit_test(test_config_file_messages),
        cmocka_unit_test(test_recorded_config_trains_the_same_model),
        cmocka_unit_test(test_train_inspect_and_rerun),
        cmocka_unit_test(test_failures_keep_the_previous_model),
        cmocka_unit_test(test_output_checked_before_training),
        cmocka_unit_test(test_quiet_hides_progress),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
