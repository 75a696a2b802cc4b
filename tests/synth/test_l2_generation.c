/* test_l2_generation.c — Ethernet padding as learned, and ECTP loopback (0x9000) frames.
 *
 * Builders: a loopback frame byte for byte as DARPA 1999's Cisco keepalives (60 bytes:
 * MACs, 0x9000, 46 zero bytes), the reply and forward messages, and padding to a
 * spec's eth_min_frame (an LLC frame of DARPA's 54 bytes stays 54; shorter content is
 * padded to 54; without eth_min_frame, 60). Generation: hand-made plans (a flow level
 * trained on tiny.pcap) of LLC with eth_min_frame 54, loopback and ARP with the default,
 * written and read back — none skipped, every loopback frame counted, every LLC frame
 * max(54, its content), every ARP frame 60 — and tshark finds no malformed frame. */
#include <stdio.h>
#include <string.h>

#include "test_util.h"
#include "tiny_level.h"

#include "capture/reader.h"
#include "model/dataset.h"
#include "model/flow_level.h"
#include "synth/generator.h"
#include "synth/l2_frames.h"

static const uint8_t CISCO[6] = {0x00, 0x10, 0x7b, 0x38, 0x46, 0x32};
static const uint8_t HP[6] = {0x08, 0x00, 0x09, 0x61, 0xaa, 0xc9};

/* ---- builders ---- */

static void test_loopback_like_darpa(void **state)
{
    (void)state;
    ng_frame_spec s;
    memset(&s, 0, sizeof s);
    memcpy(s.src_mac, CISCO, 6);
    memcpy(s.dst_mac, CISCO, 6);
    s.payload_len = 46; /* what a capture's row counts after the Ethernet header */
    uint8_t f[128], want[60];
    memset(f, 0xAA, sizeof f);
    memset(want, 0, sizeof want);
    memcpy(want, CISCO, 6);
    memcpy(want + 6, CISCO, 6);
    want[12] = 0x90;
    size_t n = ng_build_loopback_frame(f, sizeof f, &s);
    assert_int_equal(n, 60);
    assert_memory_equal(f, want, 60);
    /* A shorter body is still padded to 60; a learned minimum pads only that far. */
    s.payload_len = 0;
    assert_int_equal(ng_build_loopback_frame(f, sizeof f, &s), 60);
    s.eth_min_frame = 30;
    assert_int_equal(ng_build_loopback_frame(f, sizeof f, &s), 30);
    s.eth_min_frame = 0;
    s.no_eth_pad = true;
    assert_int_equal(ng_build_loopback_frame(f, sizeof f, &s), 18); /* skipCount + function */
    /* Reply: function 1, receipt number, little-endian; forward: function 2 + address. */
    s.no_eth_pad = false;
    s.loop_function = NG_LOOP_REPLY;
    s.loop_receipt = 0x1234;
    s.payload_len = 46;
    assert_int_equal(ng_build_loopback_frame(f, sizeof f, &s), 60);
    static const uint8_t reply[6] = {0, 0, 1, 0, 0x34, 0x12};
    assert_memory_equal(f + 14, reply, 6);
    s.loop_function = NG_LOOP_FORWARD;
    memcpy(s.loop_forward, HP, 6);
    assert_int_equal(ng_build_loopback_frame(f, sizeof f, &s), 60);
    assert_int_equal(f[16], 2);
    assert_memory_equal(f + 18, HP, 6);
    /* More than an Ethernet body can hold, or a buffer too small: 0. */
    s.payload_len = 1501;
    assert_int_equal(ng_build_loopback_frame(f, sizeof f, &s), 0);
    s.payload_len = 200;
    assert_int_equal(ng_build_loopback_frame(f, sizeof f, &s), 0);
}

static void test_padding_to_learned_minimum(void **state)
{
    (void)state;
    ng_frame_spec s;
    memset(&s, 0, sizeof s);
    memcpy(s.src_mac, HP, 6);
    memcpy(s.dst_mac, HP, 6);
    s.llc_dsap = s.llc_ssap = 0x42;
    s.llc_control = 0x03;
    s.payload_len = 37; /* DARPA's STP frames: 14 + 3 + 37 = 54 */
    uint8_t f[128];
    assert_int_equal(ng_build_llc_frame(f, sizeof f, &s), 60); /* default: 60 */
    s.eth_min_frame = 54;
    assert_int_equal(ng_build_llc_frame(f, sizeof f, &s), 54);
    assert_int_equal(f[12] << 8 | f[13], 40);
    s.payload_len = 0;
    memset(f, 0xAA, sizeof f);
    assert_int_equal(ng_build_llc_frame(f, sizeof f, &s), 54);
    for (size_t i = 17; i < 54; i++)
        assert_int_equal(f[i], 0);
    s.payload_len = 100;
    assert_int_equal(ng_build_llc_frame(f, sizeof f, &s), 117); /* longer: as it is */
    s.eth_min_frame = 200; /* above 60 means 60 */
    s.payload_len = 0;
    assert_int_equal(ng_build_llc_frame(f, sizeof f, &s), 60);
}

/* ---- generation ---- */

enum { N_PLANS = 30 };

/* LLC (padded to 54), loopback and ARP (padded to 60), 50 ms apart, non-IP stations. */
static void make_plans(ng_flow_plan *p)
{
    memset(p, 0, N_PLANS * sizeof *p);
    for (size_t i = 0; i < N_PLANS; i++) {
        ng_flow_plan *f = &p[i];
        f->id = i;
        f->start_ns = 920293202000000000LL + (int64_t)i * 50000000;
        f->is_noflow = true;
        f->target_packets = 3 + (uint32_t)(i % 5);
        f->target_bytes = 60ull * f->target_packets;
        f->target_duration_ns = 2000000000;
        f->start_reason = NG_FLOW_START_NONE;
        f->end_reason = NG_FLOW_END_IDLE;
        switch (i % 3) {
        case 0:
            memcpy(f->client_mac, HP, 6), memcpy(f->server_mac, HP, 6);
            f->eth_min_frame[NG_DIR_C2S] = f->eth_min_frame[NG_DIR_S2C] = 54;
            break;
        case 1:
            f->ethertype = 0x9000;
            memcpy(f->client_mac, CISCO, 6), memcpy(f->server_mac, CISCO, 6);
            break;
        default:
            f->ethertype = 0x0806;
            break;
        }
    }
}

static void check_tshark(const char *path)
{
    long errors = ng_test_tshark_errors(path);
    if (errors < 0)
        return;
    assert_int_equal(errors, 0);
    const char *out = ng_test_tmp("tshark_l2.txt");
    size_t len, lines;
    uint8_t *text;
    /* and it calls the 0x9000 frames loopback */
    assert_int_equal(ng_test_run("tshark -n -r %s -Y loop -T fields -e frame.number >%s "
                                 "2>/dev/null", path, out), 0);
    text = ng_test_read_file(out, &len);
    lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    free(text);
    printf("  tshark: %zu loopback frames\n", lines);
    assert_true(lines > 0);
}

static void test_generate_llc_loopback_arp(void **state)
{
    (void)state;
    ng_flow_plan plans[N_PLANS];
    make_plans(plans);
    const char *path = ng_test_tmp("l2.pcap");
    ng_generate_stats stats;
    tiny_generate(plans, N_PLANS, 7, path, &stats);
    ng_error err;
    assert_int_equal(stats.flows_unsupported, 0);
    assert_int_equal(stats.flows, N_PLANS);

    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, path, &err), NG_OK);
    ng_packet pkt;
    const uint8_t *b;
    bool got;
    size_t total = 0, llc = 0, llc54 = 0, loop = 0, arp = 0;
    while (ng_reader_next(r, &pkt, &b, &got, &err) == NG_OK && got) {
        total++;
        assert_int_equal(pkt.anomalies & (NG_PKT_MALFORMED | NG_PKT_TRUNCATED), 0);
        uint16_t type = (uint16_t)(b[12] << 8 | b[13]);
        if (type < 0x0600) { /* 802.3: its length field says what the content is */
            llc++;
            size_t content = 14u + type;
            assert_int_equal(pkt.caplen, content > 54 ? content : 54);
            llc54 += pkt.caplen == 54;
        } else if (type == 0x9000) {
            loop++;
            assert_true(pkt.caplen >= 60);
            assert_memory_equal(b, CISCO, 6);
            assert_int_equal(b[14] | b[15] | b[16] | b[17], 0); /* skipCount 0, function 0 */
        } else if (type == 0x0806) {
            arp++;
            assert_int_equal(pkt.caplen, 60);
        } else {
            fail_msg("unexpected ethertype 0x%04x", type);
        }
    }
    ng_reader_close(r);
    print_message("%zu frames: LLC %zu (54 bytes: %zu), loopback %zu, ARP %zu; stats %llu\n",
                  total, llc, llc54, loop, arp, (unsigned long long)stats.packets);
    assert_int_equal(total, stats.packets);
    assert_true(llc > 0 && loop > 0 && arp > 0);
    assert_int_equal(llc + loop + arp, total);
    check_tshark(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loopback_like_darpa),
        cmocka_unit_test(test_padding_to_learned_minimum),
        cmocka_unit_test(test_generate_llc_loopback_arp),
    };
    return cmocka_run_group_tests(tests, tiny_level_setup, tiny_level_teardown);
}
