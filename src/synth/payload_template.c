/* payload_template.c — minimal headers per well-known port (see payload_template.h). */
#include "synth/payload_template.h"

#include <string.h>

#include "flow/flow.h"

enum {
    P_SSH = 22, P_DNS = 53, P_KRB5 = 88, P_LDAP = 389, P_X11 = 6000, P_BOOTPS = 67, P_BOOTPC = 68, P_TFTP = 69, P_NTP = 123,
    P_NBNS = 137, P_NBDS = 138, P_RIP = 520, P_DHCP6C = 546, P_DHCP6S = 547,
    P_MDNS = 5353, P_LLMNR = 5355
};

static uint16_t template_port(uint8_t proto, uint16_t server_port, uint16_t client_port)
{
    static const uint16_t udp[] = {P_DNS, P_BOOTPS, P_BOOTPC, P_TFTP, P_NTP, P_NBNS, P_NBDS,
                                   P_RIP, P_DHCP6C, P_DHCP6S, P_MDNS, P_LLMNR};
    static const uint16_t tcp[] = {P_SSH, P_DNS, P_KRB5, P_LDAP, P_X11};
    const uint16_t *list = proto == 17 ? udp : tcp;
    size_t n = proto == 17 ? sizeof udp / sizeof udp[0] : sizeof tcp / sizeof tcp[0];
    if (proto != 6 && proto != 17)
        return 0;
    uint16_t ports[2] = {server_port < client_port ? server_port : client_port,
                         server_port < client_port ? client_port : server_port};
    for (int p = 0; p < 2; p++) /* the lower port first, as tshark tries it */
        for (size_t i = 0; i < n; i++)
            if (ports[p] == list[i])
                return list[i];
    return 0;
}

bool ng_payload_template_needed(uint8_t ip_proto, uint16_t server_port, uint16_t client_port)
{
    return template_port(ip_proto, server_port, client_port) != 0;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }

/* 12-byte DNS header, no records: a query from the client, a response from the server. */
static uint32_t dns_header(uint8_t *h, uint8_t dir)
{
    memset(h, 0, 12);
    put16(h, 0x1d2c);
    put16(h + 2, dir == NG_DIR_C2S ? 0x0100 : 0x8180);
    return 12;
}

static uint32_t bootp(uint8_t *h, uint8_t dir, uint32_t *len)
{
    memset(h, 0, 241);
    h[0] = dir == NG_DIR_C2S ? 1 : 2; /* BOOTREQUEST / BOOTREPLY */
    h[1] = 1, h[2] = 6;               /* Ethernet, 6-byte addresses */
    h[236] = 0x63, h[237] = 0x82, h[238] = 0x53, h[239] = 0x63; /* magic cookie */
    h[240] = 0xff;                    /* end option; zeros after it are padding */
    if (*len < 244)
        *len = 244;
    return 241;
}

static uint32_t rip(uint8_t *h, uint8_t dir, uint32_t *len)
{
    uint32_t entries = *len >= 24 ? (*len - 4) / 20 : 1;
    if (entries > 12)
        entries = 12;
    *len = 4 + 20 * entries;
    memset(h, 0, *len);
    h[0] = 2, h[1] = 2;               /* response, version 2 */
    for (uint32_t e = 0; e < entries; e++) {
        uint8_t *r = h + 4 + 20 * e;
        put16(r, 2);                  /* AF_INET */
        r[4] = 10, r[5] = (uint8_t)e; /* 10.e.0.0/16 */
        r[8] = 255, r[9] = 255;
        r[19] = 1;                    /* metric 1 */
    }
    return *len;
}

static uint32_t udp_template(uint16_t port, const ng_payload_context *c, uint32_t *len, uint8_t *h)
{
    switch (port) {
    case P_DNS: case P_MDNS: case P_LLMNR: case P_NBNS:
        if (*len < 12)
            *len = 12;
        return dns_header(h, c->dir);
    case P_BOOTPS: case P_BOOTPC:
        return bootp(h, c->dir, len);
    case P_TFTP:                      /* DATA, block 1 */
        if (*len < 4)
            *len = 4;
        h[0] = 0, h[1] = 3, h[2] = 0, h[3] = 1;
        return 4;
    case P_NTP:                       /* version 4, client (3) / server (4) mode */
        *len = 48;
        memset(h, 0, 48);
        h[0] = c->dir == NG_DIR_C2S ? 0x23 : 0x24;
        h[1] = c->dir == NG_DIR_C2S ? 0 : 2;
        return 48;
    case P_NBDS:                      /* datagram error: type, flags, id, ip, port, code */
        *len = 11;
        memset(h, 0, 11);
        h[0] = 0x13, h[1] = 0x02, h[3] = 1, h[4] = 10, h[7] = 1;
        put16(h + 8, P_NBDS);
        h[10] = 0x82;
        return 11;
    case P_RIP:
        return rip(h, c->dir, len);
    case P_DHCP6C: case P_DHCP6S:     /* Solicit / Reply with a transaction id, no options */
        *len = 4;
        h[0] = c->dir == NG_DIR_C2S ? 1 : 7, h[1] = 0x12, h[2] = 0x34, h[3] = 0x56;
        return 4;
    }
    return 0;
}

static uint32_t tcp_template(uint16_t port, const ng_payload_context *c, uint32_t len, uint8_t *h)
{
    if (port == P_DNS && len >= 14) { /* one whole length-prefixed message per segment */
        put16(h, (uint16_t)(len - 2 > 0xffff ? 0xffff : len - 2));
        return 2 + dns_header(h + 2, c->dir);
    }
    if (port == P_KRB5 && len >= 4) { /* record mark with the reserved bit: not parsed */
        h[0] = 0x80, h[1] = (uint8_t)((len - 4) >> 16), put16(h + 2, (uint16_t)(len - 4));
        return 4;
    }
    if (port == P_LDAP && len >= 1) {
        h[0] = 0xff;
        return 1;
    }
    return 0;
}

uint32_t ng_payload_min_tcp(uint8_t ip_proto, uint16_t server_port, uint16_t client_port)
{
    switch (template_port(ip_proto, server_port, client_port)) {
    case P_SSH: return 8;   /* shorter segments are malformed "encrypted packets" */
    case P_DNS: return 14;  /* length prefix + DNS header */
    case P_LDAP: return 4;  /* a BER tag and length */
    case P_X11: return 8;
    default: return 0;
    }
}

uint32_t ng_payload_template(const ng_payload_context *ctx, uint32_t len, uint8_t *head,
                             uint32_t *written)
{
    *written = 0;
    uint16_t port = template_port(ctx->ip_proto, ctx->server_port, ctx->client_port);
    if (!port)
        return len;
    if (ctx->ip_proto == 17)
        *written = udp_template(port, ctx, &len, head);
    else
        *written = tcp_template(port, ctx, len, head);
    return len;
}
