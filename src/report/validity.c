/* validity.c — checksum verification from raw bytes and per-direction TCP seq/ack rules. */
#include "report/validity.h"

#include <string.h>

static uint32_t sum_words(const uint8_t *data, uint32_t len, uint32_t sum)
{
    uint32_t i = 0;
    for (; i + 1 < len; i += 2)
        sum += (uint32_t)data[i] << 8 | data[i + 1];
    if (i < len)
        sum += (uint32_t)data[i] << 8;
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

uint16_t ng_inet_checksum(const uint8_t *data, uint32_t len, uint32_t initial)
{
    return (uint16_t)~fold(sum_words(data, len, initial));
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void tally(ng_checksum_counts *c, ng_csum_kind kind, bool ok)
{
    c->checked[kind]++;
    c->valid[kind] += ok;
}

/* Pseudo-header sum for TCP/UDP/ICMPv6 over IPv4 or IPv6. */
static uint32_t pseudo_sum(const uint8_t *ip, int version, uint8_t proto, uint32_t l4_len)
{
    uint32_t sum = 0;
    if (version == 4)
        sum = sum_words(ip + 12, 8, 0);
    else
        sum = sum_words(ip + 8, 32, 0);
    return sum + proto + (l4_len >> 16) + (l4_len & 0xffff);
}

static void check_l4(const ng_packet *pkt, const uint8_t *ip, int version, const uint8_t *l4,
                     uint32_t l4_len, ng_checksum_counts *c)
{
    uint8_t proto = pkt->ip_proto;
    if (proto == 6 && l4_len >= 20) {
        tally(c, NG_CSUM_TCP, fold(sum_words(l4, l4_len, pseudo_sum(ip, version, 6, l4_len)))
                                  == 0xffff);
    } else if (proto == 17 && l4_len >= 8) {
        if (version == 4 && be16(l4 + 6) == 0)
            return; /* no checksum sent */
        tally(c, NG_CSUM_UDP,
              fold(sum_words(l4, l4_len, pseudo_sum(ip, version, 17, l4_len))) == 0xffff);
    } else if (proto == 1 && version == 4 && l4_len >= 4) {
        tally(c, NG_CSUM_ICMP, fold(sum_words(l4, l4_len, 0)) == 0xffff);
    } else if (proto == 58 && version == 6 && l4_len >= 4) {
        tally(c, NG_CSUM_ICMP,
              fold(sum_words(l4, l4_len, pseudo_sum(ip, version, 58, l4_len))) == 0xffff);
    }
}

static void check_ipv4(const ng_packet *pkt, const uint8_t *ip, uint32_t avail,
                       ng_checksum_counts *c)
{
    if (avail < 20 || ip[0] >> 4 != 4)
        return;
    uint32_t ihl = (uint32_t)(ip[0] & 0x0f) * 4, total = be16(ip + 2);
    if (ihl < 20 || ihl > avail)
        return;
    tally(c, NG_CSUM_IPV4, fold(sum_words(ip, ihl, 0)) == 0xffff);
    bool fragment = (be16(ip + 6) & 0x3fff) != 0;
    if (fragment || total < ihl || total > avail || (pkt->anomalies & NG_PKT_MALFORMED))
        return;
    check_l4(pkt, ip, 4, ip + ihl, total - ihl, c);
}

static void check_ipv6(const ng_packet *pkt, const uint8_t *ip, uint32_t avail,
                       ng_checksum_counts *c)
{
    if (avail < 40 || ip[0] >> 4 != 6 || (pkt->anomalies & (NG_PKT_FRAGMENT | NG_PKT_MALFORMED)))
        return;
    uint32_t total = 40u + be16(ip + 4), hdr = pkt->l3_len;
    if (hdr < 40 || total < hdr || total > avail)
        return;
    check_l4(pkt, ip, 6, ip + hdr, total - hdr, c);
}

void ng_checksum_count(const ng_packet *pkt, const uint8_t *data, ng_checksum_counts *c)
{
    if (!data || pkt->ip_version == 0 || pkt->l2_len >= pkt->caplen)
        return;
    const uint8_t *ip = data + pkt->l2_len;
    uint32_t avail = pkt->caplen - pkt->l2_len;
    if (pkt->ip_version == 4)
        check_ipv4(pkt, ip, avail, c);
    else if (pkt->ip_version == 6)
        check_ipv6(pkt, ip, avail, c);
}

const char *ng_csum_kind_name(ng_csum_kind kind)
{
    static const char *const names[NG_CSUM_KINDS] = {"ipv4", "tcp", "udp", "icmp"};
    return (unsigned)kind < NG_CSUM_KINDS ? names[kind] : "?";
}

/* a <= b in sequence space (RFC 793 modular comparison). */
static bool seq_le(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) <= 0;
}

void ng_seqack_update(ng_seqack_state *st, int dir, uint8_t flags, uint32_t seq, uint32_t ack,
                      uint32_t payload_len, ng_seqack_counts *c)
{
    uint32_t len = payload_len + !!(flags & NG_TCP_SYN) + !!(flags & NG_TCP_FIN);
    uint32_t end = seq + len;
    bool checked = false, ok = true;
    /* A SYN that is not a retransmission opens a new connection on the same 5-tuple (the
     * evaluation's flows have no timeout): a new sequence space, not a skip ahead. A SYN
     * without ACK also ends the peer's old space; its SYN-ACK will start a new one. */
    if ((flags & NG_TCP_SYN) && st->seen[dir] && !seq_le(end, st->next[dir])) {
        st->seen[dir] = false;
        if (!(flags & NG_TCP_ACK))
            st->seen[!dir] = false;
    }
    if (st->seen[dir]) {
        bool seq_ok = seq == st->next[dir] || seq_le(end, st->next[dir]);
        c->seq_checked++;
        c->seq_ok += seq_ok;
        checked = true;
        ok = seq_ok;
        if (!seq_le(end, st->next[dir]))
            st->next[dir] = end;
    } else {
        st->seen[dir] = true;
        st->next[dir] = end;
    }
    int other = !dir;
    if ((flags & NG_TCP_ACK) && st->seen[other]) {
        bool ack_ok = seq_le(ack, st->next[other]);
        c->ack_checked++;
        c->ack_ok += ack_ok;
        checked = true;
        ok = ok && ack_ok;
    }
    c->checked += checked;
    c->consistent += checked && ok;
}
