/* test_compare.c — `necstgen compare` end to end: exit codes, reports, bad input. */
#include "test_util.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture/reader.h"
#include "capture/writer.h"

#define HTTP_PCAP "darpa99/week1-monday-http.pcap"
#define SMTP_PCAP "darpa99/week1-monday-smtp.pcap"

static const char *binary;

static void find_binary(void)
{
    binary = ng_test_binary();
}

/* Run the binary with arguments; returns its exit status; stderr goes to err.txt. */
static int compare(const char *args)
{
    return ng_test_run("'%s' compare %s > '%s' 2> '%s'", binary, args, ng_test_tmp("out.txt"),
                       ng_test_tmp("err.txt"));
}

static char *read_text(const char *path)
{
    size_t len;
    char *t = (char *)ng_test_read_file(path, &len);
    t = realloc(t, len + 1);
    t[len] = '\0';
    return t;
}

static int lines(const char *t)
{
    int n = 0;
    for (; *t; t++)
        n += *t == '\n';
    return n;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void test_self_compare_is_zero(void **state)
{
    (void)state;
    NG_REQUIRE_SHARED(http, HTTP_PCAP);
    char args[8192];
    snprintf(args, sizeof args, "'%s' '%s' '%s' --json '%s' --html '%s' --max-ks 0", http, http,
             http, ng_test_tmp("self.json"), ng_test_tmp("self.html"));
    assert_int_equal(compare(args), 0);
    json_error_t jerr;
    json_t *doc = json_load_file(ng_test_tmp("self.json"), 0, &jerr);
    assert_non_null(doc);
    assert_true(json_real_value(json_object_get(doc, "max_ks")) == 0.0);
    assert_int_equal(json_array_size(json_object_get(doc, "synthetic")), 2);
    json_t *mean_cat = json_object_get(json_object_get(doc, "mean"), "categorical");
    const char *key;
    json_t *v;
    json_object_foreach(mean_cat, key, v)
        assert_true(json_real_value(json_object_get(v, "jsd")) == 0.0);
    json_decref(doc);
    assert_true(exists(ng_test_tmp("self.html")));
    ng_test_cleanup_tmpdir();
}

static void test_max_ks_exceeded_exits_3(void **state)
{
    (void)state;
    NG_REQUIRE_SHARED(http, HTTP_PCAP);
    NG_REQUIRE_SHARED(smtp, SMTP_PCAP);
    char args[8192];
    snprintf(args, sizeof args, "'%s' '%s' --json '%s' --max-ks 0.1", http, smtp,
             ng_test_tmp("m.json"));
    assert_int_equal(compare(args), 3);
    assert_true(exists(ng_test_tmp("m.json")));
    char *err = read_text(ng_test_tmp("err.txt"));
    assert_non_null(strstr(err, "exceeds --max-ks"));
    free(err);
    char *out = read_text(ng_test_tmp("out.txt"));
    assert_non_null(strstr(out, "Frame length"));
    assert_null(strstr(out, "\033[")); /* not a tty: no colour */
    free(out);
    ng_test_cleanup_tmpdir();
}

static void test_bad_input_fails_cleanly(void **state)
{
    (void)state;
    NG_REQUIRE_SHARED(shared_http, HTTP_PCAP);
    /* ng_test_tmp/ng_test_shared reuse 8 buffers: keep our own copies of the paths. */
    char http[1024], junk[1024], empty[1024];
    snprintf(http, sizeof http, "%s", shared_http);
    snprintf(junk, sizeof junk, "%s", ng_test_tmp("junk.pcap"));
    ng_test_write_file(junk, "this is not a capture at all, just text\n", 40);
    char args[8192];
    snprintf(args, sizeof args, "'%s' '%s' --json '%s' --html '%s'", http, junk,
             ng_test_tmp("j.json"), ng_test_tmp("j.html"));
    assert_int_equal(compare(args), 1);
    char *err = read_text(ng_test_tmp("err.txt"));
    assert_int_equal(lines(err), 1);
    assert_non_null(strstr(err, "junk.pcap"));
    free(err);
    assert_false(exists(ng_test_tmp("j.json")));
    assert_false(exists(ng_test_tmp("j.html")));

    /* A pcap header with no packets: reported as empty, not divided by. */
    static const uint8_t header[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
                                       0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0};
    snprintf(empty, sizeof empty, "%s", ng_test_tmp("empty.pcap"));
    ng_test_write_file(empty, header, sizeof header);
    snprintf(args, sizeof args, "'%s' '%s' --json '%s'", http, empty, ng_test_tmp("e.json"));
    assert_int_equal(compare(args), 1);
    err = read_text(ng_test_tmp("err.txt"));
    assert_int_equal(lines(err), 1);
    assert_non_null(strstr(err, "empty.pcap"));
    assert_true(strstr(err, "no packets") || strstr(err, "empty"));
    assert_null(strstr(err, "nan"));
    free(err);
    assert_false(exists(ng_test_tmp("e.json")));

    /* A capture cut in the middle of a record: the error names the file and the packet. */
    size_t len;
    uint8_t *bytes = ng_test_read_file(http, &len);
    char cut[1024];
    snprintf(cut, sizeof cut, "%s", ng_test_tmp("cut.pcap"));
    ng_test_write_file(cut, bytes, 100000);
    free(bytes);
    snprintf(args, sizeof args, "'%s' '%s' --html '%s'", http, cut, ng_test_tmp("c.html"));
    assert_int_equal(compare(args), 1);
    err = read_text(ng_test_tmp("err.txt"));
    assert_int_equal(lines(err), 1);
    assert_non_null(strstr(err, "cut.pcap"));
    assert_non_null(strstr(err, "packet 201"));
    free(err);
    assert_false(exists(ng_test_tmp("c.html")));
    ng_test_cleanup_tmpdir();
}

/* Copy tests/data/tiny.pcap, corrupting packet 4's last payload byte (a bad TCP
 * checksum) and moving packet 9's sequence number ahead by 1000 (bytes never sent;
 * its TCP checksum breaks too). */
static void write_corrupted_tiny(const char *in, const char *out)
{
    ng_reader *r;
    ng_writer *w;
    assert_int_equal(ng_reader_open(&r, in, NULL), NG_OK);
    assert_int_equal(ng_writer_open(&w, out, NG_CAPTURE_PCAP_US, ng_reader_linktype(r), 0, NULL),
                     NG_OK);
    for (;;) {
        ng_packet pkt;
        const uint8_t *data;
        bool got;
        assert_int_equal(ng_reader_next(r, &pkt, &data, &got, NULL), NG_OK);
        if (!got)
            break;
        uint8_t buf[2048];
        assert_true(pkt.caplen <= sizeof buf);
        memcpy(buf, data, pkt.caplen);
        if (pkt.number == 4 || pkt.number == 9)
            assert_true(pkt.ip_proto == 6);
        if (pkt.number == 4) {
            assert_true(pkt.payload_len > 0);
            buf[pkt.caplen - 1] ^= 0xff;
        }
        if (pkt.number == 9) {
            size_t seq_at = pkt.l2_len + pkt.l3_len + 4;
            uint32_t seq = (uint32_t)buf[seq_at] << 24 | buf[seq_at + 1] << 16
                           | buf[seq_at + 2] << 8 | buf[seq_at + 3];
            seq += 1000;
            buf[seq_at] = (uint8_t)(seq >> 24), buf[seq_at + 1] = (uint8_t)(seq >> 16);
            buf[seq_at + 2] = (uint8_t)(seq >> 8), buf[seq_at + 3] = (uint8_t)seq;
        }
        assert_int_equal(ng_writer_write(w, pkt.ts_ns, buf, pkt.caplen, pkt.wirelen, NULL),
                         NG_OK);
    }
    ng_reader_close(r);
    assert_int_equal(ng_writer_close(w, NULL), NG_OK);
}

static double structure(json_t *doc, const char *key)
{
    json_t *syn = json_array_get(json_object_get(doc, "synthetic"), 0);
    json_t *v = json_object_get(json_object_get(json_object_get(json_object_get(syn, "scores"),
                                "structure"), key), "synth");
    return json_is_number(v) ? json_number_value(v) : -1.0;
}

/* Runs without ../shared: the repository's own tiny capture. */
static void test_validity_of_a_corrupted_copy(void **state)
{
    (void)state;
    char tiny[1024], bad[1024], args[4096];
    snprintf(tiny, sizeof tiny, "%s", ng_test_data("tiny.pcap"));
    snprintf(bad, sizeof bad, "%s", ng_test_tmp("bad.pcap"));
    write_corrupted_tiny(tiny, bad);
    snprintf(args, sizeof args, "'%s' '%s' '%s' --json '%s'", tiny, tiny, bad,
             ng_test_tmp("v.json"));
    assert_int_equal(compare(args), 0);
    json_error_t jerr;
    json_t *doc = json_load_file(ng_test_tmp("v.json"), 0, &jerr);
    assert_non_null(doc);
    assert_true(structure(doc, "checksum_ok") == 1.0); /* tiny against itself */
    assert_true(structure(doc, "seqack_ok") == 1.0);
    json_t *second = json_array_get(json_object_get(doc, "synthetic"), 1);
    json_t *csum = json_object_get(json_object_get(second, "checksums"), "tcp");
    assert_int_equal(json_integer_value(json_object_get(csum, "checked"))
                     - json_integer_value(json_object_get(csum, "valid")), 2); /* 4 and 9 */
    json_t *sa = json_object_get(second, "seqack");
    assert_true(json_integer_value(json_object_get(sa, "packets_consistent"))
                < json_integer_value(json_object_get(sa, "packets_checked")));
    json_decref(doc);
    ng_test_cleanup_tmpdir();
}

/* Share memorised of the synthetic file, and of the real one, from a --train run. */
static double memo_share(json_t *doc, bool real)
{
    json_t *m = real ? json_object_get(json_object_get(doc, "memorisation"), "real")
                     : json_object_get(json_array_get(json_object_get(doc, "synthetic"), 0),
                                       "memorisation");
    return json_real_value(json_object_get(m, "share"));
}

/* A capture against itself with --train itself: every flow of >= 5 packets is a copy.
 * Against another capture: none is. Without --train the numbers are null. */
static void test_memorisation(void **state)
{
    (void)state;
    /* ng_test_shared's buffers rotate: keep copies across the ng_test_tmp calls. */
    NG_REQUIRE_SHARED(http_path, HTTP_PCAP);
    char *http = strdup(http_path);
    NG_REQUIRE_SHARED(smtp_path, SMTP_PCAP);
    char *smtp = strdup(smtp_path);
    char args[8192];
    snprintf(args, sizeof args, "'%s' '%s' --train '%s' --json '%s' --html '%s'", http, http,
             http, ng_test_tmp("m.json"), ng_test_tmp("m.html"));
    assert_int_equal(compare(args), 0);
    json_error_t jerr;
    json_t *doc = json_load_file(ng_test_tmp("m.json"), 0, &jerr);
    assert_non_null(doc);
    assert_true(memo_share(doc, false) == 1.0);
    assert_true(memo_share(doc, true) == 1.0);
    json_t *m = json_object_get(json_array_get(json_object_get(doc, "synthetic"), 0),
                                "memorisation");
    assert_true(json_real_value(json_object_get(m, "flows_5plus")) > 600); /* 718 of 718 */
    json_decref(doc);
    char *html = read_text(ng_test_tmp("m.html"));
    assert_non_null(strstr(html, "Memorisation"));
    free(html);

    snprintf(args, sizeof args, "'%s' '%s' --train '%s' --json '%s'", http, smtp, http,
             ng_test_tmp("m2.json"));
    assert_int_equal(compare(args), 0);
    doc = json_load_file(ng_test_tmp("m2.json"), 0, &jerr);
    assert_non_null(doc);
    assert_true(memo_share(doc, false) < 0.01);
    json_decref(doc);

    snprintf(args, sizeof args, "'%s' '%s' --json '%s'", http, smtp, ng_test_tmp("m3.json"));
    assert_int_equal(compare(args), 0);
    doc = json_load_file(ng_test_tmp("m3.json"), 0, &jerr);
    assert_true(json_is_null(json_object_get(doc, "memorisation")));
    json_decref(doc);

    snprintf(args, sizeof args, "'%s' '%s' --train '%s'", http, http, ng_test_tmp("none.pcap"));
    assert_int_equal(compare(args), 1);
    free(http), free(smtp);
    ng_test_cleanup_tmpdir();
}

static void test_usage_errors_exit_2(void **state)
{
    (void)state;
    assert_int_equal(compare(""), 2);
    assert_int_equal(compare("only-one.pcap"), 2);
    assert_int_equal(compare("a.pcap b.pcap --max-ks nope"), 2);
    assert_int_equal(compare("a.pcap b.pcap --bogus"), 2);
    assert_int_equal(compare("a.pcap b.pcap --json"), 2);
    assert_int_equal(compare("a.pcap b.pcap --train"), 2);
    assert_int_equal(compare("--help"), 0);
    ng_test_cleanup_tmpdir();
}

int main(void)
{
    find_binary();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_self_compare_is_zero),
        cmocka_unit_test(test_max_ks_exceeded_exits_3),
        cmocka_unit_test(test_bad_input_fails_cleanly),
        cmocka_unit_test(test_validity_of_a_corrupted_copy),
        cmocka_unit_test(test_memorisation),
        cmocka_unit_test(test_usage_errors_exit_2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
