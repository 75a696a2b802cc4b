/* packet.c — names and text forms of what a packet record holds: IP protocol names,
 * layer names, addresses (dotted quad; IPv6 in the RFC 5952 canonical form) and the
 * layer stack ("eth:vlan:ipv4:tcp"). All writers truncate safely to the buffer. */
#include "capture/packet.h"

#include <stdio.h>
#include <string.h>

const char *ng_ip_proto_name(uint8_t proto)
{
    static char numbers[256][4];
    switch (proto) {
    case 0: return "hopopt";
    case 1: return "icmp";
    case 2: return "igmp";
    case 4: return "ipip";
    case 6: return "tcp";
    case 17: return "udp";
    case 41: return "ipv6";
    case 43: return "ipv6-route";
    case 44: return "ipv6-frag";
    case 47: return "gre";
    case 50: return "esp";
    case 51: return "ah";
    case 58: return "icmpv6";
    case 59: return "ipv6-nonxt";
    case 60: return "ipv6-opts";
    case 88: return "eigrp";
    case 89: return "ospf";
    case 103: return "pim";
    case 112: return "vrrp";
    case 132: return "sctp";
    default: break;
    }
    /* Each number has its own fixed slot, so the result stays valid and thread-safe
     * enough (every writer writes the same bytes). */
    char *slot = numbers[proto];
    snprintf(slot, sizeof numbers[proto], "%u", (unsigned)proto);
    return slot;
}

const char *ng_layer_name(ng_layer layer)
{
    static const char *const names[NG_LAYER_COUNT] = {
        [NG_LAYER_NONE] = "none",     [NG_LAYER_ETH] = "eth",
        [NG_LAYER_VLAN] = "vlan",     [NG_LAYER_SGT] = "sgt",
        [NG_LAYER_SLL] = "sll",       [NG_LAYER_SLL2] = "sll2",
        [NG_LAYER_LOOP] = "loop",     [NG_LAYER_LLC] = "llc",
        [NG_LAYER_ARP] = "arp",       [NG_LAYER_IPV4] = "ipv4",
        [NG_LAYER_IPV6] = "ipv6",     [NG_LAYER_IPV6_EXT] = "ipv6ext",
        [NG_LAYER_TCP] = "tcp",       [NG_LAYER_UDP] = "udp",
        [NG_LAYER_ICMP] = "icmp",     [NG_LAYER_ICMPV6] = "icmpv6",
        [NG_LAYER_OTHER_L3] = "l3",   [NG_LAYER_OTHER_L4] = "l4",
        [NG_LAYER_MPLS] = "mpls",
    };
    if ((unsigned)layer >= NG_LAYER_COUNT)
        return "?";
    return names[layer];
}

/* The longest run of at least two zero 16-bit groups (first on ties); *len 0 if none. */
static void longest_zero_run(const uint16_t g[8], int *start, int *len)
{
    *start = -1;
    *len = 0;
    for (int i = 0; i < 8;) {
        if (g[i] != 0) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && g[j] == 0)
            j++;
        if (j - i > *len && j - i >= 2) {
            *start = i;
            *len = j - i;
        }
        i = j;
    }
}

static bool is_ipv4_mapped(const uint8_t *b)
{
    static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF };
    return memcmp(b, prefix, sizeof prefix) == 0;
}

static void format_ipv6(const uint8_t *b, char *buf, unsigned len)
{
    if (is_ipv4_mapped(b)) {
        snprintf(buf, len, "::ffff:%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
        return;
    }
    uint16_t g[8];
    for (int i = 0; i < 8; i++)
        g[i] = (uint16_t)(b[2 * i] << 8 | b[2 * i + 1]);
    int zstart, zlen;
    longest_zero_run(g, &zstart, &zlen);

    char tmp[48];
    size_t n = 0;
    for (int i = 0; i < 8; i++) {
        if (i == zstart) {
            tmp[n++] = ':';
            if (i == 0)
                tmp[n++] = ':';
            i += zlen - 1;
            continue;
        }
        n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%x", (unsigned)g[i]);
        if (i < 7)
            tmp[n++] = ':';
    }
    tmp[n] = '\0';
    snprintf(buf, len, "%s", tmp);
}

void ng_addr_format(const ng_addr *addr, char *buf, unsigned len)
{
    if (!buf || len == 0)
        return;
    buf[0] = '\0';
    if (!addr)
        return;
    const uint8_t *b = addr->bytes;
    if (addr->family == 4)
        snprintf(buf, len, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    else if (addr->family == 6)
        format_ipv6(b, buf, len);
}

void ng_layers_format(const ng_packet *pkt, char *buf, unsigned len)
{
    if (!buf || len == 0)
        return;
    buf[0] = '\0';
    size_t used = 0;
    unsigned n = pkt->n_layers < NG_MAX_LAYERS ? pkt->n_layers : NG_MAX_LAYERS;
    for (unsigned i = 0; i < n && used + 1 < len; i++) {
        int w = snprintf(buf + used, len - used, "%s%s", i ? ":" : "",
                         ng_layer_name((ng_layer)pkt->layers[i]));
        if (w < 0)
            break;
        used += (size_t)w;
    }
}
