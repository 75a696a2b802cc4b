/* test_capture_writer.c — the pcap/pcapng writer: round trips through our reader (and
 * capinfos/tshark when installed), snap-length clipping, refusals, atomic output, and
 * packets built in place giving the same bytes as packets written from a copy. */
#include "test_util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/reader.h"
#include "capture/writer.h"

enum { N_PACKETS = 2000 };

typedef struct synth_packet {
    int64_t ts_ns;
    uint32_t caplen, wirelen;
    uint8_t data[1600];
} synth_packet;

/* The two files hold the same bytes. */
static void assert_same_bytes(const char *a_path, const char *b_path)
{
    size_t a_len, b_len;
    uint8_t *a = ng_test_read_file(a_path, &a_len);
    uint8_t *b = ng_test_read_file(b_path, &b_len);
    assert_int_equal(a_len, b_len);
    assert_memory_equal(a, b, a_len);
    free(a);
    free(b);
}

static synth_packet *make_packets(void)
{
    synth_packet *p = calloc(N_PACKETS, sizeof *p);
    assert_non_null(p);
    uint64_t x = 0x9E3779B97F4A7C15ull;
    int64_t ts = 1700000000LL * 1000000000LL + 123456789;
    for (int i = 0; i < N_PACKETS; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        ts += (int64_t)(x % 5000000);
        p[i].ts_ns = ts;
        p[i].caplen = (uint32_t)(x >> 20) % 1600;
        if (i % 97 == 0)
            p[i].caplen = 0;
        p[i].wirelen = p[i].caplen + (i % 5 == 0 ? (uint32_t)(x >> 50) % 100 : 0);
        for (uint32_t b = 0; b < p[i].caplen; b++)
            p[i].data[b] = (uint8_t)(x >> (b % 56)) ^ (uint8_t)b;
    }
    return p;
}

static void write_packets(const char *path, ng_capture_format fmt, const synth_packet *p)
{
    ng_writer *w = NULL;
    ng_error err;
    assert_int_equal(ng_writer_open(&w, path, fmt, 1, 0, &err), NG_OK);
    for (int i = 0; i < N_PACKETS; i++)
        if (ng_writer_write(w, p[i].ts_ns, p[i].data, p[i].caplen, p[i].wirelen, &err) != NG_OK)
            fail_msg("%s", err.msg);
    assert_int_equal(ng_writer_packets(w), N_PACKETS);
    if (ng_writer_close(w, &err) != NG_OK)
        fail_msg("%s", err.msg);
}

static void check_read_back(const char *path, ng_capture_format fmt, const synth_packet *p)
{
    ng_reader *r = NULL;
    ng_error err;
    if (ng_reader_open(&r, path, &err) != NG_OK)
        fail_msg("%s", err.msg);
    ng_packet pkt;
    const uint8_t *data;
    bool got;
    for (int i = 0; i < N_PACKETS; i++) {
        assert_int_equal(ng_reader_next(r, &pkt, &data, &got, &err), NG_OK);
        assert_true(got);
        int64_t want_ts = fmt == NG_CAPTURE_PCAP_US ? p[i].ts_ns / 1000 * 1000 : p[i].ts_ns;
        assert_int_equal(pkt.ts_ns, want_ts);
        assert_int_equal(pkt.caplen, p[i].caplen);
        assert_int_equal(pkt.wirelen, p[i].wirelen);
        if (p[i].caplen)
            assert_memory_equal(data, p[i].data, p[i].caplen);
    }
    assert_int_equal(ng_reader_next(r, &pkt, &data, &got, &err), NG_OK);
    assert_false(got);
    assert_int_equal(ng_reader_get_stats(r)->packets, N_PACKETS);
    ng_reader_close(r);
}

static bool have_tool(const char *tool)
{
    return ng_test_run("command -v %s >/dev/null 2>&1", tool) == 0;
}

static void round_trip_every_format(void **state)
{
    synth_packet *p = make_packets();
    const ng_capture_format formats[] = { NG_CAPTURE_PCAP_US, NG_CAPTURE_PCAP_NS,
                                          NG_CAPTURE_PCAPNG };
    for (size_t f = 0; f < 3; f++) {
        const char *path = ng_test_tmp(ng_capture_format_name(formats[f]));
        write_packets(path, formats[f], p);
        check_read_back(path, formats[f], p);
        if (have_tool("capinfos"))
            assert_int_equal(ng_test_run("capinfos -c -M '%s' | grep -q 'Number of packets: *%d$'",
                                         path, N_PACKETS), 0);
        if (formats[f] == NG_CAPTURE_PCAPNG && have_tool("tshark")) /* ~2 s: once */
            assert_int_equal(ng_test_run("tshark -r '%s' -c %d >/dev/null 2>&1", path,
                                         N_PACKETS), 0);
    }
    free(p);
}

static void same_packets_same_bytes(void **state)
{
    /* tiny.pcap was written by this writer: rewriting its packets reproduces it exactly. */
    const char *tiny = ng_test_data("tiny.pcap");
    const char *copy = ng_test_tmp("tiny-copy.pcap");
    ng_reader *r = NULL;
    ng_writer *w = NULL;
    ng_error err;
    assert_int_equal(ng_reader_open(&r, tiny, &err), NG_OK);
    assert_int_equal(ng_writer_open(&w, copy, NG_CAPTURE_PCAP_US, ng_reader_linktype(r), 0, &err),
                     NG_OK);
    ng_packet pkt;
    const uint8_t *data;
    bool got;
    while (ng_reader_next(r, &pkt, &data, &got, &err) == NG_OK && got)
        assert_int_equal(ng_writer_write(w, pkt.ts_ns, data, pkt.caplen, pkt.wirelen, &err), NG_OK);
    assert_int_equal(ng_writer_close(w, &err), NG_OK);
    ng_reader_close(r);
    assert_same_bytes(tiny, copy);
}

static void snaplen_clips_and_raw_becomes_101(void **state)
{
    const char *path = ng_test_tmp("snap.pcapng");
    ng_writer *w = NULL;
    ng_error err;
    uint8_t frame[100] = { 0x45 };
    assert_int_equal(ng_writer_open(&w, path, NG_CAPTURE_PCAPNG, 12, 64, &err), NG_OK);
    assert_int_equal(ng_writer_write(w, 5, frame, 100, 100, &err), NG_OK);
    assert_int_equal(ng_writer_close(w, &err), NG_OK);
    ng_reader *r = NULL;
    assert_int_equal(ng_reader_open(&r, path, &err), NG_OK);
    ng_packet pkt;
    bool got;
    assert_int_equal(ng_reader_next(r, &pkt, NULL, &got, &err), NG_OK);
    assert_true(got);
    assert_int_equal(pkt.caplen, 64);
    assert_int_equal(pkt.wirelen, 100);
    assert_int_equal(pkt.ts_ns, 5);
    assert_int_equal(pkt.anomalies & NG_PKT_TRUNCATED, NG_PKT_TRUNCATED);
    ng_reader_close(r);
    size_t len;
    uint8_t *bytes = ng_test_read_file(path, &len);
    assert_int_equal(bytes[28 + 8], 101); /* IDB link type, little-endian */
    assert_int_equal(bytes[28 + 9], 0);
    free(bytes);
}

static bool tmpdir_has_leftovers(const char *prefix)
{
    DIR *dir = opendir(ng_test_tmpdir());
    assert_non_null(dir);
    bool found = false;
    for (struct dirent *e; (e = readdir(dir));)
        found |= strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(dir);
    return found;
}

static void refusals_and_abort(void **state)
{
    const char *path = ng_test_tmp("refused.pcap");
    ng_writer *w = NULL;
    ng_error err;
    uint8_t frame[60] = { 0 };
    assert_int_equal(ng_writer_open(&w, path, NG_CAPTURE_PCAP_US, 1, 0, &err), NG_OK);
    assert_int_equal(ng_writer_write(w, -1, frame, 60, 60, &err), NG_EINVAL);
    assert_non_null(strstr(err.msg, "refused.pcap"));
    assert_non_null(strstr(err.msg, "packet 1"));
    assert_int_equal(ng_writer_write(w, 0, frame, 60, 59, &err), NG_EINVAL);
    assert_int_equal(ng_writer_write(w, (int64_t)5e18, frame, 60, 60, &err), NG_EINVAL);
    assert_non_null(strstr(err.msg, "2106"));
    assert_int_equal(ng_writer_write(w, 0, frame, 60, 60, &err), NG_OK);
    ng_writer_abort(w);
    assert_int_equal(access(path, F_OK), -1);
    assert_false(tmpdir_has_leftovers("refused.pcap"));

    assert_int_equal(ng_writer_open(&w, "/nonexistent-dir/x.pcap", NG_CAPTURE_PCAP_US, 1, 0, &err),
                     NG_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/x.pcap"));
    assert_null(w);

    ng_capture_format fmt;
    assert_int_equal(ng_capture_format_parse("pcapng", &fmt, &err), NG_OK);
    assert_int_equal(fmt, NG_CAPTURE_PCAPNG);
    assert_int_equal(ng_capture_format_parse("pcap-ns", &fmt, &err), NG_OK);
    assert_int_equal(fmt, NG_CAPTURE_PCAP_NS);
    assert_int_equal(ng_capture_format_parse("erf", &fmt, &err), NG_EINVAL);
    assert_non_null(strstr(err.msg, "erf"));
}

/* Each packet built in the writer's room (some rooms dropped unused, as for a frame the
 * builder refuses): the file is byte for byte the one ng_writer_write makes. */
static void write_in_place(const char *path, ng_capture_format fmt, const synth_packet *p,
                           uint32_t snaplen)
{
    ng_writer *w = NULL;
    ng_error err;
    assert_int_equal(ng_writer_open(&w, path, fmt, 1, snaplen, &err), NG_OK);
    for (int i = 0; i < N_PACKETS; i++) {
        uint8_t *room;
        if (i % 7 == 0) { /* a reservation never committed leaves nothing */
            assert_int_equal(ng_writer_reserve(w, 1600, &room, &err), NG_OK);
            memset(room, 0xEE, 1600);
        }
        assert_int_equal(ng_writer_reserve(w, 1600, &room, &err), NG_OK);
        memcpy(room, p[i].data, p[i].caplen);
        if (ng_writer_commit(w, p[i].ts_ns, p[i].caplen, p[i].wirelen, &err) != NG_OK)
            fail_msg("%s", err.msg);
    }
    assert_int_equal(ng_writer_packets(w), N_PACKETS);
    assert_int_equal(ng_writer_close(w, &err), NG_OK);
}

static void write_copied(const char *path, ng_capture_format fmt, const synth_packet *p,
                         uint32_t snaplen)
{
    ng_writer *w = NULL;
    ng_error err;
    assert_int_equal(ng_writer_open(&w, path, fmt, 1, snaplen, &err), NG_OK);
    for (int i = 0; i < N_PACKETS; i++)
        assert_int_equal(ng_writer_write(w, p[i].ts_ns, p[i].data, p[i].caplen, p[i].wirelen,
                                         &err), NG_OK);
    assert_int_equal(ng_writer_close(w, &err), NG_OK);
}

static void in_place_same_bytes(void **state)
{
    synth_packet *p = make_packets();
    const ng_capture_format formats[] = { NG_CAPTURE_PCAP_US, NG_CAPTURE_PCAP_NS,
                                          NG_CAPTURE_PCAPNG };
    const uint32_t snaplens[] = { 0, 100 };
    for (size_t f = 0; f < 3; f++) {
        for (size_t s = 0; s < 2; s++) {
            const char *a_path = ng_test_tmp("in-place");
            const char *b_path = ng_test_tmp("copied");
            write_in_place(a_path, formats[f], p, snaplens[s]);
            write_copied(b_path, formats[f], p, snaplens[s]);
            assert_same_bytes(a_path, b_path);
        }
    }
    free(p);
}

static void in_place_refusals(void **state)
{
    const char *path = ng_test_tmp("in-place-refused.pcap");
    ng_writer *w = NULL;
    ng_error err;
    uint8_t *room;
    assert_int_equal(ng_writer_open(&w, path, NG_CAPTURE_PCAP_US, 1, 0, &err), NG_OK);
    assert_int_equal(ng_writer_commit(w, 0, 60, 60, &err), NG_EINVAL); /* nothing reserved */
    assert_non_null(strstr(err.msg, "without a reservation"));
    assert_int_equal(ng_writer_reserve(w, NG_WRITER_MAX_RESERVE + 1, &room, &err), NG_EINVAL);
    assert_null(room);
    assert_int_equal(ng_writer_reserve(w, 60, &room, &err), NG_OK);
    assert_int_equal(ng_writer_commit(w, 0, 61, 61, &err), NG_EINVAL); /* more than reserved */
    assert_int_equal(ng_writer_reserve(w, 60, &room, &err), NG_OK);
    assert_int_equal(ng_writer_commit(w, -1, 60, 60, &err), NG_EINVAL);
    assert_int_equal(ng_writer_commit(w, 0, 60, 60, &err), NG_EINVAL); /* the room is gone */
    assert_int_equal(ng_writer_reserve(w, 60, &room, &err), NG_OK);
    memset(room, 0, 60);
    assert_int_equal(ng_writer_commit(w, 0, 60, 60, &err), NG_OK);
    assert_int_equal(ng_writer_packets(w), 1);
    assert_int_equal(ng_writer_close(w, &err), NG_OK);
    size_t len;
    uint8_t *bytes = ng_test_read_file(path, &len);
    assert_int_equal(len, 24 + 16 + 60);
    free(bytes);
}

static int teardown(void **state)
{
    ng_test_cleanup_tmpdir();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_every_format),
        cmocka_unit_test(same_packets_same_bytes),
        cmocka_unit_test(snaplen_clips_and_raw_becomes_101),
        cmocka_unit_test(refusals_and_abort),
        cmocka_unit_test(in_place_same_bytes),
        cmocka_unit_test(in_place_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
