/* test_output_safety.c — outputs of every subcommand appear whole or not at all.
 *
 * For `extract`, `compare`, `train` and `generate`: a full device (/dev/full, directly
 * or behind a symlink where an output file goes), a folder that cannot be written and a
 * path through a regular file each end with exit status 1 and one clear line on stderr
 * (with the reason where the system gives one, e.g. "No space left on device"), and
 * leave no temporary behind; SIGINT in the middle of a long extract kills the run,
 * removes the temporaries and leaves the previous packets.csv/flows.csv byte for byte as
 * they were; the same for a model during `train` and a capture during `generate`. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"

static const char *necstgen(void)
{
    return ng_test_binary();
}

static const char *tiny(void)
{
    return ng_test_data("tiny.pcap");
}

/* Files in dir whose name contains ".tmp." (the outfile temporaries). */
static int count_temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return n;
}

/* The log holds exactly one non-empty line mentioning `what` (and no sanitizer noise). */
static void assert_one_clear_line(const char *log, const char *what)
{
    size_t len;
    uint8_t *text = ng_test_read_file(log, &len);
    char *s = realloc(text, len + 1);
    assert_non_null(s);
    s[len] = '\0';
    int lines = 0;
    for (char *p = s; *p; p++)
        lines += *p == '\n';
    if (lines != 1 || !strstr(s, what))
        fail_msg("expected one line mentioning \"%s\", got:\n%s", what, s);
    free(s);
}

/* The last line of the log starts with the command's prefix and mentions `what`
 * (compare prints its table on stderr when the JSON goes to standard output). */
static void assert_last_line(const char *log, const char *prefix, const char *what)
{
    size_t len;
    uint8_t *text = ng_test_read_file(log, &len);
    char *s = realloc(text, len + 1);
    assert_non_null(s);
    s[len] = '\0';
    while (len > 0 && s[len - 1] == '\n')
        s[--len] = '\0';
    char *last = strrchr(s, '\n');
    last = last ? last + 1 : s;
    bool ok = !strncmp(last, prefix, strlen(prefix)) && strstr(last, what);
    if (!ok)
        fail_msg("last line \"%s\" lacks \"%s\" ... \"%s\"", last, prefix, what);
    free(s);
}

static void expect_failure(const char *cmd_args, const char *what)
{
    const char *log = ng_test_tmp("stderr.txt");
    int rc = ng_test_run("'%s' -q %s 2>'%s' >/dev/null", necstgen(), cmd_args, log);
    assert_int_equal(rc, 1);
    assert_one_clear_line(log, what);
}

/* As expect_failure, and the line also gives the reason, e.g. strerror(ENOSPC). */
static void expect_failure_because(const char *cmd_args, const char *what, const char *why)
{
    expect_failure(cmd_args, what);
    assert_one_clear_line(ng_test_tmp("stderr.txt"), why);
}

static const char *no_space(void)
{
    return strerror(ENOSPC);
}

/* ---- extract ---- */

static void extract_into_unusable_folders(void **state)
{
    char args[8192];
    snprintf(args, sizeof args, "extract '%s' -o /dev/full", tiny());
    expect_failure(args, "/dev/full");

    const char *file = ng_test_tmp("plain");
    ng_test_write_file(file, "x", 1);
    snprintf(args, sizeof args, "extract '%s' -o '%s/sub'", tiny(), file);
    expect_failure(args, "plain");

    /* A folder nobody may write: /proc/self as root (permissions do not stop root),
     * else a mode 0555 folder. */
    const char *ro = "/proc/self";
    if (geteuid() != 0) {
        ro = ng_test_tmp("readonly");
        assert_int_equal(mkdir(ro, 0555), 0);
    }
    snprintf(args, sizeof args, "extract '%s' -o '%s'", tiny(), ro);
    expect_failure(args, "packets.csv");
}

static void extract_onto_a_full_device(void **state)
{
    const char *dir = ng_test_tmp("full");
    assert_int_equal(mkdir(dir, 0755), 0);
    char link[4096], args[8192];
    snprintf(link, sizeof link, "%s/packets.csv", dir);
    assert_int_equal(symlink("/dev/full", link), 0);
    snprintf(args, sizeof args, "extract '%s' -o '%s'", tiny(), dir);
    expect_failure(args, "packets.csv");
    assert_int_equal(count_temporaries(dir), 0);
    char flows[4096];
    snprintf(flows, sizeof flows, "%s/flows.csv", dir);
    assert_int_not_equal(access(flows, F_OK), 0); /* nothing half-done beside it */
}

/* ---- compare ---- */

static void compare_onto_a_full_device(void **state)
{
    char args[8192];
    snprintf(args, sizeof args, "compare '%s' '%s' --json /dev/full", tiny(), tiny());
    expect_failure_because(args, "/dev/full: writing JSON failed", no_space());
    snprintf(args, sizeof args, "compare '%s' '%s' --html /dev/full", tiny(), tiny());
    expect_failure_because(args, "/dev/full", no_space());
    /* Standard output on a full device: called so, not "-", and the reason given. */
    const char *log = ng_test_tmp("stdout-full.txt");
    int rc = ng_test_run("'%s' -q compare '%s' '%s' --json - >/dev/full 2>'%s'", necstgen(),
                         tiny(), tiny(), log);
    assert_int_equal(rc, 1);
    char why[256];
    snprintf(why, sizeof why, "standard output: writing JSON failed: %s", no_space());
    assert_last_line(log, "necstgen compare: ", why);
}

static void compare_into_unusable_folders(void **state)
{
    const char *file = ng_test_tmp("plain2");
    ng_test_write_file(file, "x", 1);
    char args[8192];
    snprintf(args, sizeof args, "compare '%s' '%s' --html '%s/report.html'", tiny(), tiny(),
             file);
    expect_failure(args, "report.html");
    snprintf(args, sizeof args, "compare '%s' '%s' --json /proc/self/metrics.json", tiny(),
             tiny());
    if (geteuid() == 0)
        expect_failure(args, "metrics.json");
}

static void compare_keeps_previous_report_on_failure(void **state)
{
    const char *json = ng_test_tmp("metrics.json");
    ng_test_write_file(json, "previous\n", 9);
    const char *bad = ng_test_tmp("bad.pcap");
    ng_test_write_file(bad, "not a capture", 13);
    char args[8192];
    snprintf(args, sizeof args, "compare '%s' '%s' --json '%s'", tiny(), bad, json);
    expect_failure(args, "bad.pcap");
    size_t len;
    uint8_t *kept = ng_test_read_file(json, &len);
    assert_int_equal(len, 9);
    assert_memory_equal(kept, "previous\n", 9);
    free(kept);
    assert_int_equal(count_temporaries(ng_test_tmpdir()), 0);
}

/* ---- SIGINT in the middle of a long extract ---- */

/* Start `necstgen -q ARGS...` (NULL-terminated) with stderr to /dev/null. */
static pid_t spawn(const char *const *args)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        const char *argv[80];
        int k = 0;
        argv[k++] = necstgen();
        argv[k++] = "-q";
        for (int i = 0; args[i] && k < 79; i++)
            argv[k++] = args[i];
        argv[k] = NULL;
        if (!freopen("/dev/null", "w", stderr) || !freopen("/dev/null", "w", stdout))
            _exit(127);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* Wait (up to 20 s) until a temporary shows up in dir when `wait_for_tmp`, else 300 ms;
 * then SIGINT. The process must die by the signal and leave no temporary. */
static void interrupt_once_writing(pid_t pid, const char *dir, bool wait_for_tmp)
{
    if (wait_for_tmp) {
        int waited = 0;
        while (count_temporaries(dir) == 0 && waited < 20000) {
            sleep_ms(2);
            waited += 2;
        }
        assert_true(count_temporaries(dir) > 0);
        sleep_ms(20); /* let some bytes reach the temporary */
    } else {
        sleep_ms(300);
    }
    assert_int_equal(kill(pid, SIGINT), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
    assert_int_equal(count_temporaries(dir), 0);
}

static void assert_file_is(const char *path, const char *content)
{
    size_t len;
    uint8_t *kept = ng_test_read_file(path, &len);
    assert_int_equal(len, strlen(content));
    assert_memory_equal(kept, content, len);
    free(kept);
}

static void sigint_mid_extract_keeps_previous_output(void **state)
{
    char demo[4096];
    snprintf(demo, sizeof demo, "%s/data/demo.pcap", NG_SOURCE_DIR);
    const char *inputs[48];
    for (int i = 0; i < 48; i++)
        inputs[i] = demo; /* the same capture 48 times (480,000 packets): seconds of work */
    const char *dir = ng_test_tmp("interrupted");
    assert_int_equal(mkdir(dir, 0755), 0);
    char packets[4096], flows[4096];
    snprintf(packets, sizeof packets, "%s/packets.csv", dir);
    snprintf(flows, sizeof flows, "%s/flows.csv", dir);
    ng_test_write_file(packets, "old packets\n", 12);
    ng_test_write_file(flows, "old flows\n", 10);

    const char *args[64];
    int k = 0;
    args[k++] = "extract";
    for (int i = 0; i < 48; i++)
        args[k++] = inputs[i];
    args[k++] = "-o";
    args[k++] = dir;
    args[k] = NULL;
    interrupt_once_writing(spawn(args), dir, true);
    assert_file_is(packets, "old packets\n");
    assert_file_is(flows, "old flows\n");
}

/* ---- train and generate ---- */

static void train_onto_unusable_outputs(void **state)
{
    char args[8192];
    snprintf(args, sizeof args, "train '%s' --epochs 1 -o /dev/full", tiny());
    expect_failure_because(args, "/dev/full: write failed", no_space());
    snprintf(args, sizeof args, "train '%s' --epochs 1 -o /proc/self/model.ngm", tiny());
    expect_failure(args, "model.ngm");
    const char *file = ng_test_tmp("plain3");
    ng_test_write_file(file, "x", 1);
    snprintf(args, sizeof args, "train '%s' --epochs 1 -o '%s/model.ngm'", tiny(), file);
    expect_failure(args, "model.ngm");
}

static void generate_onto_unusable_outputs(void **state)
{
    expect_failure("generate --packets 200 -o /dev/full", "/dev/full");
    expect_failure("generate --packets 200 --format pcapng -o /dev/full", "/dev/full");
    expect_failure("generate --packets 200 --format csv -o /dev/full", "/dev/full");
    expect_failure("generate --packets 200 -o /proc/self/synth.pcap", "synth.pcap");
    const char *log = ng_test_tmp("gen-stdout.txt");
    int rc = ng_test_run("'%s' -q generate --packets 200 -o - >/dev/full 2>'%s'", necstgen(),
                         log);
    assert_int_equal(rc, 1);
    assert_one_clear_line(log, "standard output");
}

static void sigint_mid_train_keeps_previous_model(void **state)
{
    char demo[4096];
    snprintf(demo, sizeof demo, "%s/data/demo.pcap", NG_SOURCE_DIR);
    const char *dir = ng_test_tmp("train-int");
    assert_int_equal(mkdir(dir, 0755), 0);
    char model[4096];
    snprintf(model, sizeof model, "%s/model.ngm", dir);
    ng_test_write_file(model, "old model\n", 10);
    const char *args[] = { "train", demo, "-o", model, NULL };
    interrupt_once_writing(spawn(args), dir, false);
    assert_file_is(model, "old model\n");
}

static void sigint_mid_generate_keeps_previous_capture(void **state)
{
    const char *dir = ng_test_tmp("gen-int");
    assert_int_equal(mkdir(dir, 0755), 0);
    char out[4096];
    snprintf(out, sizeof out, "%s/synth.pcap", dir);
    ng_test_write_file(out, "old capture\n", 12);
    const char *args[] = { "generate", "--packets", "50000000", "-o", out, NULL };
    interrupt_once_writing(spawn(args), dir, true);
    assert_file_is(out, "old capture\n");
}

static int setup(void **state)
{
    if (access(necstgen(), X_OK) != 0) {
        fprintf(stderr, "necstgen binary not found at %s\n", necstgen());
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    ng_test_cleanup_tmpdir();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(extract_into_unusable_folders),
        cmocka_unit_test(extract_onto_a_full_device),
        cmocka_unit_test(compare_onto_a_full_device),
        cmocka_unit_test(compare_into_unusable_folders),
        cmocka_unit_test(compare_keeps_previous_report_on_failure),
        cmocka_unit_test(sigint_mid_extract_keeps_previous_output),
        cmocka_unit_test(train_onto_unusable_outputs),
        cmocka_unit_test(generate_onto_unusable_outputs),
        cmocka_unit_test(sigint_mid_train_keeps_previous_model),
        cmocka_unit_test(sigint_mid_generate_keeps_previous_capture),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
