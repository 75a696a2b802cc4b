/* test_capture_dissect.c — the dissector on hand-built frames: every link type, tags,
 * IPv4 options and fragments, IPv6 extension chains, TCP options, and headers that lie.
 * Each frame is dissected from an exact-size heap copy, so ASan flags any over-read. */
#include "test_util.h"

#include "frame_builder.h"

static const uint8_t TCP_SYN_OPTS[] = {
    2, 4, 0x05, 0xb4,                 /* MSS 1460 */
    4, 2,                             /* SACK permitted */
    8, 10, 0, 0, 0, 1, 0, 0, 0, 2,    /* timestamps 1, 2 */
    1,                                /* NOP */
    3, 3, 7                           /* window scale 7 */
};

static void ethernet_ipv4_tcp_with_options(void **state)
{
    tframe f = { .n = 0 };
    tf_eth(&f, 0x0800);
    uint32_t ip = tf_ipv4(&f, 6, 0, 0x4000);
    tf_tcp(&f, NG_TCP_SYN, TCP_SYN_OPTS, sizeof TCP_SYN_OPTS);
    tf_zeros(&f, 10);
    tf_ipv4_done(&f, ip);
    ng_packet p = tf_dissect(&f, NG_DLT_EN10MB);

    assert_string_equal(tf_layers(&p), "eth:ipv4:tcp");
    assert_int_equal(p.anomalies, 0);
    assert_true(p.has_mac);
    assert_memory_equal(p.dst_mac, TF_DST_MAC, 6);
    assert_memory_equal(p.src_mac, TF_SRC_MAC, 6);
    assert_int_equal(p.ethertype, 0x0800);
    assert_int_equal(p.ip_version, 4);
    assert_string_equal(tf_addr(&p.src), "10.0.0.1");
    assert_string_equal(tf_addr(&p.dst), "192.168.1.2");
    assert_int_equal(p.ttl, 64);
    assert_int_equal(p.ip_tos, 0x10);
    assert_int_equal(p.ip_id, 0x1234);
    assert_int_equal(p.ip_proto, 6);
    assert_int_equal(p.sport, 40000);
    assert_int_equal(p.dport, 80);
    assert_int_equal(p.seq, 1000);
    assert_int_equal(p.ack, 2000);
    assert_int_equal(p.window, 512);
    assert_int_equal(p.tcp_flags, NG_TCP_SYN);
    assert_int_equal(p.tcp_opts, NG_TCPOPT_MSS | NG_TCPOPT_SACK_OK | NG_TCPOPT_TIMESTAMP |
                                 NG_TCPOPT_WSCALE);
    assert_int_equal(p.mss, 1460);
    assert_int_equal(p.wscale, 7);
    assert_int_equal(p.tsval, 1);
    assert_int_equal(p.tsecr, 2);
    assert_int_equal(p.l2_len, 14);
    assert_int_equal(p.l3_len, 20);
    assert_int_equal(p.l4_len, 40);
    assert_int_equal(p.payload_len, 10);
}

static void ethernet_padding_is_not_payload(void **state)
{
    tframe f = { .n = 0 };
    tf_eth(&f, 0x0800);
    uint32_t ip = tf_ipv4(&f, 17, 0, 0);
    uint32_t udp = tf_udp(&f);
    tf_zeros(&f, 4);
    tf_udp_done(&f, udp);
    tf_ipv4_done(&f, ip);
    tf_zeros(&f, 60 - f.n); /* pad to the Ethernet minimum */
    ng_packet p = tf_dissect(&f, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:ipv4:udp");
    assert_int_equal(p.anomalies, 0);
    assert_int_equal(p.payload_len, 4);
    assert_int_equal(p.sport, 5353);
    assert_int_equal(p.dport, 53);
}

static void snapped_frame_reports_wire_payload(void **state)
{
    tframe f = { .n = 0 };
    tf_eth(&f, 0x0800);
    uint32_t ip = tf_ipv4(&f, 6, 0, 0);
    tf_tcp(&f, NG_TCP_ACK, NULL, 0);
    tf_zeros(&f, 1460);
    tf_ipv4_done(&f, ip);
    ng_packet p = tf_dissect_cut(&f, NG_DLT_EN10MB, 54, f.n);
    assert_string_equal(tf_layers(&p), "eth:ipv4:tcp");
    assert_int_equal(p.anomalies, NG_PKT_TRUNCATED);
    assert_int_equal(p.payload_len, 1460);

    /* Cut inside the TCP header: the IP layer is known, TCP is not, nothing is a lie. */
    p = tf_dissect_cut(&f, NG_DLT_EN10MB, 40, f.n);
    assert_string_equal(tf_layers(&p), "eth:ipv4");
    assert_int_equal(p.anomalies, NG_PKT_TRUNCATED);
}

static void qinq_tags(void **state)
{
    tframe f = { .n = 0 };
    tf_eth(&f, 0x88A8);
    tf_u16(&f, 0x2064); /* PCP 1, VLAN 100 */
    tf_u16(&f, 0x8100);
    tf_u16(&f, 0x00C8); /* VLAN 200 */
    tf_u16(&f, 0x0800);
    uint32_t ip = tf_ipv4(&f, 17, 0, 0);
    uint32_t udp = tf_udp(&f);
    tf_zeros(&f, 20);
    tf_udp_done(&f, udp);
    tf_ipv4_done(&f, ip);
    ng_packet p = tf_dissect(&f, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:vlan:vlan:ipv4:udp");
    assert_int_equal(p.vlan_id, 100);
    assert_int_equal(p.vlan_depth, 2);
    assert_int_equal(p.ethertype, 0x0800);
    assert_int_equal(p.l2_len, 22);
    assert_int_equal(p.payload_len, 20);
    assert_int_equal(p.anomalies, 0);
}

static void cisco_sgt_between_ethernet_and_ip(void **state)
{
    tframe f = { .n = 0 };
    tf_eth(&f, 0x8909);
    static const uint8_t cmd[] = { 0x01, 0x01, 0x00, 0x01, 0x00, 0x10, 0x08, 0x00 };
    tf_put(&f, cmd, sizeof cmd);
    uint32_t ip = tf_ipv4(&f, 1, 0, 0);
    tf_u8(&f, 8); /* echo request */
    tf_u8(&f, 0);
    tf_zeros(&f, 6 + 32);
    tf_ipv4_done(&f, ip);
    ng_packet p = tf_dissect(&f, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:sgt:ipv4:icmp");
    assert_int_equal(p.l2_len, 22);
    assert_int_equal(p.icmp_type, 8);
    assert_int_equal(p.icmp_code, 0);
    assert_int_equal(p.l4_len, 8);
    assert_int_equal(p.payload_len, 32);
    assert_int_equal(p.anomalies, 0);
}

static void linux_cooked_v1_and_v2(void **state)
{
    tframe f = { .n = 0 };
    tf_u16(&f, 0);      /* to us */
    tf_u16(&f, 1);      /* ARPHRD_ETHER */
    tf_u16(&f, 6);
    tf_put(&f, TF_SRC_MAC, 6);
    tf_u16(&f, 0);
    tf_u16(&f, 0x0800);
    uint32_t ip = tf_ipv4(&f, 17, 0, 0);
    uint32_t udp = tf_udp(&f);
    tf_zeros(&f, 3);
    tf_udp_done(&f, udp);
    tf_ipv4_done(&f, ip);
    ng_packet p = tf_dissect(&f, NG_DLT_LINUX_SLL);
    assert_string_equal(tf_layers(&p), "sll:ipv4:udp");
    assert_false(p.has_mac);
    assert_memory_equal(p.src_mac, TF_SRC_MAC, 6);
    assert_int_equal(p.l2_len, 16);
    assert_int_equal(p.payload_len, 3);

    tframe g = { .n = 0 };
    tf_u16(&g, 0x86DD); /* protocol */
    tf_u16(&g, 0);
    tf_u32(&g, 3);      /* interface index */
    tf_u16(&g, 1);      /* ARPHRD_ETHER */
    tf_u8(&g, 4);       /* outgoing */
    tf_u8(&g, 6);
    tf_put(&g, TF_SRC_MAC, 6);
    tf_u16(&g, 0);
    uint32_t ip6 = tf_ipv6(&g, 6);
    tf_tcp(&g, NG_TCP_ACK | NG_TCP_PSH, NULL, 0);
    tf_zeros(&g, 7);
    tf_ipv6_done(&g, ip6);
    p = tf_dissect(&g, NG_DLT_LINUX_SLL2);
    assert_string_equal(tf_layers(&p), "sll2:ipv6:tcp");
    assert_memory_equal(p.src_mac, TF_SRC_MAC, 6);
    assert_int_equal(p.l2_len, 20);
    assert_int_equal(p.payload_len, 7);
    assert_string_equal(tf_addr(&p.src), "2001:db8::1");
    assert_string_equal(tf_addr(&p.dst), "fe80::2");
    assert_int_equal(p.ip_tos, 0xb8);
    assert_int_equal(p.flow_label, 0x12345);
    assert_int_equal(p.ttl, 255);
}

static void raw_ip_link_types(void **state)
{
    tframe v4 = { .n = 0 };
    uint32_t ip = tf_ipv4(&v4, 17, 0, 0);
    uint32_t udp = tf_udp(&v4);
    tf_udp_done(&v4, udp);
    tf_ipv4_done(&v4, ip);
    tframe v6 = { .n = 0 };
    uint32_t ip6 = tf_ipv6(&v6, 17);
    udp = tf_udp(&v6);
    tf_zeros(&v6, 5);
    tf_udp_done(&v6, udp);
    tf_ipv6_done(&v6, ip6);

    const uint32_t raw[] = { NG_DLT_RAW_12, NG_DLT_RAW_14, NG_LINKTYPE_RAW };
    for (size_t i = 0; i < 3; i++) {
        ng_packet p = tf_dissect(&v4, raw[i]);
        assert_string_equal(tf_layers(&p), "ipv4:udp");
        assert_int_equal(p.l2_len, 0);
        p = tf_dissect(&v6, raw[i]);
        assert_string_equal(tf_layers(&p), "ipv6:udp");
        assert_int_equal(p.payload_len, 5);
    }
    ng_packet p = tf_dissect(&v4, NG_DLT_IPV4);
    assert_string_equal(tf_layers(&p), "ipv4:udp");
    p = tf_dissect(&v6, NG_DLT_IPV6);
    assert_string_equal(tf_layers(&p), "ipv6:udp");
    /* Version nibble 5 in a raw frame is no IP at all. */
    v4.b[0] = 0x55;
    p = tf_dissect(&v4, NG_DLT_RAW_12);
    assert_int_equal(p.anomalies & NG_PKT_MALFORMED, NG_PKT_MALFORMED);
    assert_int_equal(p.ip_version, 0);
}

static void loopback_both_byte_orders(void **state)
{
    struct { uint8_t family[4]; bool v6; uint32_t dlt; } cases[] = {
        { { 2, 0, 0, 0 }, false, NG_DLT_NULL },   /* little-endian host, AF_INET */
        { { 0, 0, 0, 2 }, false, NG_DLT_NULL },   /* big-endian host */
        { { 30, 0, 0, 0 }, true, NG_DLT_NULL },   /* macOS AF_INET6 */
        { { 0, 0, 0, 24 }, true, NG_DLT_NULL },   /* OpenBSD, big-endian */
        { { 0, 0, 0, 2 }, false, NG_DLT_LOOP },   /* DLT_LOOP: network order */
        { { 28, 0, 0, 0 }, true, NG_DLT_LOOP },   /* swapped anyway: still understood */
        { { 10, 0, 0, 0 }, true, NG_DLT_NULL },   /* Linux AF_INET6 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tframe f = { .n = 0 };
        tf_put(&f, cases[i].family, 4);
        uint32_t ip = cases[i].v6 ? tf_ipv6(&f, 6) : tf_ipv4(&f, 6, 0, 0);
        tf_tcp(&f, NG_TCP_SYN, NULL, 0);
        if (cases[i].v6)
            tf_ipv6_done(&f, ip);
        else
            tf_ipv4_done(&f, ip);
        ng_packet p = tf_dissect(&f, cases[i].dlt);
        assert_string_equal(tf_layers(&p), cases[i].v6 ? "loop:ipv6:tcp" : "loop:ipv4:tcp");
        assert_int_equal(p.l2_len, 4);
        assert_int_equal(p.anomalies, 0);
    }
    tframe odd = { .n = 0 };
    tf_u32(&odd, 0x07000000u); /* an unknown family */
    tf_zeros(&odd, 10);
    ng_packet p = tf_dissect(&odd, NG_DLT_NULL);
    assert_string_equal(tf_layers(&p), "loop:l3");
    assert_int_equal(p.payload_len, 10);
}

static void ipv4_options_and_fragments(void **state)
{
    tframe f = { .n = 0 };
    tf_eth(&f, 0x0800);
    uint32_t ip = tf_ipv4(&f, 6, 2, 0);
    tf_tcp(&f, NG_TCP_ACK, NULL, 0);
    tf_zeros(&f, 5);
    tf_ipv4_done(&f, ip);
    ng_packet p = tf_dissect(&f, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:ipv4:tcp");
    assert_int_equal(p.anomalies, NG_PKT_IP_OPTIONS);
    assert_int_equal(p.l3_len, 28);
    assert_int_equal(p.payload_len, 5);

    /* First fragment (MF): the UDP header is here, its length covers the whole datagram. */
    tframe first = { .n = 0 };
    tf_eth(&first, 0x0800);
    ip = tf_ipv4(&first, 17, 0, 0x2000);
    uint32_t udp = tf_udp(&first);
    tf_zeros(&first, 1472);
    tf_set16(&first, udp + 4, 3000);
    tf_ipv4_done(&first, ip);
    p = tf_dissect(&first, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:ipv4:udp");
    assert_int_equal(p.anomalies, NG_PKT_FRAGMENT);
    assert_int_equal(p.payload_len, 1472);
    assert_int_equal(p.frag_offset, 0);

    /* Later fragment: offset 185 * 8 = 1480, no transport header. */
    tframe later = { .n = 0 };
    tf_eth(&later, 0x0800);
    ip = tf_ipv4(&later, 17, 0, 185);
    tf_zeros(&later, 1528 - 1480);
    tf_ipv4_done(&later, ip);
    p = tf_dissect(&later, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:ipv4");
    assert_int_equal(p.anomalies, NG_PKT_FRAGMENT | NG_PKT_LATER_FRAG);
    assert_int_equal(p.frag_offset, 1480);
    assert_int_equal(p.ip_proto, 17);
    assert_int_equal(p.sport, 0);
    assert_int_equal(p.payload_len, 48);
}

static void ipv6_extension_chain(void **state)
{
    tframe f = { .n = 0 };
    tf_eth(&f, 0x86DD);
    uint32_t ip = tf_ipv6(&f, 0);
    tf_ipv6_ext(&f, 43, 0);         /* hop-by-hop, 8 bytes -> routing */
    tf_ipv6_ext(&f, 60, 1);         /* routing, 16 bytes -> destination options */
    tf_ipv6_ext(&f, 44, 0);         /* destination options, 8 -> fragment */
    tf_u8(&f, 51);                  /* fragment: next AH, offset 0, M = 1 */
    tf_u8(&f, 0);
    tf_u16(&f, 0x0001);
    tf_u32(&f, 0xabcdef01);
    tf_u8(&f, 6);                   /* AH: next TCP, length 4 -> (4 + 2) * 4 = 24 bytes */
    tf_u8(&f, 4);
    tf_zeros(&f, 22);
    tf_tcp(&f, NG_TCP_SYN, NULL, 0);
    tf_ipv6_done(&f, ip);
    ng_packet p = tf_dissect(&f, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:ipv6:ipv6ext:ipv6ext:ipv6ext:ipv6ext:ipv6ext:tcp");
    assert_int_equal(p.l3_len, 40 + 8 + 16 + 8 + 8 + 24);
    assert_int_equal(p.ip_proto, 6);
    assert_int_equal(p.anomalies, NG_PKT_FRAGMENT);
    assert_int_equal(p.sport, 40000);
    assert_int_equal(p.payload_len, 0);

    /* A later fragment stops after the fragment header. */
    tframe later = { .n = 0 };
    tf_eth(&later, 0x86DD);
    ip = tf_ipv6(&later, 44);
    tf_u8(&later, 17);
    tf_u8(&later, 0);
    tf_u16(&later, 1232);           /* offset 1232, last fragment */
    tf_u32(&later, 7);
    tf_zeros(&later, 100);
    tf_ipv6_done(&later, ip);
    p = tf_dissect(&later, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:ipv6:ipv6ext");
    assert_int_equal(p.anomalies, NG_PKT_FRAGMENT | NG_PKT_LATER_FRAG);
    assert_int_equal(p.frag_offset, 1232);
    assert_int_equal(p.ip_proto, 17);
    assert_int_equal(p.payload_len, 100);

    /* ICMPv6 directly after the header. */
    tframe icmp = { .n = 0 };
    tf_eth(&icmp, 0x86DD);
    ip = tf_ipv6(&icmp, 58);
    tf_u8(&icmp, 135);
    tf_u8(&icmp, 0);
    tf_zeros(&icmp, 22);
    tf_ipv6_done(&icmp, ip);
    p = tf_dissect(&icmp, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:ipv6:icmpv6");
    assert_int_equal(p.icmp_type, 135);
    assert_int_equal(p.payload_len, 16);
}

static void ipv6_overlong_or_lying_chain(void **state)
{
    /* Nine hop-by-hop headers in a row: more than the walk allows. */
    tframe f = { .n = 0 };
    tf_eth(&f, 0x86DD);
    uint32_t ip = tf_ipv6(&f, 0);
    for (int i = 0; i < 9; i++)
        tf_ipv6_ext(&f, 0, 0);
    tf_zeros(&f, 8);
    tf_ipv6_done(&f, ip);
    ng_packet p = tf_dissect(&f, NG_DLT_EN10MB);
    assert_int_equal(p.anomalies, NG_PKT_MALFORMED);
    assert_int_equal(p.n_layers, 2 + 8);
    assert_int_equal(p.l3_len, 40 + 8 * 8);

    /* A routing header claiming 2048 bytes inside a 24-byte payload. */
    tframe g = { .n = 0 };
    tf_eth(&g, 0x86DD);
    ip = tf_ipv6(&g, 43);
    tf_u8(&g, 6);
    tf_u8(&g, 255);
    tf_zeros(&g, 22);
    tf_ipv6_done(&g, ip);
    p = tf_dissect(&g, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:ipv6");
    assert_int_equal(p.anomalies, NG_PKT_MALFORMED);

    /* Payload length beyond the frame. */
    tframe h = { .n = 0 };
    tf_eth(&h, 0x86DD);
    ip = tf_ipv6(&h, 17);
    tf_zeros(&h, 8);
    tf_set16(&h, ip + 4, 500);
    p = tf_dissect(&h, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:ipv6");
    assert_int_equal(p.anomalies, NG_PKT_MALFORMED);
    assert_int_equal(p.payload_len, 8);
}

static tframe tcp_frame(uint8_t doff_words, uint32_t extra)
{
    tframe f = { .n = 0 };
    tf_eth(&f, 0x0800);
    uint32_t ip = tf_ipv4(&f, 6, 0, 0);
    uint32_t tcp = tf_tcp(&f, NG_TCP_ACK, NULL, 0);
    tf_zeros(&f, extra);
    tf_ipv4_done(&f, ip);
    f.b[tcp + 12] = (uint8_t)(doff_words << 4);
    return f;
}

static void lying_headers_are_malformed(void **state)
{
    /* IPv4 total length past the frame. */
    tframe f = tcp_frame(5, 0);
    tf_set16(&f, 14 + 2, 1500);
    ng_packet p = tf_dissect(&f, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:ipv4");
    assert_int_equal(p.anomalies, NG_PKT_MALFORMED);
    assert_int_equal(p.payload_len, 20);

    /* IHL 4 (16 bytes). */
    f = tcp_frame(5, 0);
    f.b[14] = 0x44;
    p = tf_dissect(&f, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:ipv4");
    assert_int_equal(p.anomalies, NG_PKT_MALFORMED);
    assert_int_equal(p.l3_len, 20);

    /* Total length shorter than the header. */
    f = tcp_frame(5, 0);
    tf_set16(&f, 14 + 2, 12);
    p = tf_dissect(&f, NG_DLT_EN10MB);
    assert_int_equal(p.anomalies, NG_PKT_MALFORMED);
    assert_int_equal(p.n_layers, 2);

    /* TCP data offset 4 (< 5). */
    f = tcp_frame(4, 8);
    p = tf_dissect(&f, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:ipv4:tcp");
    assert_int_equal(p.anomalies, NG_PKT_MALFORMED);
    assert_int_equal(p.sport, 40000);
    assert_int_equal(p.payload_len, 0);

    /* TCP data offset 15 (60 bytes) in a 28-byte segment. */
    f = tcp_frame(15, 8);
    p = tf_dissect(&f, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:ipv4:tcp");
    assert_int_equal(p.anomalies, NG_PKT_MALFORMED);

    /* A TCP option whose length runs past the header, and one of length 0. */
    f = tcp_frame(6, 0);
    f.b[14 + 20 + 20] = 2;
    f.b[14 + 20 + 21] = 9;
    f.n += 4;
    tf_ipv4_done(&f, 14);
    p = tf_dissect(&f, NG_DLT_EN10MB);
    assert_int_equal(p.anomalies, NG_PKT_MALFORMED);
    assert_int_equal(p.tcp_opts, 0);
    f.b[14 + 20 + 21] = 0;
    p = tf_dissect(&f, NG_DLT_EN10MB);
    assert_int_equal(p.anomalies, NG_PKT_MALFORMED);

    /* UDP length beyond the IP payload. */
    tframe u = { .n = 0 };
    tf_eth(&u, 0x0800);
    uint32_t ip = tf_ipv4(&u, 17, 0, 0);
    uint32_t udp = tf_udp(&u);
    tf_zeros(&u, 4);
    tf_ipv4_done(&u, ip);
    tf_set16(&u, udp + 4, 400);
    p = tf_dissect(&u, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:ipv4:udp");
    assert_int_equal(p.anomalies, NG_PKT_MALFORMED);

    /* A frame that ends inside the IPv4 header, on the wire too. */
    f = tcp_frame(5, 0);
    p = tf_dissect_cut(&f, NG_DLT_EN10MB, 30, 30);
    assert_string_equal(tf_layers(&p), "eth");
    assert_int_equal(p.anomalies, NG_PKT_MALFORMED);
}

static void ip_length_zero_means_rest_of_frame(void **state)
{
    /* TCP segmentation offload captures show total length 0. */
    tframe f = tcp_frame(5, 3000);
    tf_set16(&f, 14 + 2, 0);
    ng_packet p = tf_dissect(&f, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:ipv4:tcp");
    assert_int_equal(p.anomalies, 0);
    assert_int_equal(p.payload_len, 3000);
}

static void arp_llc_and_opaque(void **state)
{
    tframe a = { .n = 0 };
    tf_eth(&a, 0x0806);
    tf_u16(&a, 1);
    tf_u16(&a, 0x0800);
    tf_u8(&a, 6);
    tf_u8(&a, 4);
    tf_u16(&a, 1);
    tf_zeros(&a, 20 + 18);
    ng_packet p = tf_dissect(&a, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:arp");
    assert_int_equal(p.l3_len, 28);
    assert_int_equal(p.payload_len, 0);
    assert_int_equal(p.ethertype, 0x0806);

    /* 802.3 + LLC (STP: DSAP 0x42, UI frame), 38 bytes of LLC data, padded. */
    tframe s = { .n = 0 };
    tf_eth(&s, 38);
    tf_u8(&s, 0x42);
    tf_u8(&s, 0x42);
    tf_u8(&s, 0x03);
    tf_zeros(&s, 35 + 8);
    p = tf_dissect(&s, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:llc");
    assert_int_equal(p.ethertype, 0);
    assert_int_equal(p.l2_len, 17);
    assert_int_equal(p.payload_len, 35);
    assert_int_equal(p.anomalies, 0);

    /* 802.3 length larger than the frame. */
    tf_set16(&s, 12, 1400);
    p = tf_dissect(&s, NG_DLT_EN10MB);
    assert_int_equal(p.anomalies, NG_PKT_MALFORMED);

    /* LLC/SNAP carrying IPv4. */
    tframe n = { .n = 0 };
    tf_eth(&n, 0);
    static const uint8_t snap[] = { 0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00 };
    tf_put(&n, snap, sizeof snap);
    uint32_t ip = tf_ipv4(&n, 17, 0, 0);
    uint32_t udp = tf_udp(&n);
    tf_udp_done(&n, udp);
    tf_ipv4_done(&n, ip);
    tf_set16(&n, 12, (uint16_t)(n.n - 14));
    p = tf_dissect(&n, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:llc:ipv4:udp");
    assert_int_equal(p.l2_len, 22);

    /* PTP over Ethernet: kept opaque, the rest of the frame is its payload. */
    tframe o = { .n = 0 };
    tf_eth(&o, 0x88F7);
    tf_zeros(&o, 44);
    p = tf_dissect(&o, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:l3");
    assert_int_equal(p.ethertype, 0x88F7);
    assert_int_equal(p.payload_len, 44);

    /* An IP protocol we do not dissect (PIM). */
    tframe q = { .n = 0 };
    tf_eth(&q, 0x0800);
    ip = tf_ipv4(&q, 103, 0, 0);
    tf_zeros(&q, 30);
    tf_ipv4_done(&q, ip);
    p = tf_dissect(&q, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:ipv4:l4");
    assert_int_equal(p.payload_len, 30);
}

static void mpls_ip_and_pseudowire(void **state)
{
    tframe f = { .n = 0 };
    tf_eth(&f, 0x8847);
    tf_u32(&f, (18u << 12) | 0xFF);          /* label 18 */
    tf_u32(&f, (16u << 12) | 0x100 | 0xFF);  /* label 16, bottom of stack */
    uint32_t ip = tf_ipv4(&f, 17, 0, 0);
    uint32_t udp = tf_udp(&f);
    tf_udp_done(&f, udp);
    tf_ipv4_done(&f, ip);
    ng_packet p = tf_dissect(&f, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:mpls:mpls:ipv4:udp");
    assert_int_equal(p.l2_len, 22);

    tframe pw = { .n = 0 };
    tf_eth(&pw, 0x8847);
    tf_u32(&pw, (100u << 12) | 0x100 | 0xFF);
    tf_u32(&pw, 0);                          /* control word */
    tf_eth(&pw, 0x8100);
    tf_u16(&pw, 42);
    tf_u16(&pw, 0x0800);
    ip = tf_ipv4(&pw, 17, 0, 0);
    udp = tf_udp(&pw);
    tf_udp_done(&pw, udp);
    tf_ipv4_done(&pw, ip);
    p = tf_dissect(&pw, NG_DLT_EN10MB);
    assert_string_equal(tf_layers(&p), "eth:mpls:eth:vlan:ipv4:udp");
    assert_int_equal(p.vlan_id, 42);
    assert_int_equal(p.l2_len, 14 + 4 + 4 + 18);
}

static void nested_pseudowires_are_bounded(void **state)
{
    tframe f = { .n = 0 };
    for (int i = 0; i < 100; i++) {
        tf_eth(&f, 0x8847);
        tf_u32(&f, 0x1FF);
        tf_u32(&f, 0);
    }
    ng_packet p = tf_dissect(&f, NG_DLT_EN10MB);
    /* outer eth:mpls, then two inner eth:mpls levels, then opaque */
    assert_string_equal(tf_layers(&p), "eth:mpls:eth:mpls:eth:mpls:l3");
}

static void zero_length_and_unknown_link(void **state)
{
    tframe f = { .n = 0 };
    ng_packet p = tf_dissect_cut(&f, NG_DLT_EN10MB, 0, 60);
    assert_int_equal(p.n_layers, 0);
    assert_int_equal(p.anomalies, NG_PKT_TRUNCATED);
    p = tf_dissect_cut(&f, NG_DLT_EN10MB, 0, 0);
    assert_int_equal(p.n_layers, 0);
    assert_int_equal(p.anomalies, 0);
    assert_false(ng_linktype_supported(105));
    assert_true(ng_linktype_supported(NG_DLT_LINUX_SLL2));
}

/* Every prefix of every fixture above, and random byte flips, never read past caplen
 * (ASan) and never report more layers than exist. */
static void prefixes_and_mutations_stay_in_bounds(void **state)
{
    tframe frames[4];
    memset(frames, 0, sizeof frames);
    frames[0] = tcp_frame(10, 40);
    memcpy(frames[0].b + 54, TCP_SYN_OPTS, sizeof TCP_SYN_OPTS);
    tf_eth(&frames[1], 0x86DD);
    uint32_t ip = tf_ipv6(&frames[1], 0);
    tf_ipv6_ext(&frames[1], 44, 0);
    tf_u8(&frames[1], 6);
    tf_zeros(&frames[1], 7);
    tf_tcp(&frames[1], 2, TCP_SYN_OPTS, sizeof TCP_SYN_OPTS);
    tf_ipv6_done(&frames[1], ip);
    tf_eth(&frames[2], 0x88A8);
    tf_u16(&frames[2], 5);
    tf_u16(&frames[2], 0x8909);
    tf_zeros(&frames[2], 6);
    tf_u16(&frames[2], 0x0800);
    ip = tf_ipv4(&frames[2], 17, 3, 0);
    tf_udp_done(&frames[2], tf_udp(&frames[2]));
    tf_ipv4_done(&frames[2], ip);
    tf_eth(&frames[3], 0x8847);
    tf_u32(&frames[3], 0x1FF);
    tf_u32(&frames[3], 0);
    tf_eth(&frames[3], 0x0800);
    ip = tf_ipv4(&frames[3], 1, 0, 0);
    tf_zeros(&frames[3], 8);
    tf_ipv4_done(&frames[3], ip);

    const uint32_t links[] = { NG_DLT_EN10MB, NG_DLT_LINUX_SLL, NG_DLT_LINUX_SLL2, NG_DLT_NULL,
                               NG_DLT_RAW_12, NG_DLT_IPV6 };
    uint64_t x = 88172645463325252ull;
    for (int fi = 0; fi < 4; fi++) {
        for (size_t li = 0; li < sizeof links / sizeof links[0]; li++) {
            for (uint32_t cut = 0; cut <= frames[fi].n; cut++) {
                ng_packet p = tf_dissect_cut(&frames[fi], links[li], cut, frames[fi].n);
                assert_true(p.n_layers <= NG_MAX_LAYERS);
                tframe m = frames[fi];
                for (int k = 0; k < 3; k++) {
                    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                    m.b[x % m.n] = (uint8_t)(x >> 32);
                }
                p = tf_dissect_cut(&m, links[li], cut, (uint32_t)(cut + (x >> 40) % 3));
                assert_true(p.n_layers <= NG_MAX_LAYERS);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ethernet_ipv4_tcp_with_options),
        cmocka_unit_test(ethernet_padding_is_not_payload),
        cmocka_unit_test(snapped_frame_reports_wire_payload),
        cmocka_unit_test(qinq_tags),
        cmocka_unit_test(cisco_sgt_between_ethernet_and_ip),
        cmocka_unit_test(linux_cooked_v1_and_v2),
        cmocka_unit_test(raw_ip_link_types),
        cmocka_unit_test(loopback_both_byte_orders),
        cmocka_unit_test(ipv4_options_and_fragments),
        cmocka_unit_test(ipv6_extension_chain),
        cmocka_unit_test(ipv6_overlong_or_lying_chain),
        cmocka_unit_test(lying_headers_are_malformed),
        cmocka_unit_test(ip_length_zero_means_rest_of_frame),
        cmocka_unit_test(arp_llc_and_opaque),
        cmocka_unit_test(mpls_ip_and_pseudowire),
        cmocka_unit_test(nested_pseudowires_are_bounded),
        cmocka_unit_test(zero_length_and_unknown_link),
        cmocka_unit_test(prefixes_and_mutations_stay_in_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
