/* test_generate.c — `necstgen generate` end to end on a small model trained in the test
 * (data/demo.pcap, first 3000 packets, few epochs): generated captures pass our own
 * validity checks (report/validity.h: every checksum, seq/ack in 100 % of segments,
 * every SYN-started TCP flow with a complete handshake) and, when tshark is installed,
 * tshark's (no malformed frame, no error-level expert item); byte-identical output for
 * the same seed in every format; the levels and --follow; and bad input — missing,
 * truncated, corrupted or foreign model, impossible options, unwritable output, a full
 * disk — giving one clear error, a non-zero exit and no output file. In small mode
 * (ng_test_small, for valgrind) the mixed-traffic model learns from fewer packets and
 * the captures hold fewer flows and packets; every check still runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"

#include "capture/reader.h"
#include "core/log.h"
#include "model/model.h"
#include "report/capture_summary.h"

static char model_path[4096];

static const char *necstgen(void)
{
    return ng_test_binary();
}

static int setup(void **state)
{
    (void)state;
    if (access(necstgen(), X_OK) != 0) {
        fprintf(stderr, "necstgen binary not found at %s\n", necstgen());
        return -1;
    }
    char demo[4096];
    snprintf(demo, sizeof demo, "%s/data/demo.pcap", NG_SOURCE_DIR);
    const char *paths[1] = {demo};
    ng_train_config cfg;
    ng_train_config_default(&cfg);
    cfg.max_packets = 3000; /* not fewer in small mode: from the first 1000 packets the
                             * model learns an unanswered SYN, a flow without handshake */
    cfg.packet.epochs = 2;
    cfg.packet.k_max = 6;
    cfg.flow.epochs = 2;
    cfg.flow.hidden = 24;
    ng_model *m;
    ng_error err;
    if (ng_model_train(paths, 1, &cfg, &m, &err) != NG_OK) {
        fprintf(stderr, "training the test model: %s\n", err.msg);
        return -1;
    }
    snprintf(model_path, sizeof model_path, "%s", ng_test_tmp("model.ngm"));
    ng_status st = ng_model_save(m, model_path, &err);
    ng_model_free(m);
    return st == NG_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ng_test_cleanup_tmpdir();
    return 0;
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static char *read_text(const char *path)
{
    size_t len;
    uint8_t *data = ng_test_read_file(path, &len);
    char *text = realloc(data, len + 1);
    text[len] = '\0';
    return text;
}

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

/* Run generate with the test model and extra options; stderr to err.txt. */
static int generate(const char *out, const char *opts)
{
    return ng_test_run("%s generate -m %s -o %s %s 2>%s", necstgen(), model_path, out, opts,
                       ng_test_tmp("err.txt"));
}

static bool same_files(const char *a, const char *b)
{
    size_t la, lb;
    uint8_t *da = ng_test_read_file(a, &la), *db = ng_test_read_file(b, &lb);
    bool same = la == lb && !memcmp(da, db, la);
    free(da);
    free(db);
    return same;
}

/* ---- validity ---- */

static void check_valid(const char *path, size_t min_packets)
{
    ng_capture_summary s;
    ng_error err;
    assert_int_equal(ng_summary_read(&s, path, false, &err), NG_OK);
    printf("  %s: %zu packets, %zu flows (%zu tcp); seq/ack %llu/%llu consistent;",
           path, s.n_pkts, s.n_flows, ng_summary_tcp_flows(&s),
           (unsigned long long)s.seqack.consistent, (unsigned long long)s.seqack.checked);
    assert_true(s.n_pkts >= min_packets);
    for (int k = 0; k < NG_CSUM_KINDS; k++) {
        printf(" %s %llu/%llu", ng_csum_kind_name((ng_csum_kind)k),
               (unsigned long long)s.csum.valid[k], (unsigned long long)s.csum.checked[k]);
        assert_int_equal(s.csum.valid[k], s.csum.checked[k]);
    }
    assert_int_equal(s.seqack.consistent, s.seqack.checked);
    size_t syn = 0, hs = 0, cut = 0;
    for (size_t i = 0; i < s.n_flows; i++) {
        const ng_flow_rec *f = &s.flows[i];
        if (f->proto != 6 || !f->syn_start)
            continue;
        syn++;
        hs += f->handshake;
        /* --packets stops mid-flow: a SYN in the capture's last second may have lost the
         * rest of its handshake to the cut */
        cut += !f->handshake && f->packets < 3 && f->last_ns > s.last_ns - 1000000000LL;
    }
    printf("; handshakes %zu/%zu (%zu cut by the end)\n", hs, syn, cut);
    assert_int_equal(hs + cut, syn);
    assert_int_equal(s.truncated, 0);
    ng_summary_free(&s);
}

static void check_tshark(const char *path)
{
    long errors = ng_test_tshark_errors(path);
    if (errors >= 0)
        assert_int_equal(errors, 0);
}

static void test_valid_capture(void **state)
{
    (void)state;
    const char *out = ng_test_tmp("valid.pcap");
    bool small = ng_test_small();
    assert_int_equal(generate(out, small ? "--flows 100 --seed 5" : "--flows 400 --seed 5"), 0);
    check_valid(out, small ? 25 : 100);
    check_tshark(out);
    char *err = read_text(ng_test_tmp("err.txt"));
    assert_non_null(strstr(err, small ? "generate: 100 flows" : "generate: 400 flows"));
    assert_non_null(strstr(err, "corrections:"));
    free(err);
}

static void test_deterministic_formats(void **state)
{
    (void)state;
    const char *formats[] = {"pcap", "pcap-ns", "pcapng", "csv"};
    size_t flows = ng_test_small() ? 40 : 150;
    for (int i = 0; i < 4; i++) {
        char a[4096], b[4096], opts[256];
        snprintf(a, sizeof a, "%s", ng_test_tmp("d1.out"));
        snprintf(b, sizeof b, "%s", ng_test_tmp("d2.out"));
        snprintf(opts, sizeof opts, "--flows %zu --seed 9 --format %s", flows, formats[i]);
        assert_int_equal(generate(a, opts), 0);
        assert_int_equal(generate(b, opts), 0);
        assert_true(same_files(a, b));
        if (i < 3) {
            ng_reader *r;
            ng_error err;
            assert_int_equal(ng_reader_open(&r, a, &err), NG_OK);
            ng_reader_close(r);
        } else {
            char *text = read_text(a);
            assert_int_equal(strncmp(text, "ts,flow_id,direction,", 21), 0);
            assert_true(count_lines(text) > flows);
            free(text);
        }
    }
    /* another seed, other bytes; stdout is the same stream as the file */
    const char *a = ng_test_tmp("s1.pcap"), *c = ng_test_tmp("s3.pcap");
    assert_int_equal(generate(a, "--flows 50 --seed 1"), 0);
    char b[4096];
    snprintf(b, sizeof b, "%s", ng_test_tmp("s2.pcap"));
    assert_int_equal(generate(b, "--flows 50 --seed 2"), 0);
    assert_false(same_files(a, b));
    assert_int_equal(ng_test_run("%s -q generate -m %s -o - --flows 50 --seed 1 >%s", necstgen(),
                                 model_path, c), 0);
    assert_true(same_files(a, c));
}

static void test_levels_and_follow(void **state)
{
    (void)state;
    char csv[2048];
    snprintf(csv, sizeof csv, "%s", ng_test_tmp("flows.csv"));
    assert_int_equal(generate(csv, "--level aggregate --flows 77"), 0);
    char *text = read_text(csv);
    assert_int_equal(strncmp(text, "id,class,protocol,", 18), 0);
    assert_int_equal(count_lines(text), 78);
    free(text);

    const char *dur = ng_test_tmp("duration.pcap");
    assert_int_equal(generate(dur, "--duration 30 --seed 12"), 0);
    check_valid(dur, 10);

    const char *flow = ng_test_tmp("flow.pcap");
    assert_int_equal(generate(flow, "--level flow --flows 100"), 0);
    check_valid(flow, 100);

    const char *pkt = ng_test_tmp("packet.pcap");
    bool small = ng_test_small();
    assert_int_equal(generate(pkt, small ? "--level packet --packets 500"
                                         : "--level packet --packets 2000"), 0);
    check_valid(pkt, small ? 500 : 2000);

    const char *fol = ng_test_tmp("follow.pcap");
    char opts[4096];
    snprintf(opts, sizeof opts, "--follow %s/data/demo.pcap --start 1000000000 --duration 120",
             NG_SOURCE_DIR);
    assert_int_equal(generate(fol, opts), 0);
    check_valid(fol, 50);
    ng_capture_summary s;
    ng_error err;
    assert_int_equal(ng_summary_read(&s, fol, false, &err), NG_OK);
    assert_true(s.first_ns >= 1000000000LL * 1000000000LL);
    ng_summary_free(&s);

    /* --follow a flows.csv: the aggregate level's own table, generated back into packets */
    const char *fcsv = ng_test_tmp("follow-csv.pcap");
    snprintf(opts, sizeof opts, "--follow %s", csv);
    assert_int_equal(generate(fcsv, opts), 0);
    check_valid(fcsv, 77);
    text = read_text(ng_test_tmp("err.txt"));
    assert_non_null(strstr(text, "generate: 77 flows"));
    free(text);
    const char *bad_csv = ng_test_tmp("bad-flows.csv");
    char *good = read_text(csv);
    char *second = strchr(strchr(good, '\n') + 1, ',');
    memcpy(second + 1, "nosuch", 6); /* the class column of the first row */
    ng_test_write_file(bad_csv, good, strlen(good));
    free(good);
    snprintf(opts, sizeof opts, "--follow %s", bad_csv);
    assert_int_equal(generate(ng_test_tmp("never.pcap"), opts), 1);
    text = read_text(ng_test_tmp("err.txt"));
    assert_non_null(strstr(text, "line 2"));
    free(text);

    const char *pre = ng_test_tmp("prefix.pcap");
    assert_int_equal(generate(pre, "--flows 60 --ip-prefix 10.20.0.0/16"), 0);
    assert_int_equal(ng_test_run("tshark -n -r %s -Y 'ip && !(ip.src==10.20.0.0/16 && "
                                 "ip.dst==10.20.0.0/16)' 2>/dev/null | grep -q . && exit 1; exit 0",
                                 pre), 0);
}

/* A model of mixed traffic (DARPA99 Monday: TCP, UDP, ICMP, ARP, LLC) when ../shared is
 * there: every protocol the generator writes passes the same checks. */
static void test_mixed_traffic(void **state)
{
    (void)state;
    NG_REQUIRE_SHARED(monday, "darpa99/week1-monday.pcap");
    const char *paths[1] = {monday};
    ng_train_config cfg;
    ng_train_config_default(&cfg);
    cfg.packet.epochs = 2;
    cfg.packet.k_max = 8;
    cfg.flow.epochs = 2;
    cfg.flow.hidden = 24;
    bool small = ng_test_small();
    if (small)
        cfg.max_packets = 5000;
    size_t n = small ? 3000 : 20000;
    ng_model *m;
    ng_error err;
    assert_int_equal(ng_model_train(paths, 1, &cfg, &m, &err), NG_OK);
    char mixed[4096];
    snprintf(mixed, sizeof mixed, "%s", ng_test_tmp("mixed.ngm"));
    assert_int_equal(ng_model_save(m, mixed, &err), NG_OK);
    ng_model_free(m);
    const char *out = ng_test_tmp("mixed.pcap");
    assert_int_equal(ng_test_run("%s generate -m %s -o %s --packets %zu --seed 4 2>%s",
                                 necstgen(), mixed, out, n, ng_test_tmp("err.txt")), 0);
    char *text = read_text(ng_test_tmp("err.txt"));
    printf("%s", text);
    free(text);
    check_valid(out, n);
    check_tshark(out);
    const char *pkt = ng_test_tmp("mixed-packet.pcap");
    assert_int_equal(ng_test_run("%s -q generate -m %s -o %s --level packet --packets %zu",
                                 necstgen(), mixed, pkt, n), 0);
    check_valid(pkt, n - n / 20);
    check_tshark(pkt);
}

/* --follow DARPA Thursday: a client retries HTTP 79 times from one port (SYN, RST), and
 * an IRC session split by the idle timeout comes back mid-stream with the roles turned
 * round. The retries keep their tuple and the second half of the session gets a port
 * of its own, so the generated capture has the real conversations (before: 95 retries
 * on ports of their own, and the session's halves on one 5-tuple with two sequence
 * spaces: seq/ack 99.97%). */
static void test_follow_keeps_retries_and_split_sessions(void **state)
{
    (void)state;
    NG_REQUIRE_SHARED(thursday, "darpa99/week1-thursday.pcap");
    const char *out = ng_test_tmp("follow-thursday.pcap");
    char opts[4200];
    snprintf(opts, sizeof opts, "--follow %s --seed 1", thursday);
    assert_int_equal(generate(out, opts), 0);
    ng_capture_summary real, gen;
    ng_error err;
    assert_int_equal(ng_summary_read(&real, thursday, false, &err), NG_OK);
    assert_int_equal(ng_summary_read(&gen, out, false, &err), NG_OK);
    size_t tcp_real = ng_summary_tcp_flows(&real), tcp_gen = ng_summary_tcp_flows(&gen);
    printf("  follow thursday: %zu TCP conversations (real %zu), seq/ack %llu/%llu\n", tcp_gen,
           tcp_real,
           (unsigned long long)gen.seqack.consistent, (unsigned long long)gen.seqack.checked);
    assert_int_equal(gen.seqack.consistent, gen.seqack.checked);
    assert_true(tcp_gen >= tcp_real - tcp_real / 50 && tcp_gen <= tcp_real + tcp_real / 50);
    ng_summary_free(&real);
    ng_summary_free(&gen);
}

/* ---- bad input ---- */

static void expect_failure(const char *cmdline_fmt, const char *arg, const char *out,
                           const char *needle)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, cmdline_fmt, arg);
    int rc = ng_test_run("%s generate %s -o %s 2>%s", necstgen(), cmd, out,
                         ng_test_tmp("err.txt"));
    char *err = read_text(ng_test_tmp("err.txt"));
    printf("  exit %d: %.*s\n", rc, (int)strcspn(err, "\n"), err);
    assert_true(rc != 0);
    assert_non_null(strstr(err, needle));
    assert_non_null(strstr(err, "necstgen generate: "));
    if (out[0] == '/' && strncmp(out, "/dev/", 5))
        assert_false(exists(out));
    free(err);
}

static void test_bad_input(void **state)
{
    (void)state;
    char out[4096], bad[4096], m[4200];
    snprintf(out, sizeof out, "%s", ng_test_tmp("bad.pcap"));
    snprintf(m, sizeof m, "-m %s", model_path);
    /* models */
    expect_failure("-m %s --flows 5", "/nonexistent/model.ngm", out, "/nonexistent/model.ngm");
    size_t len;
    uint8_t *data = ng_test_read_file(model_path, &len);
    snprintf(bad, sizeof bad, "%s", ng_test_tmp("truncated.ngm"));
    ng_test_write_file(bad, data, len / 2);
    expect_failure("-m %s --flows 5", bad, out, "truncated.ngm");
    data[len / 2] ^= 0x5A;
    snprintf(bad, sizeof bad, "%s", ng_test_tmp("corrupt.ngm"));
    ng_test_write_file(bad, data, len);
    expect_failure("-m %s --flows 5", bad, out, "corrupt.ngm");
    free(data);
    expect_failure("-m %s --flows 5", ng_test_data("tiny.pcap"), out, "tiny.pcap");
    /* no model at all */
    int rc = ng_test_run("env -u NECSTGEN_MODEL %s generate -o %s --flows 5 2>%s",
                         necstgen(), out, ng_test_tmp("err.txt"));
    char *text = read_text(ng_test_tmp("err.txt"));
    if (strstr(text, "no default model")) { /* no model built in: one clear error */
        assert_int_equal(rc, 1);
        assert_false(exists(out));
    } else {                                /* the built-in default model */
        printf("  without -m: exit %d, %.*s\n", rc, (int)strcspn(text, "\n"), text);
        assert_int_equal(rc, 0);
        check_valid(out, 5);
        unlink(out);
    }
    free(text);
    /* impossible options */
    expect_failure("%s --duration -1", m, out, "--duration");
    expect_failure("%s --duration 0", m, out, "--duration");
    expect_failure("%s --ip-prefix 300.0.0.0/8", m, out, "300.0.0.0/8");
    expect_failure("%s --ip-prefix 10.0.0.0/33", m, out, "10.0.0.0/33");
    expect_failure("%s --ip-prefix garbage", m, out, "garbage");
    expect_failure("%s --flows 0", m, out, "--flows");
    expect_failure("%s --packets 0", m, out, "--packets");
    expect_failure("%s --flows 5 --packets 9", m, out, "exclude each other");
    expect_failure("%s --duration 5 --flows 9", m, out, "exclude each other");
    expect_failure("%s --format pcapx", m, out, "pcapx");
    expect_failure("%s --level nope", m, out, "nope");
    expect_failure("%s --app nosuchclass", m, out, "nosuchclass");
    expect_failure("%s --rate-scale -2", m, out, "--rate-scale");
    expect_failure("%s --start yesterday", m, out, "yesterday");
    expect_failure("%s --seed x", m, out, "--seed");
    expect_failure("%s --follow /nonexistent.pcap", m, out, "/nonexistent.pcap");
    /* outputs */
    expect_failure("%s --flows 20", m, "/nonexistent-dir/x.pcap", "/nonexistent-dir");
    expect_failure("%s --flows 200", m, "/dev/full", "/dev/full");
    expect_failure("%s --level aggregate --flows 200", m, "/dev/full", "/dev/full");
}

int main(void)
{
    ng_log_set_level(getenv("NG_TEST_VERBOSE") ? NG_LOG_INFO : NG_LOG_WARN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_capture),
        cmocka_unit_test(test_deterministic_formats),
        cmocka_unit_test(test_levels_and_follow),
        cmocka_unit_test(test_follow_keeps_retries_and_split_sessions),
        cmocka_unit_test(test_mixed_traffic),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
