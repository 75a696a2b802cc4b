/* test_extract.c — `necstgen extract` end to end: exit codes, row counts, the summary,
 * and bad input (not a capture, empty file, unwritable output) leaving no CSV behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

#include "capture/reader.h"

static const char *necstgen(void)
{
    return ng_test_binary();
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

static const char *demo_capture(void)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/data/demo.pcap", NG_SOURCE_DIR);
    return path;
}

static size_t count_lines(const char *path)
{
    size_t len, lines = 0;
    uint8_t *data = ng_test_read_file(path, &len);
    for (size_t i = 0; i < len; i++)
        lines += data[i] == '\n';
    free(data);
    return lines;
}

static uint64_t count_packets(const char *path)
{
    ng_reader *r;
    ng_error err;
    assert_int_equal(ng_reader_open(&r, path, &err), NG_OK);
    ng_packet pkt;
    bool got;
    uint64_t n = 0;
    while (ng_reader_next(r, &pkt, NULL, &got, &err) == NG_OK && got)
        n++;
    ng_reader_close(r);
    return n;
}

static char *read_text(const char *path)
{
    size_t len;
    uint8_t *data = ng_test_read_file(path, &len);
    char *text = realloc(data, len + 1);
    text[len] = '\0';
    return text;
}

/* Sum of packets_c2s + packets_s2c over flows.csv (columns 12 and 13). */
static uint64_t flow_packet_total(const char *path)
{
    char *text = read_text(path);
    uint64_t total = 0;
    char *save = NULL;
    char *line = strtok_r(text, "\n", &save); /* header */
    while ((line = strtok_r(NULL, "\n", &save))) {
        int col = 1;
        for (char *p = line; *p; p++) {
            if (*p != ',')
                continue;
            col++;
            if (col == 12 || col == 13)
                total += strtoull(p + 1, NULL, 10);
        }
    }
    free(text);
    return total;
}

static void test_extract_demo(void **state)
{
    const char *out = ng_test_tmp("features/sub"); /* missing parents are created */
    const char *log = ng_test_tmp("log.txt");
    int rc = ng_test_run("'%s' extract '%s' -o '%s' 2>'%s'", necstgen(), demo_capture(), out,
                         log);
    assert_int_equal(rc, 0);
    char path[4096];
    uint64_t packets = count_packets(demo_capture());
    snprintf(path, sizeof path, "%s/packets.csv", out);
    assert_int_equal(count_lines(path), packets + 1);
    snprintf(path, sizeof path, "%s/flows.csv", out);
    assert_int_equal(flow_packet_total(path), packets);
    assert_int_equal(count_lines(path), 719 + 1); /* the demo is the DARPA99 HTTP file */
    char *summary = read_text(log);
    assert_non_null(strstr(summary, "10000 packets"));
    assert_non_null(strstr(summary, "http 719"));
    assert_non_null(strstr(summary, "out-of-order"));
    free(summary);
}

static void test_two_inputs_merged(void **state)
{
    /* The HTTP and SMTP files of the same Monday overlap in time: merged, they give
     * the flows of both (no key is shared) and packets.csv stays in time order. */
    NG_REQUIRE_SHARED(smtp, "darpa99/week1-monday-smtp.pcap");
    const char *out = ng_test_tmp("merged");
    assert_int_equal(ng_test_run("'%s' -q extract '%s' '%s' -o '%s'", necstgen(),
                                 demo_capture(), smtp, out), 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/flows.csv", out);
    assert_int_equal(count_lines(path), 719 + 312 + 1);
    snprintf(path, sizeof path, "%s/packets.csv", out);
    assert_int_equal(count_lines(path), 20000 + 1);
    char *text = read_text(path);
    double prev = 0;
    char *save = NULL;
    char *line = strtok_r(text, "\n", &save);
    while ((line = strtok_r(NULL, "\n", &save))) {
        double ts = strtod(line, NULL);
        assert_true(ts >= prev);
        prev = ts;
    }
    free(text);
}

static void test_no_csv_and_max_packets(void **state)
{
    const char *out = ng_test_tmp("nocsv");
    const char *log = ng_test_tmp("log2.txt");
    assert_int_equal(ng_test_run("'%s' extract '%s' --no-csv --max-packets 500 2>'%s'",
                                 necstgen(), demo_capture(), log), 0);
    char *summary = read_text(log);
    assert_non_null(strstr(summary, "500 packets"));
    free(summary);
    assert_int_not_equal(access(out, F_OK), 0);

    assert_int_equal(ng_test_run("'%s' -q extract '%s' -o '%s' --max-packets=250 --timeout 30",
                                 necstgen(), demo_capture(), out), 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/packets.csv", out);
    assert_int_equal(count_lines(path), 251);
}

/* Runs extract on input into a fresh folder; expects failure status want_rc, one
 * error line naming needle, and no CSV files. */
static void expect_failure(const char *input, const char *outdir, int want_rc,
                           const char *needle)
{
    const char *log = ng_test_tmp("err.txt");
    int rc = ng_test_run("'%s' extract '%s' -o '%s' 2>'%s'", necstgen(), input, outdir, log);
    assert_int_equal(rc, want_rc);
    char *text = read_text(log);
    assert_non_null(strstr(text, needle));
    size_t lines = 0;
    for (char *p = text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1);
    free(text);
    char path[4096];
    snprintf(path, sizeof path, "%s/packets.csv", outdir);
    assert_int_not_equal(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/flows.csv", outdir);
    assert_int_not_equal(access(path, F_OK), 0);
}

static void test_not_a_capture(void **state)
{
    const char *bad = ng_test_tmp("notes.txt");
    const char text[] = "this is not a packet capture, just some words\n";
    ng_test_write_file(bad, text, sizeof text - 1);
    expect_failure(bad, ng_test_tmp("out_bad"), 1, "notes.txt");
}

static void test_empty_file(void **state)
{
    const char *empty = ng_test_tmp("empty.pcap");
    ng_test_write_file(empty, "", 0);
    expect_failure(empty, ng_test_tmp("out_empty"), 1, "empty.pcap");
}

static void test_missing_file(void **state)
{
    expect_failure(ng_test_tmp("nope.pcap"), ng_test_tmp("out_missing"), 1, "nope.pcap");
}

static void test_truncated_capture(void **state)
{
    /* The demo cut in the middle of a record: either the reader stops with an error
     * (no CSV left) or it reports what it could read; never a crash or half file. */
    size_t len;
    uint8_t *data = ng_test_read_file(demo_capture(), &len);
    const char *cut = ng_test_tmp("cut.pcap");
    ng_test_write_file(cut, data, 100000);
    free(data);
    const char *out = ng_test_tmp("out_cut");
    int rc = ng_test_run("'%s' -q extract '%s' -o '%s' 2>/dev/null", necstgen(), cut, out);
    assert_true(rc == 0 || rc == 1);
    char path[4096];
    snprintf(path, sizeof path, "%s/packets.csv", out);
    bool have_packets = access(path, F_OK) == 0;
    snprintf(path, sizeof path, "%s/flows.csv", out);
    assert_int_equal(access(path, F_OK) == 0, have_packets);
    assert_int_equal(have_packets, rc == 0);
}

static void test_unwritable_output(void **state)
{
    /* A folder below a regular file cannot be created, even by root. */
    const char *file = ng_test_tmp("plainfile");
    ng_test_write_file(file, "x", 1);
    char outdir[4096];
    snprintf(outdir, sizeof outdir, "%s/sub", file);
    expect_failure(demo_capture(), outdir, 1, "plainfile");
}

static void test_usage(void **state)
{
    assert_int_equal(ng_test_run("'%s' extract --help >/dev/null", necstgen()), 0);
    assert_int_equal(ng_test_run("'%s' extract --bogus x 2>/dev/null", necstgen()), 2);
    assert_int_equal(ng_test_run("'%s' extract 2>/dev/null", necstgen()), 2);
    assert_int_equal(ng_test_run("'%s' extract '%s' 2>/dev/null", necstgen(), demo_capture()),
                     2); /* no -o */
    assert_int_equal(ng_test_run("'%s' extract '%s' -o x --timeout -3 2>/dev/null",
                                 necstgen(), demo_capture()), 2);
    assert_int_equal(ng_test_run("'%s' extract '%s' -o x --max-packets abc 2>/dev/null",
                                 necstgen(), demo_capture()), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extract_demo),
        cmocka_unit_test(test_two_inputs_merged),
        cmocka_unit_test(test_no_csv_and_max_packets),
        cmocka_unit_test(test_not_a_capture),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_truncated_capture),
        cmocka_unit_test(test_unwritable_output),
        cmocka_unit_test(test_usage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
