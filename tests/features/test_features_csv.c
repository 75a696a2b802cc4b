/* test_csv.c — exact CSV text for hand-built rows, number formatting edge cases, and
 * atomic output (abort leaves nothing, commit leaves header + rows). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

#include "features/csv_format.h"
#include "features/csv_writer.h"
#include "flow/app_class.h"

static ng_packet_row sample_packet_row(void)
{
    ng_packet_row r;
    memset(&r, 0, sizeof r);
    r.ts_ns = 920293202341221000LL;
    r.flow_id = 7;
    r.direction = 1;
    r.index = 3;
    r.frame_len = 60;
    r.header_len = 54;
    r.payload_len = 6;
    r.ip_proto = 6;
    r.ethertype = 0x0800;
    r.sport = 80;
    r.dport = 40000;
    r.tcp_flags = 0x18;
    r.flow_iat_ns = 1500000;
    r.global_iat_ns = 250;
    r.app_class = NG_APP_HTTP;
    return r;
}

static void test_packet_row_text(void **state)
{
    char buf[NG_CSV_PACKET_ROW_MAX];
    ng_packet_row r = sample_packet_row();
    size_t n = ng_csv_format_packet(buf, &r);
    const char *want = "920293202.341221000,7,1,3,60,54,6,6,2048,80,40000,24,"
                       "0.001500000,0.000000250,http\n";
    assert_int_equal(n, strlen(want));
    assert_memory_equal(buf, want, n);
}

static void test_flow_row_text(void **state)
{
    ng_flow f;
    memset(&f, 0, sizeof f);
    f.id = 5;
    f.app_class = NG_APP_HTTP;
    f.ip_proto = 6;
    f.ip_version = 4;
    f.ethertype = 0x0800;
    f.client.family = f.server.family = 4;
    memcpy(f.client.bytes, (uint8_t[]){10, 0, 0, 1}, 4);
    memcpy(f.server.bytes, (uint8_t[]){192, 168, 1, 20}, 4);
    f.client_port = 40000;
    f.server_port = 80;
    f.has_mac = true;
    memcpy(f.client_mac, (uint8_t[]){0x00, 0x10, 0x7b, 0x38, 0x46, 0x32}, 6);
    memcpy(f.server_mac, (uint8_t[]){0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}, 6);
    f.start_ns = 1000000000LL;
    f.last_ns = 3500000001LL;
    f.packets[0] = 6;
    f.packets[1] = 4;
    f.bytes[0] = 500;
    f.bytes[1] = 3000;
    f.payload_bytes[0] = 100;
    f.payload_bytes[1] = 2500;
    f.start_reason = NG_FLOW_START_SYN;
    f.end_reason = NG_FLOW_END_FIN;
    char buf[NG_CSV_FLOW_ROW_MAX];
    size_t n = ng_csv_format_flow(buf, &f);
    const char *want = "5,http,tcp,10.0.0.1,40000,192.168.1.20,80,00:10:7b:38:46:32,"
                       "aa:bb:cc:dd:ee:ff,1.000000000,2.500000001,6,4,500,3000,100,2500,"
                       "syn,fin\n";
    assert_int_equal(n, strlen(want));
    assert_memory_equal(buf, want, n);

    /* A no-flow ARP stream: no addresses, no ports, MACs only. */
    memset(&f, 0, sizeof f);
    f.id = 9;
    f.is_noflow = true;
    f.ethertype = 0x0806;
    f.start_reason = NG_FLOW_START_NONE;
    f.end_reason = NG_FLOW_END_IDLE;
    n = ng_csv_format_flow(buf, &f);
    want = "9,no-flow,arp,,0,,0,,,0.000000000,0.000000000,0,0,0,0,0,0,none,idle\n";
    assert_int_equal(n, strlen(want));
    assert_memory_equal(buf, want, n);
}

static void test_number_formats(void **state)
{
    char buf[64];
    size_t n = ng_fmt_u64(buf, 0);
    assert_memory_equal(buf, "0", n);
    n = ng_fmt_u64(buf, UINT64_MAX);
    assert_int_equal(n, 20);
    assert_memory_equal(buf, "18446744073709551615", n);
    n = ng_fmt_u64(buf, 10);
    assert_memory_equal(buf, "10", n);
    n = ng_fmt_seconds_ns(buf, -1500000000LL);
    assert_int_equal(n, strlen("-1.500000000"));
    assert_memory_equal(buf, "-1.500000000", n);
    n = ng_fmt_seconds_ns(buf, INT64_MIN);
    assert_memory_equal(buf, "-9223372036.854775808", n);
    n = ng_fmt_seconds_ns(buf, 999999999);
    assert_memory_equal(buf, "0.999999999", n);
    /* every integer 0..99999 formats like printf */
    for (uint64_t v = 0; v < 100000; v += 7) {
        char want[32];
        int len = snprintf(want, sizeof want, "%llu", (unsigned long long)v);
        assert_int_equal(ng_fmt_u64(buf, v), (size_t)len);
        assert_memory_equal(buf, want, (size_t)len);
    }
}

static void test_abort_leaves_nothing_commit_writes_all(void **state)
{
    ng_error err;
    ng_csv_writer w;
    const char *path = ng_test_tmp("p.csv");
    assert_int_equal(ng_csv_open(&w, path, NG_CSV_PACKET_HEADER, &err), NG_OK);
    ng_packet_row r = sample_packet_row();
    for (int i = 0; i < 50000; i++) /* > 1 MiB: the buffer drains to the temp file */
        assert_int_equal(ng_csv_write_packet(&w, &r, &err), NG_OK);
    ng_csv_abort(&w);
    assert_int_not_equal(access(path, F_OK), 0);

    assert_int_equal(ng_csv_open(&w, path, NG_CSV_PACKET_HEADER, &err), NG_OK);
    for (int i = 0; i < 50000; i++)
        assert_int_equal(ng_csv_write_packet(&w, &r, &err), NG_OK);
    assert_int_equal(w.rows, 50000);
    assert_int_equal(ng_csv_commit(&w, &err), NG_OK);
    size_t len;
    uint8_t *data = ng_test_read_file(path, &len);
    char row[NG_CSV_PACKET_ROW_MAX];
    size_t row_len = ng_csv_format_packet(row, &r);
    assert_int_equal(len, strlen(NG_CSV_PACKET_HEADER) + 50000 * row_len);
    assert_memory_equal(data, NG_CSV_PACKET_HEADER, strlen(NG_CSV_PACKET_HEADER));
    assert_memory_equal(data + len - row_len, row, row_len);
    free(data);
    ng_test_cleanup_tmpdir();
}

static void test_write_error_names_file(void **state)
{
    if (access("/dev/full", W_OK) != 0) {
        skip();
        return;
    }
    ng_error err;
    ng_csv_writer w;
    assert_int_equal(ng_csv_open(&w, "/dev/full", NG_CSV_PACKET_HEADER, &err), NG_OK);
    ng_packet_row r = sample_packet_row();
    ng_status st = NG_OK;
    for (int i = 0; i < 50000 && st == NG_OK; i++)
        st = ng_csv_write_packet(&w, &r, &err);
    if (st == NG_OK)
        st = ng_csv_commit(&w, &err);
    else
        ng_csv_abort(&w);
    assert_int_equal(st, NG_EIO);
    assert_non_null(strstr(err.msg, "/dev/full"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packet_row_text),
        cmocka_unit_test(test_flow_row_text),
        cmocka_unit_test(test_number_formats),
        cmocka_unit_test(test_abort_leaves_nothing_commit_writes_all),
        cmocka_unit_test(test_write_error_names_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
