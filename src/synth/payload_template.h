/* payload_template.h — the first bytes of application payloads that dissectors parse.
 *
 * Generated payloads are zero bytes. For most protocols that is fine (tshark shows them
 * as data or continuation), but some dissectors, chosen by port, refuse zeros: DNS-like
 * headers (DNS, mDNS, LLMNR, NBNS), NTP, BOOTP/DHCP, DHCPv6, TFTP, NetBIOS datagrams,
 * RIP, and DNS and SSH over TCP. For those, ng_payload_template writes a minimal valid
 * header at the start of the payload and, for datagrams, adjusts the length to one the
 * protocol allows (NTP 48 bytes; BOOTP at least 244; RIP 4 + 20k; ...). For TCP the
 * length is never changed (sequence numbers depend on it); only bytes are written.
 *
 * Call with the payload length the model proposed; the template returns the length to
 * send and writes at most NG_PAYLOAD_TEMPLATE_MAX bytes into head (the rest of the
 * payload stays zero). *written is 0 when the protocol needs nothing (most ports). */
#ifndef NG_SYNTH_PAYLOAD_TEMPLATE_H
#define NG_SYNTH_PAYLOAD_TEMPLATE_H

#include <stdbool.h>
#include <stdint.h>

#define NG_PAYLOAD_TEMPLATE_MAX 300u

typedef struct ng_payload_context {
    uint8_t ip_proto;       /* 6 or 17 */
    uint16_t server_port;
    uint16_t client_port;
    uint8_t dir;            /* NG_DIR_C2S / NG_DIR_S2C */
    uint64_t index_in_dir;  /* 0 for this direction's first payload-carrying packet */
} ng_payload_context;

/* True when the ports call for a template at all (decided once per flow). */
bool ng_payload_template_needed(uint8_t ip_proto, uint16_t server_port, uint16_t client_port);
/* Smallest non-zero TCP payload the port's dissector accepts (0: any). The generator
 * raises shorter proposals before the TCP state machine sees them. */
uint32_t ng_payload_min_tcp(uint8_t ip_proto, uint16_t server_port, uint16_t client_port);
uint32_t ng_payload_template(const ng_payload_context *ctx, uint32_t len, uint8_t *head,
                             uint32_t *written);

#endif
