/* tcp_header.c — TCP header and option writer; see tcp_header.h. */
#include "synth/tcp_header.h"

#include "synth/byteorder.h"

enum { OPT_NOP = 1, OPT_MSS = 2, OPT_WSCALE = 3, OPT_SACK_OK = 4, OPT_TIMESTAMP = 8 };

static uint8_t *put_sack_and_timestamps(uint8_t *p, const ng_tcp_fields *tcp)
{
    bool sack = tcp->opts & NG_TCPOPT_SACK_OK;
    if (!(tcp->opts & NG_TCPOPT_TIMESTAMP)) {
        if (!sack)
            return p;
        p[0] = OPT_NOP, p[1] = OPT_NOP, p[2] = OPT_SACK_OK, p[3] = 2;
        return p + 4;
    }
    if (sack)
        p[0] = OPT_SACK_OK, p[1] = 2;
    else
        p[0] = OPT_NOP, p[1] = OPT_NOP;
    p[2] = OPT_TIMESTAMP, p[3] = 10;
    ng_put_be32(p + 4, tcp->tsval);
    ng_put_be32(p + 8, tcp->tsecr);
    return p + 12;
}

static size_t put_options(uint8_t *p, const ng_tcp_fields *tcp)
{
    uint8_t *start = p;
    if (tcp->opts & NG_TCPOPT_MSS) {
        p[0] = OPT_MSS, p[1] = 4;
        ng_put_be16(p + 2, tcp->mss);
        p += 4;
    }
    p = put_sack_and_timestamps(p, tcp);
    if (tcp->opts & NG_TCPOPT_WSCALE) {
        p[0] = OPT_NOP, p[1] = OPT_WSCALE, p[2] = 3, p[3] = tcp->wscale;
        p += 4;
    }
    return (size_t)(p - start);
}

size_t ng_put_tcp_header(uint8_t *p, uint16_t sport, uint16_t dport, const ng_tcp_fields *tcp)
{
    size_t len = NG_TCP_HEADER_LEN + put_options(p + NG_TCP_HEADER_LEN, tcp);
    ng_put_be16(p, sport);
    ng_put_be16(p + 2, dport);
    ng_put_be32(p + 4, tcp->seq);
    ng_put_be32(p + 8, tcp->ack);
    p[12] = (uint8_t)((len / 4) << 4);
    p[13] = tcp->flags;
    ng_put_be16(p + 14, tcp->window);
    p[16] = p[17] = 0;
    ng_put_be16(p + 18, tcp->urgent);
    return len;
}
