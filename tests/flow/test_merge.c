/* test_merge.c — several captures merged by timestamp; open failures name the file. */
#include <stdio.h>
#include <string.h>

#include "test_util.h"

#include "capture/writer.h"
#include "flow/merge.h"

#define MS 1000000LL

/* Ethernet + IPv4 + UDP, sport -> 53, 18 payload bytes. */
static void udp_frame(uint8_t *f, uint16_t sport)
{
    memset(f, 0, 60);
    f[5] = 1;
    f[11] = 2;
    f[12] = 0x08; /* IPv4 */
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    ip[3] = 46;   /* total length 20 + 8 + 18 */
    ip[8] = 64;
    ip[9] = 17;
    ip[12] = 10, ip[15] = 1;
    ip[16] = 10, ip[19] = 2;
    uint8_t *udp = ip + 20;
    udp[0] = (uint8_t)(sport >> 8), udp[1] = (uint8_t)sport;
    udp[3] = 53;
    udp[5] = 26;
}

static void write_capture(const char *path, const int64_t *ts, size_t n, uint16_t sport)
{
    ng_writer *w;
    ng_error err;
    assert_int_equal(ng_writer_open(&w, path, NG_CAPTURE_PCAP_NS, 1, 0, &err), NG_OK);
    uint8_t frame[60];
    udp_frame(frame, sport);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ng_writer_write(w, ts[i], frame, 60, 60, &err), NG_OK);
    assert_int_equal(ng_writer_close(w, &err), NG_OK);
}

static int teardown(void **state)
{
    ng_test_cleanup_tmpdir();
    return 0;
}

static void test_merges_by_time(void **state)
{
    int64_t ta[] = {1 * MS, 3 * MS, 5 * MS, 9 * MS};
    int64_t tb[] = {2 * MS, 3 * MS, 6 * MS};
    int64_t tc[] = {4 * MS};
    char a[4096], b[4096], c[4096];
    snprintf(a, sizeof a, "%s", ng_test_tmp("a.pcap"));
    snprintf(b, sizeof b, "%s", ng_test_tmp("b.pcap"));
    snprintf(c, sizeof c, "%s", ng_test_tmp("c.pcap"));
    write_capture(a, ta, 4, 1000);
    write_capture(b, tb, 3, 2000);
    write_capture(c, tc, 1, 3000);
    const char *paths[] = {a, b, c};
    ng_merge *m;
    ng_error err;
    assert_int_equal(ng_merge_open(&m, paths, 3, &err), NG_OK);
    assert_int_equal(ng_merge_count(m), 3);
    int64_t want_ts[] = {1, 2, 3, 3, 4, 5, 6, 9};
    size_t want_file[] = {0, 1, 0, 1, 2, 0, 1, 0}; /* tie at 3 ms: first input first */
    uint16_t want_port[] = {1000, 2000, 1000, 2000, 3000, 1000, 2000, 1000};
    ng_packet pkt;
    size_t file;
    bool got;
    for (int i = 0; i < 8; i++) {
        assert_int_equal(ng_merge_next(m, &pkt, &file, &got, &err), NG_OK);
        assert_true(got);
        assert_int_equal(pkt.ts_ns, want_ts[i] * MS);
        assert_int_equal(file, want_file[i]);
        assert_int_equal(pkt.sport, want_port[i]);
    }
    assert_int_equal(ng_merge_next(m, &pkt, &file, &got, &err), NG_OK);
    assert_false(got);
    assert_true(ng_merge_bytes_read(m) <= ng_merge_total_bytes(m));
    assert_true(ng_merge_total_bytes(m) > 0);
    ng_merge_close(m);
}

static void test_single_input_keeps_file_order(void **state)
{
    /* Disorder inside one file is left for the reorder buffer. */
    int64_t ts[] = {5 * MS, 1 * MS, 3 * MS};
    char a[4096];
    snprintf(a, sizeof a, "%s", ng_test_tmp("d.pcap"));
    write_capture(a, ts, 3, 1000);
    const char *paths[] = {a};
    ng_merge *m;
    ng_error err;
    assert_int_equal(ng_merge_open(&m, paths, 1, &err), NG_OK);
    ng_packet pkt;
    bool got;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(ng_merge_next(m, &pkt, NULL, &got, &err), NG_OK);
        assert_int_equal(pkt.ts_ns, ts[i]);
        assert_int_equal(pkt.number, i + 1);
    }
    ng_merge_close(m);
}

static void test_open_failure_names_file(void **state)
{
    int64_t ts[] = {1};
    char a[4096], missing[4096];
    snprintf(a, sizeof a, "%s", ng_test_tmp("ok.pcap"));
    snprintf(missing, sizeof missing, "%s", ng_test_tmp("missing.pcap"));
    write_capture(a, ts, 1, 1000);
    const char *paths[] = {a, missing};
    ng_merge *m = (ng_merge *)&m;
    ng_error err;
    assert_int_not_equal(ng_merge_open(&m, paths, 2, &err), NG_OK);
    assert_null(m);
    assert_non_null(strstr(err.msg, "missing.pcap"));
    assert_int_equal(ng_merge_open(&m, paths, 0, &err), NG_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_merges_by_time, teardown),
        cmocka_unit_test_teardown(test_single_input_keeps_file_order, teardown),
        cmocka_unit_test_teardown(test_open_failure_names_file, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
