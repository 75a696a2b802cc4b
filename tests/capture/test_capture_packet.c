/* test_capture_packet.c — text forms of packet records: protocol and layer names,
 * addresses (RFC 5952 for IPv6) and layer stacks, including truncation to the buffer. */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

#include "capture/packet.h"

static const char *fmt6(const char *hex32)
{
    static char out[64];
    ng_addr a = { .family = 6 };
    for (int i = 0; i < 16; i++) {
        unsigned v;
        sscanf(hex32 + 2 * i, "%2x", &v);
        a.bytes[i] = (uint8_t)v;
    }
    ng_addr_format(&a, out, sizeof out);
    return out;
}

static void ipv6_is_rfc5952(void **state)
{
    assert_string_equal(fmt6("20010db8000000000000000000000001"), "2001:db8::1");
    assert_string_equal(fmt6("00000000000000000000000000000000"), "::");
    assert_string_equal(fmt6("00000000000000000000000000000001"), "::1");
    assert_string_equal(fmt6("fe800000000000000000000000000000"), "fe80::");
    /* a single zero group is not compressed (5952 4.2.2) */
    assert_string_equal(fmt6("20010db8000000010001000100010001"), "2001:db8:0:1:1:1:1:1");
    /* the longest run wins (4.2.3) */
    assert_string_equal(fmt6("20010000000000010000000000000001"), "2001:0:0:1::1");
    /* on a tie the first run wins */
    assert_string_equal(fmt6("20010db8000000000001000000000001"), "2001:db8::1:0:0:1");
    /* lower case, no leading zeros (4.1, 4.3) */
    assert_string_equal(fmt6("20010DB800AB0CDE000000000000ABCD"), "2001:db8:ab:cde::abcd");
    /* IPv4-mapped addresses keep the dotted quad (5) */
    assert_string_equal(fmt6("00000000000000000000ffffc0000280"), "::ffff:192.0.2.128");
    assert_string_equal(fmt6("ffffffffffffffffffffffffffffffff"),
                        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

static void ipv4_and_empty_addresses(void **state)
{
    char buf[64];
    ng_addr a = { .family = 4, .bytes = { 192, 168, 0, 255 } };
    ng_addr_format(&a, buf, sizeof buf);
    assert_string_equal(buf, "192.168.0.255");
    ng_addr_format(&a, buf, 8);
    assert_string_equal(buf, "192.168");
    ng_addr none = { .family = 0 };
    ng_addr_format(&none, buf, sizeof buf);
    assert_string_equal(buf, "");
}

static void names(void **state)
{
    assert_string_equal(ng_ip_proto_name(6), "tcp");
    assert_string_equal(ng_ip_proto_name(17), "udp");
    assert_string_equal(ng_ip_proto_name(58), "icmpv6");
    assert_string_equal(ng_ip_proto_name(253), "253");
    assert_string_equal(ng_layer_name(NG_LAYER_SGT), "sgt");
    assert_string_equal(ng_layer_name(NG_LAYER_MPLS), "mpls");
    assert_string_equal(ng_layer_name((ng_layer)200), "?");
    for (int l = 0; l < NG_LAYER_COUNT; l++)
        assert_non_null(ng_layer_name((ng_layer)l));
}

static void layer_stacks(void **state)
{
    ng_packet p;
    memset(&p, 0, sizeof p);
    char buf[64];
    ng_layers_format(&p, buf, sizeof buf);
    assert_string_equal(buf, "");
    const uint8_t stack[] = { NG_LAYER_ETH, NG_LAYER_VLAN, NG_LAYER_IPV6, NG_LAYER_IPV6_EXT,
                              NG_LAYER_UDP };
    memcpy(p.layers, stack, sizeof stack);
    p.n_layers = sizeof stack;
    ng_layers_format(&p, buf, sizeof buf);
    assert_string_equal(buf, "eth:vlan:ipv6:ipv6ext:udp");
    ng_layers_format(&p, buf, 10);
    assert_string_equal(buf, "eth:vlan:");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ipv6_is_rfc5952),
        cmocka_unit_test(ipv4_and_empty_addresses),
        cmocka_unit_test(names),
        cmocka_unit_test(layer_stacks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
