/* test_malformed_inputs.c — broken captures through the whole extract pipeline (reader,
 * dissectors, reorder buffer, flow table, feature rows: ng_extract_files), where
 * tests/capture/ checks the reader and the dissector alone.
 *
 * The rule for every input: either the file is read to its end, lying packets counted
 * as malformed or truncated and still turned into rows, or extraction stops with one
 * line naming the file (and the packet) — never a crash, a hang, or a read out of bounds
 * (run under ASan/UBSan and valgrind too). docs/ROBUSTNESS.md has the table.
 * Lives in tests/cli/ because it needs every module linked. */
#include "test_util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/frame_builder.h"
#include "capture/reader.h"
#include "capture/writer.h"
#include "core/log.h"
#include "features/extract.h"

/* ---- a growable byte buffer for hand-made files ---- */

typedef struct buf {
    uint8_t *b;
    size_t n, cap;
} buf;

static void put(buf *f, const void *p, size_t n)
{
    if (n == 0)
        return;
    if (f->n + n > f->cap) {
        f->cap = (f->n + n) * 2 + 64;
        f->b = realloc(f->b, f->cap);
        assert_non_null(f->b);
    }
    memcpy(f->b + f->n, p, n);
    f->n += n;
}

static void put32(buf *f, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    put(f, b, 4);
}

static void put16(buf *f, uint16_t v)
{
    uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    put(f, b, 2);
}

static void pcap_header(buf *f, uint32_t snaplen, uint32_t link)
{
    put32(f, 0xA1B2C3D4u);
    put16(f, 2);
    put16(f, 4);
    put32(f, 0);
    put32(f, 0);
    put32(f, snaplen);
    put32(f, link);
}

/* A record whose header says caplen/wirelen; `n` bytes of data actually follow. */
static void pcap_record(buf *f, uint32_t sec, uint32_t caplen, uint32_t wirelen,
                        const uint8_t *data, size_t n)
{
    put32(f, sec);
    put32(f, 0);
    put32(f, caplen);
    put32(f, wirelen);
    put(f, data, n);
}

/* ---- running the pipeline ---- */

typedef struct rows_seen {
    uint64_t packets, flows;
    uint64_t over_length; /* rows whose header + payload exceed the frame length */
} rows_seen;

static ng_status count_packet(void *user, const ng_packet_row *row, ng_error *err)
{
    rows_seen *seen = user;
    assert_true(row->direction <= 1);
    assert_true(row->flow_iat_ns >= 0);
    seen->packets++;
    if ((uint64_t)row->header_len + row->payload_len > row->frame_len) {
        seen->over_length++;
        if (getenv("NG_TEST_VERBOSE"))
            print_message("row %" PRIu64 ": frame %u header %u payload %u\n", seen->packets,
                          row->frame_len, row->header_len, row->payload_len);
    }
    return NG_OK;
}

static ng_status count_flow(void *user, const ng_flow_row *flow, ng_error *err)
{
    ((rows_seen *)user)->flows++;
    return NG_OK;
}

static ng_status extract(const char *path, ng_extract_stats *stats, rows_seen *seen,
                         ng_error *err)
{
    ng_extract_options opt;
    memset(&opt, 0, sizeof opt);
    opt.reorder_window = 8;
    memset(seen, 0, sizeof *seen);
    ng_feature_sink sink = { count_packet, count_flow, seen };
    err->msg[0] = '\0';
    return ng_extract_files(&path, 1, &opt, &sink, stats, err);
}

static void assert_clean_error(const ng_error *err, const char *path)
{
    if (!strstr(err->msg, path))
        fail_msg("error \"%s\" does not name %s", err->msg, path);
    assert_null(strchr(err->msg, '\n'));
}

/* Extract `path`: OK (every packet read became a row) or a clean error. */
static ng_status extract_checked(const char *path, ng_extract_stats *stats)
{
    rows_seen seen;
    ng_error err;
    ng_status st = extract(path, stats, &seen, &err);
    if (st != NG_OK)
        assert_clean_error(&err, path);
    else
        assert_int_equal(seen.packets, stats->packets);
    assert_int_equal(seen.over_length, 0); /* rows stay consistent, whatever the lies */
    return st;
}

static void write_buf(const char *path, const buf *f)
{
    remove(path); /* rewriting a file in place makes ext4 flush it: slow */
    ng_test_write_file(path, f->b, f->n);
}

/* The first n packets of tiny.pcap in the given format. */
static const char *tiny_prefix(const char *name, ng_capture_format fmt, int n)
{
    const char *path = ng_test_tmp(name);
    ng_reader *r = NULL;
    ng_writer *w = NULL;
    ng_error err;
    assert_int_equal(ng_reader_open(&r, ng_test_data("tiny.pcap"), &err), NG_OK);
    assert_int_equal(ng_writer_open(&w, path, fmt, 1, 0, &err), NG_OK);
    ng_packet p;
    const uint8_t *data;
    bool got;
    for (int i = 0; i < n && ng_reader_next(r, &p, &data, &got, &err) == NG_OK && got; i++)
        assert_int_equal(ng_writer_write(w, p.ts_ns, data, p.caplen, p.wirelen, &err), NG_OK);
    assert_int_equal(ng_writer_close(w, &err), NG_OK);
    ng_reader_close(r);
    return path;
}

/* ---- truncation and random damage ---- */

static void every_prefix(const char *source, const char *name, uint64_t packets)
{
    size_t len;
    uint8_t *bytes = ng_test_read_file(source, &len);
    const char *path = ng_test_tmp(name);
    uint64_t previous = 0, failures = 0;
    for (size_t cut = 0; cut <= len; cut++) {
        buf f = { bytes, cut, cut };
        write_buf(path, &f);
        ng_extract_stats stats;
        if (extract_checked(path, &stats) != NG_OK) {
            failures++; /* rows still in the reorder buffer are not sent after an error */
            continue;
        }
        assert_true(stats.packets >= previous); /* a longer good prefix: more packets */
        previous = stats.packets;
    }
    assert_int_equal(previous, packets);
    assert_true(failures > 0);
    free(bytes);
}

static void every_prefix_through_extract(void **state)
{
    every_prefix(tiny_prefix("p8.pcap", NG_CAPTURE_PCAP_US, 8), "cut.pcap", 8);
    every_prefix(tiny_prefix("p8.pcapng", NG_CAPTURE_PCAPNG, 8), "cut.pcapng", 8);
}

static uint64_t xorshift(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* 2000 mutants of tiny.pcap (1..8 flipped bits each; half of them aimed at the first
 * records, where the file and record headers are). */
static void random_bit_flips_through_extract(void **state)
{
    size_t len;
    uint8_t *orig = ng_test_read_file(ng_test_data("tiny.pcap"), &len);
    uint8_t *bytes = malloc(len);
    const char *path = ng_test_tmp("flipped.pcap");
    uint64_t x = 0x9E3779B97F4A7C15ull, ok = 0, refused = 0, malformed = 0;
    for (int round = 0; round < 2000; round++) {
        memcpy(bytes, orig, len);
        size_t span = round % 2 ? len : 24 + 4 * (16 + 60);
        for (int k = 0; k <= round % 8; k++) {
            uint64_t r = xorshift(&x);
            bytes[r % span] ^= (uint8_t)(1u << ((r >> 32) % 8));
        }
        buf f = { bytes, len, len };
        write_buf(path, &f);
        ng_extract_stats stats;
        if (extract_checked(path, &stats) == NG_OK)
            ok++;
        else
            refused++;
        malformed += stats.malformed;
    }
    print_message("bit flips: %" PRIu64 " read, %" PRIu64 " refused, %" PRIu64
                  " malformed packets counted\n", ok, refused, malformed);
    assert_true(ok > 0 && refused > 0 && malformed > 0);
    free(bytes);
    free(orig);
}

/* ---- record lengths that lie ---- */

static uint8_t *tiny_frame(size_t *n)
{
    tframe f = { .n = 0 };
    tf_eth(&f, 0x0800);
    uint32_t ip = tf_ipv4(&f, 6, 0, 0);
    tf_tcp(&f, NG_TCP_ACK, NULL, 0);
    tf_zeros(&f, 10);
    tf_ipv4_done(&f, ip);
    uint8_t *b = malloc(f.n);
    memcpy(b, f.b, f.n);
    *n = f.n;
    return b;
}

/* caplen > snaplen: libpcap clips the record to the snap length, the rest is skipped;
 * the packet counts as truncated and the next record is read normally. */
static void caplen_beyond_snaplen(void **state)
{
    size_t n;
    uint8_t *frame = tiny_frame(&n);
    uint8_t big[1500] = { 0 };
    memcpy(big, frame, n);
    buf f = { 0 };
    pcap_header(&f, 64, 1);
    pcap_record(&f, 1, 1500, 1500, big, 1500);
    pcap_record(&f, 2, (uint32_t)n, (uint32_t)n, frame, n);
    const char *path = ng_test_tmp("snap.pcap");
    write_buf(path, &f);
    ng_extract_stats stats;
    assert_int_equal(extract_checked(path, &stats), NG_OK);
    assert_int_equal(stats.packets, 2);
    assert_int_equal(stats.truncated, 1);
    free(f.b);
    free(frame);
}

/* caplen > wire length, wire length 0 and 2^31 (with a small caplen), caplen 0: all read
 * and counted; a wire length below caplen becomes caplen and the packet is malformed. */
static void wire_length_lies(void **state)
{
    size_t n;
    uint8_t *frame = tiny_frame(&n);
    const uint32_t wire[] = { 10, 0, 0x80000000u, 0xFFFFFFFFu, (uint32_t)n };
    buf f = { 0 };
    pcap_header(&f, 65535, 1);
    for (unsigned i = 0; i < 5; i++)
        pcap_record(&f, 1 + i, (uint32_t)n, wire[i], frame, n);
    pcap_record(&f, 9, 0, 0, NULL, 0);
    pcap_record(&f, 10, 0, 0x80000000u, NULL, 0);
    const char *path = ng_test_tmp("wire.pcap");
    write_buf(path, &f);
    ng_extract_stats stats;
    assert_int_equal(extract_checked(path, &stats), NG_OK);
    assert_int_equal(stats.packets, 7);
    assert_int_equal(stats.truncated, 3); /* 2^31, 2^32-1, and the empty 2^31 record */
    assert_int_equal(stats.malformed, 2); /* wire length 10 and 0 below caplen */
    free(f.b);
    free(frame);
}

/* caplen 2^31 (and 2^32-1): refused before any allocation, naming packet and offset. */
static void absurd_caplen_stops_with_error(void **state)
{
    size_t n;
    uint8_t *frame = tiny_frame(&n);
    const uint32_t caps[] = { 0x80000000u, 0xFFFFFFFFu, 262145 };
    for (unsigned i = 0; i < 3; i++) {
        buf f = { 0 };
        pcap_header(&f, 65535, 1);
        pcap_record(&f, 1, (uint32_t)n, (uint32_t)n, frame, n);
        pcap_record(&f, 2, caps[i], caps[i], frame, n);
        const char *path = ng_test_tmp("absurd.pcap");
        write_buf(path, &f);
        ng_extract_stats stats;
        rows_seen seen;
        ng_error err;
        assert_int_not_equal(extract(path, &stats, &seen, &err), NG_OK);
        assert_clean_error(&err, path);
        assert_non_null(strstr(err.msg, "packet 2"));
        assert_true(stats.packets <= 1);
        free(f.b);
    }
    free(frame);
}

/* ---- pcapng blocks with bad lengths ---- */

static void pcapng_block(buf *f, uint32_t type, const void *body, size_t n, uint32_t len_front,
                         uint32_t len_back)
{
    put32(f, type);
    put32(f, len_front);
    put(f, body, n);
    put32(f, len_back);
}

static void pcapng_start(buf *f, uint8_t snaplen)
{
    uint8_t shb[16] = { 0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 0, 0 };
    memset(shb + 8, 0xFF, 8);
    pcapng_block(f, 0x0A0D0D0A, shb, 16, 28, 28);
    uint8_t idb[8] = { 1, 0, 0, 0, snaplen, 0, 0, 0 }; /* Ethernet; 0 = no snap length */
    pcapng_block(f, 1, idb, 8, 20, 20);
}

static void epb_body(buf *body, uint32_t iface, uint32_t caplen, uint32_t wirelen,
                     const uint8_t *frame, size_t n)
{
    put32(body, iface);
    put32(body, 0);
    put32(body, 1000);
    put32(body, caplen);
    put32(body, wirelen);
    put(body, frame, n);
    while (body->n % 4)
        put(body, "", 1);
}

typedef struct ng_case {
    const char *what;
    uint32_t iface, caplen, wirelen;
    int32_t front_delta, back_delta; /* added to the true block length */
    uint8_t snaplen;                 /* of the interface */
} ng_case;

static void pcapng_bad_block_lengths(void **state)
{
    size_t n;
    uint8_t *frame = tiny_frame(&n);
    const ng_case cases[] = {
        { "good", 0, (uint32_t)n, (uint32_t)n, 0, 0, 0 },
        { "length not a multiple of 4", 0, (uint32_t)n, (uint32_t)n, 2, 2, 0 },
        { "trailing length differs", 0, (uint32_t)n, (uint32_t)n, 0, 4, 0 },
        { "length shorter than a block", 0, (uint32_t)n, (uint32_t)n, -1000, 0, 0 },
        { "length past the end of file", 0, (uint32_t)n, (uint32_t)n, 0x7FFF0000, 0, 0 },
        { "caplen past the block", 0, 4000, 4000, 0, 0, 0 },
        { "caplen > wire length", 0, (uint32_t)n, 8, 0, 0, 0 },
        { "unknown interface", 7, (uint32_t)n, (uint32_t)n, 0, 0, 0 },
        { "caplen > interface snaplen", 0, (uint32_t)n, (uint32_t)n, 0, 0, 32 },
    };
    const char *path = ng_test_tmp("bad.pcapng");
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        buf body = { 0 }, f = { 0 };
        epb_body(&body, cases[c].iface, cases[c].caplen, cases[c].wirelen, frame, n);
        uint32_t true_len = (uint32_t)(body.n + 12);
        pcapng_start(&f, cases[c].snaplen);
        pcapng_block(&f, 6, body.b, body.n, true_len, true_len); /* a good first packet */
        pcapng_block(&f, 6, body.b, body.n, (uint32_t)((int64_t)true_len + cases[c].front_delta),
                     (uint32_t)((int64_t)true_len + cases[c].back_delta));
        pcapng_block(&f, 6, body.b, body.n, true_len, true_len);
        write_buf(path, &f);
        ng_extract_stats stats;
        ng_status st = extract_checked(path, &stats);
        print_message("pcapng %-28s -> %s, %" PRIu64 " packets\n", cases[c].what,
                      st == NG_OK ? "read" : "refused", stats.packets);
        /* libpcap refuses every lie but caplen > wire length (which the reader fixes);
         * unlike pcap, a pcapng record above its interface's snaplen is an error. */
        bool readable = !strcmp(cases[c].what, "good") ||
                        !strcmp(cases[c].what, "caplen > wire length");
        assert_int_equal(st == NG_OK, readable);
        if (readable)
            assert_int_equal(stats.packets, 3);
        free(body.b);
        free(f.b);
    }
    free(frame);
}

/* ---- headers that lie, in an otherwise good capture ---- */

static tframe tcp_frame(void)
{
    tframe f = { .n = 0 };
    tf_eth(&f, 0x0800);
    uint32_t ip = tf_ipv4(&f, 6, 0, 0);
    tf_tcp(&f, NG_TCP_ACK, NULL, 0);
    tf_zeros(&f, 12);
    tf_ipv4_done(&f, ip);
    return f;
}

static tframe ipv6_ext_chain(int headers)
{
    tframe f = { .n = 0 };
    tf_eth(&f, 0x86DD);
    uint32_t ip = tf_ipv6(&f, 0);
    for (int i = 0; i < headers; i++)
        tf_ipv6_ext(&f, i + 1 < headers ? 0 : 6, 0);
    tf_tcp(&f, NG_TCP_SYN, NULL, 0);
    tf_ipv6_done(&f, ip);
    return f;
}

static tframe vlan_chain(int tags)
{
    tframe f = { .n = 0 };
    tf_eth(&f, 0x8100);
    for (int i = 0; i < tags; i++) {
        tf_u16(&f, (uint16_t)(i + 1));
        tf_u16(&f, i + 1 < tags ? 0x8100 : 0x0800);
    }
    uint32_t ip = tf_ipv4(&f, 17, 0, 0);
    tf_udp_done(&f, tf_udp(&f));
    tf_ipv4_done(&f, ip);
    return f;
}

#define N_LIES 10

static void lying_frames(tframe *out)
{
    out[0] = tcp_frame();
    tf_set16(&out[0], 14 + 2, 1500);         /* IP total length past the frame */
    out[1] = tcp_frame();
    out[1].b[14] = 0x4F;                     /* IHL 15: 60 bytes, beyond the datagram */
    out[2] = tcp_frame();
    out[2].b[14] = 0x43;                     /* IHL 3: shorter than the fixed header */
    out[3] = tcp_frame();
    tf_set16(&out[3], 14 + 2, 8);            /* total length shorter than the header */
    out[4] = tcp_frame();
    out[4].b[14 + 20 + 12] = 0x30;           /* TCP data offset 3 (< 5) */
    out[5] = tcp_frame();
    out[5].b[14 + 20 + 12] = 0xF0;           /* TCP data offset 15, past the segment */
    out[6] = ipv6_ext_chain(200);            /* 200 hop-by-hop headers in a row */
    out[7] = vlan_chain(300);                /* 300 stacked 802.1Q tags */
    out[8] = ipv6_ext_chain(3);
    tf_set16(&out[8], 14 + 4, 0xFFFF);       /* IPv6 payload length past the frame */
    out[9] = tcp_frame();                    /* and one honest packet to finish */
}

static void lying_headers_are_counted_not_fatal(void **state)
{
    static tframe frames[N_LIES];
    lying_frames(frames);
    buf f = { 0 };
    pcap_header(&f, 65535, 1);
    for (int round = 0; round < 2; round++) /* twice: the flow table sees repeats */
        for (int i = 0; i < N_LIES; i++)
            pcap_record(&f, (uint32_t)(1 + round * N_LIES + i), frames[i].n, frames[i].n,
                        frames[i].b, frames[i].n);
    const char *path = ng_test_tmp("lies.pcap");
    write_buf(path, &f);
    ng_extract_stats stats;
    assert_int_equal(extract_checked(path, &stats), NG_OK);
    assert_int_equal(stats.packets, 2 * N_LIES);
    print_message("lying headers: %" PRIu64 " of %d packets counted malformed\n",
                  stats.malformed, 2 * N_LIES);
    assert_true(stats.malformed >= 2 * 8);
    assert_true(stats.flows >= 1);
    free(f.b);
}

/* Each lying frame cut at every length: still rows, never a read past the record. */
static void lying_headers_cut_everywhere(void **state)
{
    static tframe frames[N_LIES];
    lying_frames(frames);
    buf f = { 0 };
    pcap_header(&f, 65535, 1);
    uint32_t sec = 1;
    for (int i = 0; i < N_LIES; i++)
        for (uint32_t cut = 0; cut <= frames[i].n; cut += 1 + cut / 64)
            pcap_record(&f, sec++, cut, frames[i].n, frames[i].b, cut);
    const char *path = ng_test_tmp("lies-cut.pcap");
    write_buf(path, &f);
    ng_extract_stats stats;
    assert_int_equal(extract_checked(path, &stats), NG_OK);
    assert_int_equal(stats.packets, sec - 1);
    free(f.b);
}

static int setup(void **state)
{
    ng_log_set_level(NG_LOG_ERROR); /* the warnings are the point here; keep them quiet */
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
        cmocka_unit_test(every_prefix_through_extract),
        cmocka_unit_test(random_bit_flips_through_extract),
        cmocka_unit_test(caplen_beyond_snaplen),
        cmocka_unit_test(wire_length_lies),
        cmocka_unit_test(absurd_caplen_stops_with_error),
        cmocka_unit_test(pcapng_bad_block_lengths),
        cmocka_unit_test(lying_headers_are_counted_not_fatal),
        cmocka_unit_test(lying_headers_cut_everywhere),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
