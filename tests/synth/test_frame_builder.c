/* test_frame_builder.c — every builder's frame checked byte by byte where the layout
 * is fixed, then parsed back by our dissector with every field equal, and its
 * checksums re-verified independently. */
#include "test_util.h"

#include <string.h>

#include "capture/dissect.h"
#include "synth/byteorder.h"
#include "synth/checksum.h"
#include "synth/frame_builder.h"
#include "synth/l2_frames.h"

static const uint8_t MAC_A[6] = {0x00, 0x10, 0x5a, 0x9c, 0x11, 0x01};
static const uint8_t MAC_B[6] = {0x00, 0x60, 0x08, 0x41, 0x2b, 0xee};

static ng_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    ng_addr x = {.family = 4, .bytes = {a, b, c, d}};
    return x;
}

static ng_addr v6(uint8_t last)
{
    ng_addr x = {.family = 6, .bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last}};
    return x;
}

static ng_frame_spec base_spec(int family)
{
    ng_frame_spec s;
    memset(&s, 0, sizeof s);
    memcpy(s.src_mac, MAC_A, 6);
    memcpy(s.dst_mac, MAC_B, 6);
    s.src = family == 6 ? v6(1) : v4(172, 16, 112, 50);
    s.dst = family == 6 ? v6(2) : v4(197, 218, 177, 69);
    s.ttl = 64;
    s.tos = 0x10;
    s.ip_id = 0x1234;
    s.dont_fragment = true;
    s.flow_label = 0xABCDE;
    s.sport = 1025;
    s.dport = 80;
    return s;
}

static ng_packet dissect(const uint8_t *frame, size_t len)
{
    ng_packet pkt;
    memset(&pkt, 0, sizeof pkt);
    pkt.linktype = NG_DLT_EN10MB;
    pkt.caplen = pkt.wirelen = (uint32_t)len;
    ng_dissect(&pkt, frame);
    assert_int_equal(pkt.anomalies, 0);
    return pkt;
}

static void assert_ip_fields(const ng_packet *pkt, const ng_frame_spec *s, uint8_t proto)
{
    assert_memory_equal(pkt->src_mac, s->src_mac, 6);
    assert_memory_equal(pkt->dst_mac, s->dst_mac, 6);
    assert_int_equal(pkt->ip_version, s->src.family);
    assert_memory_equal(pkt->src.bytes, s->src.bytes, s->src.family == 6 ? 16 : 4);
    assert_memory_equal(pkt->dst.bytes, s->dst.bytes, s->src.family == 6 ? 16 : 4);
    assert_int_equal(pkt->ip_proto, proto);
    assert_int_equal(pkt->ttl, s->ttl);
    assert_int_equal(pkt->ip_tos, s->tos);
    if (s->src.family == 4)
        assert_int_equal(pkt->ip_id, s->ip_id);
    else
        assert_int_equal(pkt->flow_label, s->flow_label);
    assert_int_equal(pkt->payload_len, s->payload_len);
    assert_int_equal(pkt->vlan_id, s->vlan ? s->vlan_id : 0);
}

/* Re-verify the IPv4 header and transport checksums of a built frame. */
static void assert_checksums_ok(const uint8_t *frame, const ng_packet *pkt)
{
    const uint8_t *ip = frame + pkt->l2_len;
    const uint8_t *l4 = ip + pkt->l3_len;
    uint32_t l4_len = pkt->l4_len + pkt->payload_len;
    if (pkt->ip_version == 4) {
        assert_int_equal(ng_csum(ip, pkt->l3_len), 0);
        if (pkt->ip_proto == 1)
            assert_int_equal(ng_csum(l4, l4_len), 0);
        else
            assert_int_equal(ng_l4_csum_v4(ip + 12, ip + 16, pkt->ip_proto, l4, (uint16_t)l4_len), 0);
    } else {
        assert_int_equal(ng_l4_csum_v6(ip + 8, ip + 24, pkt->ip_proto, l4, l4_len), 0);
    }
}

static void test_tcp_syn_bytes_by_hand(void **state)
{
    (void)state;
    ng_frame_spec s = base_spec(4);
    s.tcp = (ng_tcp_fields){.seq = 0x01020304, .window = 32120, .flags = NG_TCP_SYN,
                            .opts = NG_TCPOPT_MSS, .mss = 1460};
    uint8_t f[128];
    size_t n = ng_build_tcp_frame(f, sizeof f, &s);
    assert_int_equal(n, 60); /* 14 + 20 + 24 = 58, padded like the DARPA captures */
    assert_int_equal(ng_get_be16(f + 12), 0x0800);
    const uint8_t ip[12] = {0x45, 0x10, 0x00, 44, 0x12, 0x34, 0x40, 0x00, 64, 6};
    assert_memory_equal(f + 14, ip, 10);
    const uint8_t tcp[24] = {0x04, 0x01, 0x00, 0x50, 1, 2, 3, 4, 0, 0, 0, 0, 0x60, 0x02,
                             0x7d, 0x78, 0, 0, 0, 0, 2, 4, 0x05, 0xb4};
    assert_memory_equal(f + 34, tcp, 16);
    assert_memory_equal(f + 34 + 18, tcp + 18, 6);
    assert_int_equal(f[58] | f[59], 0); /* padding is zero */
    ng_packet pkt = dissect(f, n);
    assert_checksums_ok(f, &pkt);
}

static void check_tcp_roundtrip(ng_frame_spec *s)
{
    uint8_t f[2048];
    size_t n = ng_build_tcp_frame(f, sizeof f, s);
    assert_true(n > 0);
    ng_packet pkt = dissect(f, n);
    assert_ip_fields(&pkt, s, 6);
    assert_int_equal(pkt.sport, s->sport);
    assert_int_equal(pkt.dport, s->dport);
    assert_int_equal(pkt.seq, s->tcp.seq);
    assert_int_equal(pkt.ack, s->tcp.ack);
    assert_int_equal(pkt.tcp_flags, s->tcp.flags);
    assert_int_equal(pkt.window, s->tcp.window);
    assert_int_equal(pkt.tcp_opts, s->tcp.opts);
    if (s->tcp.opts & NG_TCPOPT_MSS)
        assert_int_equal(pkt.mss, s->tcp.mss);
    if (s->tcp.opts & NG_TCPOPT_WSCALE)
        assert_int_equal(pkt.wscale, s->tcp.wscale);
    if (s->tcp.opts & NG_TCPOPT_TIMESTAMP) {
        assert_int_equal(pkt.tsval, s->tcp.tsval);
        assert_int_equal(pkt.tsecr, s->tcp.tsecr);
    }
    assert_int_equal(pkt.l4_len % 4, 0);
    size_t unpadded = pkt.l2_len + pkt.l3_len + pkt.l4_len + pkt.payload_len;
    assert_int_equal(n, unpadded < 60 && !s->no_eth_pad ? 60 : unpadded);
    assert_checksums_ok(f, &pkt);
}

static void test_tcp_roundtrip_all_option_sets(void **state)
{
    (void)state;
    uint8_t payload[700];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(i * 7 + 1);
    for (int family = 4; family <= 6; family += 2)
        for (unsigned opts = 0; opts < 32; opts++) {
            if (opts & NG_TCPOPT_SACK)
                continue; /* SACK blocks are not generated */
            ng_frame_spec s = base_spec(family);
            s.vlan = opts & 1;
            s.vlan_id = 42;
            s.vlan_pcp = 5;
            s.no_eth_pad = opts & 2;
            s.tcp = (ng_tcp_fields){.seq = 0xFFFFFFF0u, .ack = 77, .window = 502,
                                    .flags = NG_TCP_ACK | NG_TCP_PSH, .opts = (uint8_t)opts,
                                    .mss = 1440, .wscale = 7, .tsval = 0xDEADBEEF, .tsecr = 99};
            s.payload_len = opts * 21 + (opts & 1); /* odd lengths too */
            s.payload = opts & 4 ? payload : NULL;
            check_tcp_roundtrip(&s);
        }
}

static void test_udp_roundtrip_v4_v6(void **state)
{
    (void)state;
    for (int family = 4; family <= 6; family += 2)
        for (uint32_t len = 0; len < 40; len += 13) {
            ng_frame_spec s = base_spec(family);
            s.sport = 5353, s.dport = 53, s.payload_len = len;
            uint8_t f[256];
            size_t n = ng_build_udp_frame(f, sizeof f, &s);
            assert_true(n >= 60);
            ng_packet pkt = dissect(f, n);
            assert_ip_fields(&pkt, &s, 17);
            assert_int_equal(pkt.sport, 5353);
            assert_int_equal(pkt.dport, 53);
            assert_int_not_equal(ng_get_be16(f + pkt.l2_len + pkt.l3_len + 6), 0);
            assert_checksums_ok(f, &pkt);
        }
}

static void test_icmp_echo_and_unreachable(void **state)
{
    (void)state;
    const uint8_t types[2][3] = {{8, 0, 3}, {128, 129, 1}};
    for (int v = 0; v < 2; v++)
        for (int t = 0; t < 3; t++) {
            ng_frame_spec s = base_spec(v ? 6 : 4);
            s.icmp_type = types[v][t];
            s.icmp_code = t == 2 ? 3 : 0; /* port unreachable (v4: 3, v6: 4 - any code) */
            s.icmp_id = 0x0200, s.icmp_seq = 7;
            s.payload_len = t == 2 ? (v ? 60 : 36) : 56;
            uint8_t f[256];
            size_t n = ng_build_icmp_frame(f, sizeof f, &s);
            assert_true(n > 0);
            ng_packet pkt = dissect(f, n);
            assert_ip_fields(&pkt, &s, v ? 58 : 1);
            assert_int_equal(pkt.icmp_type, s.icmp_type);
            assert_int_equal(pkt.icmp_code, s.icmp_code);
            assert_checksums_ok(f, &pkt);
            const uint8_t *icmp = f + pkt.l2_len + pkt.l3_len;
            if (t < 2) {
                assert_int_equal(ng_get_be16(icmp + 4), 0x0200);
                assert_int_equal(ng_get_be16(icmp + 6), 7);
                continue;
            }
            /* The quoted datagram is itself a valid packet from dst to src. */
            ng_packet q;
            memset(&q, 0, sizeof q);
            q.linktype = v ? NG_DLT_IPV6 : NG_DLT_IPV4;
            q.caplen = q.wirelen = s.payload_len;
            ng_dissect(&q, icmp + 8);
            assert_int_equal(q.anomalies, 0);
            assert_memory_equal(q.src.bytes, s.dst.bytes, v ? 16 : 4);
            assert_int_equal(q.ip_proto, 17);
            assert_int_equal(q.dport, 80);
            assert_int_equal(q.payload_len, s.payload_len - (v ? 48 : 28));
        }
    ng_frame_spec s = base_spec(4);
    s.icmp_type = 3, s.payload_len = 27; /* too short to quote IP + UDP */
    uint8_t f[128];
    assert_int_equal(ng_build_icmp_frame(f, sizeof f, &s), 0);
}

static void test_arp_request_and_reply(void **state)
{
    (void)state;
    for (uint16_t op = 1; op <= 2; op++) {
        ng_frame_spec s = base_spec(4);
        s.arp_op = op;
        if (op == 1)
            memset(s.dst_mac, 0xFF, 6);
        uint8_t f[64];
        size_t n = ng_build_arp_frame(f, sizeof f, &s);
        assert_int_equal(n, 60);
        ng_packet pkt = dissect(f, n);
        assert_int_equal(pkt.ethertype, 0x0806);
        assert_int_equal(pkt.layers[1], NG_LAYER_ARP);
        assert_int_equal(ng_get_be16(f + 20), op);
        assert_memory_equal(f + 22, MAC_A, 6);
        assert_memory_equal(f + 28, s.src.bytes, 4);
        if (op == 2)
            assert_memory_equal(f + 32, MAC_B, 6);
        else
            for (int i = 0; i < 6; i++)
                assert_int_equal(f[32 + i], 0);
        assert_memory_equal(f + 38, s.dst.bytes, 4);
    }
}

static void test_llc_frame(void **state)
{
    (void)state;
    ng_frame_spec s = base_spec(4);
    s.llc_dsap = s.llc_ssap = 0xF0, s.llc_control = 0x03, s.payload_len = 100;
    uint8_t f[256];
    size_t n = ng_build_llc_frame(f, sizeof f, &s);
    assert_int_equal(n, 14 + 3 + 100);
    assert_int_equal(ng_get_be16(f + 12), 103);
    ng_packet pkt = dissect(f, n);
    assert_int_equal(pkt.layers[1], NG_LAYER_LLC);
    assert_int_equal(pkt.payload_len, 100);
    s.payload_len = 2000; /* would turn the length field into an ethertype */
    assert_int_equal(ng_build_llc_frame(f, sizeof f, &s), 0);
}

static void test_refuses_what_does_not_fit(void **state)
{
    (void)state;
    uint8_t f[2048];
    ng_frame_spec s = base_spec(4);
    s.payload_len = 1460;
    assert_int_equal(ng_build_tcp_frame(f, 1513, &s), 0);
    assert_int_equal(ng_build_tcp_frame(f, 1514, &s), 1514);
    s.payload_len = 0;
    assert_int_equal(ng_build_tcp_frame(f, 59, &s), 0); /* the padding must fit too */
    s.payload_len = 65516; /* IPv4 total length would pass 65535 */
    assert_int_equal(ng_build_udp_frame(f, sizeof f, &s), 0);
    s.payload_len = 10;
    s.dst = v6(9); /* mixed families */
    assert_int_equal(ng_build_udp_frame(f, sizeof f, &s), 0);
}

static void test_reverse_swaps_endpoints(void **state)
{
    (void)state;
    ng_frame_spec s = base_spec(6), r = s;
    ng_frame_spec_reverse(&r);
    assert_memory_equal(r.src_mac, s.dst_mac, 6);
    assert_memory_equal(r.dst_mac, s.src_mac, 6);
    assert_memory_equal(&r.src, &s.dst, sizeof r.src);
    assert_memory_equal(&r.dst, &s.src, sizeof r.dst);
    assert_int_equal(r.sport, s.dport);
    assert_int_equal(r.dport, s.sport);
    ng_frame_spec_reverse(&r); /* twice is the identity */
    assert_memory_equal(r.src_mac, s.src_mac, 6);
    assert_memory_equal(&r.src, &s.src, sizeof r.src);
    assert_int_equal(r.sport, s.sport);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_syn_bytes_by_hand),
        cmocka_unit_test(test_tcp_roundtrip_all_option_sets),
        cmocka_unit_test(test_udp_roundtrip_v4_v6),
        cmocka_unit_test(test_icmp_echo_and_unreachable),
        cmocka_unit_test(test_arp_request_and_reply),
        cmocka_unit_test(test_llc_frame),
        cmocka_unit_test(test_refuses_what_does_not_fit),
        cmocka_unit_test(test_reverse_swaps_endpoints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
