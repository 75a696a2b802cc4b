/* test_capture_reader.c — the reader on broken and unusual files: each failure is one
 * clear line naming the file (and the packet number and byte offset for records), and
 * no prefix of a valid capture crashes or hangs. Fixtures are built from tests/data/
 * tiny.pcap (30 Ethernet/IPv4/TCP packets, little-endian classic pcap). */
#include "test_util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/reader.h"
#include "capture/writer.h"
#include "core/log.h"

static uint32_t get32le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32le(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Byte offset of record n (1-based) of a classic little-endian pcap. */
static size_t record_offset(const uint8_t *file, size_t len, unsigned n)
{
    size_t off = 24;
    for (unsigned i = 1; i < n; i++) {
        assert_true(off + 16 <= len);
        off += 16 + get32le(file + off + 8);
    }
    return off;
}

/* Open and read everything; returns the status of the first failure (NG_OK if none). */
static ng_status read_file(const char *path, uint64_t *packets, ng_error *err)
{
    ng_reader *r = NULL;
    *packets = 0;
    ng_status st = ng_reader_open(&r, path, err);
    if (st != NG_OK) {
        assert_null(r);
        return st;
    }
    ng_packet p;
    bool got;
    while ((st = ng_reader_next(r, &p, NULL, &got, err)) == NG_OK && got)
        (*packets)++;
    ng_reader_close(r);
    return st;
}

static void assert_mentions(const ng_error *err, const char *what)
{
    if (!strstr(err->msg, what))
        fail_msg("error \"%s\" does not mention \"%s\"", err->msg, what);
    assert_null(strchr(err->msg, '\n'));
}

static void tiny_reads_whole(void **state)
{
    uint64_t n;
    ng_error err;
    assert_int_equal(read_file(ng_test_data("tiny.pcap"), &n, &err), NG_OK);
    assert_int_equal(n, 30);
}

static void missing_directory_empty_and_foreign_files(void **state)
{
    uint64_t n;
    ng_error err;
    const char *missing = ng_test_tmp("no-such.pcap");
    assert_int_equal(read_file(missing, &n, &err), NG_EIO);
    assert_mentions(&err, missing);
    assert_mentions(&err, "cannot open");

    assert_int_equal(read_file(ng_test_tmpdir(), &n, &err), NG_EIO);
    assert_mentions(&err, "directory");

    const char *empty = ng_test_tmp("empty.pcap");
    ng_test_write_file(empty, "", 0);
    assert_int_equal(read_file(empty, &n, &err), NG_EFORMAT);
    assert_mentions(&err, empty);
    assert_mentions(&err, "is empty");

    const char *text = ng_test_tmp("notes.pcap");
    ng_test_write_file(text, "hello, world\n", 13);
    assert_int_equal(read_file(text, &n, &err), NG_EFORMAT);
    assert_mentions(&err, text);
    assert_mentions(&err, "bad magic");
    assert_mentions(&err, "68 65 6c 6c 6f 2c 20 77");

    const char *tiny_bytes = ng_test_tmp("three.pcap");
    ng_test_write_file(tiny_bytes, "\xd4\xc3\xb2", 3);
    assert_int_equal(read_file(tiny_bytes, &n, &err), NG_EFORMAT);
    assert_mentions(&err, "d4 c3 b2");
}

static void truncated_file_headers(void **state)
{
    size_t len;
    uint8_t *tiny = ng_test_read_file(ng_test_data("tiny.pcap"), &len);
    const char *path = ng_test_tmp("short-header.pcap");
    ng_test_write_file(path, tiny, 10);
    uint64_t n;
    ng_error err;
    assert_int_equal(read_file(path, &n, &err), NG_EFORMAT);
    assert_mentions(&err, path);
    assert_mentions(&err, "truncated file header");
    assert_mentions(&err, "10 bytes");

    static const uint8_t shb_start[] = { 0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0,
                                         0x4d, 0x3c, 0x2b, 0x1a };
    const char *ng = ng_test_tmp("short.pcapng");
    ng_test_write_file(ng, shb_start, sizeof shb_start);
    assert_int_equal(read_file(ng, &n, &err), NG_EFORMAT);
    assert_mentions(&err, "truncated file header");
    assert_mentions(&err, "pcapng");
    free(tiny);
}

static void truncated_records_name_packet_and_offset(void **state)
{
    size_t len;
    uint8_t *tiny = ng_test_read_file(ng_test_data("tiny.pcap"), &len);
    size_t rec5 = record_offset(tiny, len, 5);
    char offset[64];
    snprintf(offset, sizeof offset, "byte offset %zu", rec5);
    uint64_t n;
    ng_error err;

    /* Cut inside the data of record 5. */
    const char *data_cut = ng_test_tmp("cut-data.pcap");
    ng_test_write_file(data_cut, tiny, rec5 + 16 + 7);
    assert_int_equal(read_file(data_cut, &n, &err), NG_EFORMAT);
    assert_int_equal(n, 4);
    assert_mentions(&err, data_cut);
    assert_mentions(&err, "packet 5");
    assert_mentions(&err, offset);
    assert_mentions(&err, "truncated");

    /* Cut inside the record header of record 5. */
    const char *hdr_cut = ng_test_tmp("cut-header.pcap");
    ng_test_write_file(hdr_cut, tiny, rec5 + 5);
    assert_int_equal(read_file(hdr_cut, &n, &err), NG_EFORMAT);
    assert_int_equal(n, 4);
    assert_mentions(&err, "packet 5");
    assert_mentions(&err, offset);

    /* Cut exactly between records: a shorter, valid capture. */
    const char *clean_cut = ng_test_tmp("cut-clean.pcap");
    ng_test_write_file(clean_cut, tiny, rec5);
    assert_int_equal(read_file(clean_cut, &n, &err), NG_OK);
    assert_int_equal(n, 4);
    free(tiny);
}

static void absurd_caplen(void **state)
{
    size_t len;
    uint8_t *tiny = ng_test_read_file(ng_test_data("tiny.pcap"), &len);
    size_t rec3 = record_offset(tiny, len, 3);
    put32le(tiny + rec3 + 8, 0x80000000u);
    put32le(tiny + rec3 + 12, 0x80000000u);
    const char *path = ng_test_tmp("huge.pcap");
    ng_test_write_file(path, tiny, len);
    uint64_t n;
    ng_error err;
    assert_int_equal(read_file(path, &n, &err), NG_EFORMAT);
    assert_int_equal(n, 2);
    char offset[64];
    snprintf(offset, sizeof offset, "byte offset %zu", rec3);
    assert_mentions(&err, path);
    assert_mentions(&err, "packet 3");
    assert_mentions(&err, offset);
    assert_mentions(&err, "2147483648");
    free(tiny);
}

static void unknown_link_type(void **state)
{
    size_t len;
    uint8_t *tiny = ng_test_read_file(ng_test_data("tiny.pcap"), &len);
    put32le(tiny + 20, 105); /* 802.11: valid, but not ours */
    const char *path = ng_test_tmp("wifi.pcap");
    ng_test_write_file(path, tiny, len);
    uint64_t n;
    ng_error err;
    assert_int_equal(read_file(path, &n, &err), NG_EUNSUPPORTED);
    assert_mentions(&err, path);
    assert_mentions(&err, "link type 105");
    assert_mentions(&err, "IEEE802_11");

    put32le(tiny + 20, 147); /* USER0: libpcap has no name for it */
    ng_test_write_file(path, tiny, len);
    assert_int_equal(read_file(path, &n, &err), NG_EUNSUPPORTED);
    assert_mentions(&err, "link type 147");
    free(tiny);
}

static void write_records(const char *path, const int64_t *ts, const uint32_t *caplen, int n)
{
    ng_writer *w = NULL;
    ng_error err;
    uint8_t frame[64] = { 0 };
    assert_int_equal(ng_writer_open(&w, path, NG_CAPTURE_PCAP_NS, 1, 0, &err), NG_OK);
    for (int i = 0; i < n; i++)
        assert_int_equal(ng_writer_write(w, ts[i], frame, caplen[i], caplen[i] ? caplen[i] : 60,
                                         &err), NG_OK);
    assert_int_equal(ng_writer_close(w, &err), NG_OK);
}

static void zero_length_records_and_time_going_backwards(void **state)
{
    const char *path = ng_test_tmp("odd.pcap");
    const int64_t ts[] = { 3000, 1000, 2000, 2000, 500 };
    const uint32_t caplen[] = { 60, 0, 60, 0, 60 };
    write_records(path, ts, caplen, 5);
    ng_reader *r = NULL;
    ng_error err;
    assert_int_equal(ng_reader_open(&r, path, &err), NG_OK);
    ng_packet p;
    bool got;
    for (int i = 0; i < 5; i++) {
        assert_int_equal(ng_reader_next(r, &p, NULL, &got, &err), NG_OK);
        assert_true(got);
        assert_int_equal(p.number, i + 1);
        assert_int_equal(p.ts_ns, ts[i]);
        assert_int_equal(p.caplen, caplen[i]);
        if (caplen[i] == 0)
            assert_int_equal(p.n_layers, 0);
    }
    const ng_reader_stats *s = ng_reader_get_stats(r);
    assert_int_equal(s->packets, 5);
    assert_int_equal(s->out_of_order, 2); /* 3000 -> 1000, 2000 -> 500 */
    assert_int_equal(s->truncated, 2);    /* the zero-length records were 60 on the wire */
    ng_reader_close(r);
}

/* Every prefix of a capture either reads (fewer packets) or fails with a message naming
 * the file and the packet that was being read. */
static void check_every_prefix(const char *source, const char *name, uint64_t packets)
{
    size_t len;
    uint8_t *bytes = ng_test_read_file(source, &len);
    const char *path = ng_test_tmp(name);
    uint64_t previous = 0;
    for (size_t cut = 0; cut <= len; cut++) {
        remove(path); /* rewriting a truncated file in place makes ext4 flush it: slow */
        ng_test_write_file(path, bytes, cut);
        uint64_t n = 0;
        ng_error err;
        ng_status st = read_file(path, &n, &err);
        assert_true(n >= previous); /* a longer prefix never yields fewer packets */
        previous = n;
        if (st == NG_OK)
            continue;
        assert_mentions(&err, path);
        if (strstr(err.msg, "packet ")) {
            char want[32], want_colon[32];
            snprintf(want, sizeof want, "packet %" PRIu64 " (", n + 1);
            snprintf(want_colon, sizeof want_colon, "packet %" PRIu64 ":", n + 1);
            if (!strstr(err.msg, want_colon))
                assert_mentions(&err, want);
        }
    }
    assert_int_equal(previous, packets);
    free(bytes);
}

/* The first 20 packets of tiny.pcap, snapped to 96 bytes, in the given format. */
static const char *small_capture(const char *name, ng_capture_format fmt)
{
    const char *path = ng_test_tmp(name);
    ng_reader *r = NULL;
    ng_writer *w = NULL;
    ng_error err;
    assert_int_equal(ng_reader_open(&r, ng_test_data("tiny.pcap"), &err), NG_OK);
    assert_int_equal(ng_writer_open(&w, path, fmt, 1, 96, &err), NG_OK);
    ng_packet p;
    const uint8_t *data;
    bool got;
    for (int i = 0; i < 20 && ng_reader_next(r, &p, &data, &got, &err) == NG_OK && got; i++)
        assert_int_equal(ng_writer_write(w, p.ts_ns, data, p.caplen, p.wirelen, &err), NG_OK);
    assert_int_equal(ng_writer_close(w, &err), NG_OK);
    ng_reader_close(r);
    return path;
}

static void every_prefix_of_pcap_and_pcapng(void **state)
{
    check_every_prefix(small_capture("small.pcap", NG_CAPTURE_PCAP_US), "prefix.pcap", 20);
    check_every_prefix(small_capture("small.pcapng", NG_CAPTURE_PCAPNG), "prefix.pcapng", 20);
}

static void swap32_at(uint8_t *p)
{
    uint8_t t = p[0];
    p[0] = p[3];
    p[3] = t;
    t = p[1];
    p[1] = p[2];
    p[2] = t;
}

/* tiny.pcap rewritten big-endian (as a SPARC or PowerPC host would write it) reads the
 * same, and its truncated form names the right offset. */
static void big_endian_pcap(void **state)
{
    size_t len;
    uint8_t *bytes = ng_test_read_file(ng_test_data("tiny.pcap"), &len);
    size_t rec7 = record_offset(bytes, len, 7);
    size_t off = 24;
    while (off + 16 <= len) {
        uint32_t caplen = get32le(bytes + off + 8);
        for (int f = 0; f < 4; f++)
            swap32_at(bytes + off + 4 * f);
        off += 16 + caplen;
    }
    swap32_at(bytes);                      /* magic */
    uint8_t t = bytes[4]; bytes[4] = bytes[5]; bytes[5] = t; /* version 2.4 */
    t = bytes[6]; bytes[6] = bytes[7]; bytes[7] = t;
    for (int f = 2; f < 6; f++)
        swap32_at(bytes + 4 * f);
    const char *path = ng_test_tmp("big-endian.pcap");
    ng_test_write_file(path, bytes, len);

    ng_reader *le = NULL, *be = NULL;
    ng_error err;
    assert_int_equal(ng_reader_open(&le, ng_test_data("tiny.pcap"), &err), NG_OK);
    assert_int_equal(ng_reader_open(&be, path, &err), NG_OK);
    ng_packet a, b;
    bool got_a, got_b;
    uint64_t n = 0;
    while (ng_reader_next(le, &a, NULL, &got_a, &err) == NG_OK && got_a) {
        assert_int_equal(ng_reader_next(be, &b, NULL, &got_b, &err), NG_OK);
        assert_true(got_b);
        assert_int_equal(a.ts_ns, b.ts_ns);
        assert_int_equal(a.wirelen, b.wirelen);
        assert_int_equal(a.seq, b.seq);
        n++;
    }
    assert_int_equal(n, 30);
    ng_reader_close(le);
    ng_reader_close(be);

    remove(path);
    ng_test_write_file(path, bytes, rec7 + 20);
    assert_int_equal(read_file(path, &n, &err), NG_EFORMAT);
    char want[64];
    snprintf(want, sizeof want, "packet 7 (record header at byte offset %zu)", rec7);
    assert_mentions(&err, want);
    free(bytes);
}

static void far_future_timestamps_are_clamped(void **state)
{
    const char *path = small_capture("future.pcapng", NG_CAPTURE_PCAPNG);
    size_t len;
    uint8_t *bytes = ng_test_read_file(path, &len);
    bytes[28 + 16 + 4] = 0;          /* if_tsresol = 10^0: timestamps in seconds */
    put32le(bytes + 60 + 12, 0x100); /* first packet at 2^40 s */
    put32le(bytes + 60 + 16, 0);
    remove(path);
    ng_test_write_file(path, bytes, len);
    free(bytes);
    ng_reader *r = NULL;
    ng_error err;
    assert_int_equal(ng_reader_open(&r, path, &err), NG_OK);
    ng_packet p;
    bool got;
    assert_int_equal(ng_reader_next(r, &p, NULL, &got, &err), NG_OK);
    assert_true(got);
    assert_true(p.ts_ns > INT64_MAX - 2000000000LL);
    ng_reader_close(r);
}

/* Random byte changes anywhere in a small capture: every outcome is a packet count or
 * one clear error naming the file; nothing crashes (run under ASan/UBSan too). */
static void random_corruption_never_crashes(void **state)
{
    const char *sources[2] = { small_capture("fuzz-src.pcap", NG_CAPTURE_PCAP_US),
                               small_capture("fuzz-src.pcapng", NG_CAPTURE_PCAPNG) };
    uint64_t x = 0x2545F4914F6CDD1Dull;
    ng_log_level level = ng_log_get_level();
    ng_log_set_level(NG_LOG_ERROR); /* corrupt timestamps warn; not interesting here */
    for (int s = 0; s < 2; s++) {
        size_t len;
        uint8_t *orig = ng_test_read_file(sources[s], &len);
        uint8_t *bytes = malloc(len);
        const char *path = ng_test_tmp(s ? "fuzz.pcapng" : "fuzz.pcap");
        for (int round = 0; round < 300; round++) {
            memcpy(bytes, orig, len);
            for (int k = 0; k < 1 + round % 4; k++) {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                bytes[x % len] = (uint8_t)(x >> 24);
            }
            remove(path);
            ng_test_write_file(path, bytes, len);
            uint64_t n;
            ng_error err;
            if (read_file(path, &n, &err) != NG_OK)
                assert_mentions(&err, path);
        }
        free(bytes);
        free(orig);
    }
    ng_log_set_level(level);
}

static int teardown(void **state)
{
    ng_test_cleanup_tmpdir();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tiny_reads_whole),
        cmocka_unit_test(missing_directory_empty_and_foreign_files),
        cmocka_unit_test(truncated_file_headers),
        cmocka_unit_test(truncated_records_name_packet_and_offset),
        cmocka_unit_test(absurd_caplen),
        cmocka_unit_test(unknown_link_type),
        cmocka_unit_test(zero_length_records_and_time_going_backwards),
        cmocka_unit_test(every_prefix_of_pcap_and_pcapng),
        cmocka_unit_test(big_endian_pcap),
        cmocka_unit_test(far_future_timestamps_are_clamped),
        cmocka_unit_test(random_corruption_never_crashes),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
