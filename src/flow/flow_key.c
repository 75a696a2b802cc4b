/* flow_key.c — building normalised bidirectional keys from packet records. */
#include "flow/flow_key.h"

#include <string.h>

bool ng_packet_has_ports(const ng_packet *pkt)
{
    if (pkt->ip_proto != 6 && pkt->ip_proto != 17)
        return false;
    uint8_t want = pkt->ip_proto == 6 ? NG_LAYER_TCP : NG_LAYER_UDP;
    for (int i = pkt->n_layers - 1; i >= 0; i--)
        if (pkt->layers[i] == want)
            return true;
    return false;
}

static unsigned ip_addr_len(const ng_packet *pkt)
{
    return pkt->src.family == 6 ? 16u : pkt->src.family == 4 ? 4u : 0u;
}

/* Compare endpoint (addr, port) x with y; <0, 0, >0. */
static int endpoint_cmp(const uint8_t *ax, uint16_t px, const uint8_t *ay, uint16_t py,
                        unsigned len)
{
    int c = memcmp(ax, ay, len);
    if (c)
        return c;
    return (int)px - (int)py;
}

static void set_endpoints(ng_flow_key *key, const uint8_t *src, uint16_t sport,
                          const uint8_t *dst, uint16_t dport, unsigned len, bool *src_is_a)
{
    bool src_first = endpoint_cmp(src, sport, dst, dport, len) <= 0;
    key->addr_len = (uint8_t)len;
    memcpy(key->addr_a, src_first ? src : dst, len);
    memcpy(key->addr_b, src_first ? dst : src, len);
    key->port_a = src_first ? sport : dport;
    key->port_b = src_first ? dport : sport;
    *src_is_a = src_first;
}

void ng_flow_key_from_packet(const ng_packet *pkt, ng_flow_key *key, bool *src_is_a)
{
    memset(key, 0, sizeof *key);
    key->ip_proto = pkt->ip_proto;
    if (ng_packet_has_ports(pkt)) {
        key->kind = NG_KEY_PORTS;
        set_endpoints(key, pkt->src.bytes, pkt->sport, pkt->dst.bytes, pkt->dport,
                      ip_addr_len(pkt), src_is_a);
        return;
    }
    key->kind = NG_KEY_NOFLOW;
    key->ethertype = pkt->ethertype;
    if (pkt->has_mac)
        set_endpoints(key, pkt->src_mac, 0, pkt->dst_mac, 0, 6, src_is_a);
    else
        set_endpoints(key, pkt->src.bytes, 0, pkt->dst.bytes, 0, ip_addr_len(pkt), src_is_a);
}
