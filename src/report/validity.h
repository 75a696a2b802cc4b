/* validity.h — is a capture's traffic well-formed? Checksums and TCP seq/ack consistency.
 *
 * Checksums are verified from the raw bytes, only where the packet is fully captured
 * (caplen covers the whole IP datagram) and not an IP fragment:
 *   IPv4 header     one's-complement sum over the header (with options) is 0xffff;
 *   TCP, UDP        over the pseudo-header (addresses, protocol, L4 length) and segment;
 *                   an IPv4 UDP checksum of 0 means "none" and is not counted;
 *   ICMP / ICMPv6   over the message (ICMPv6 with its pseudo-header).
 *
 * Seq/ack consistency, per TCP flow and direction d (packets in time order), where
 * len = payload bytes + 1 if SYN + 1 if FIN and comparisons are modulo 2^32:
 *   seq rule   the first packet of d sets next[d] = seq + len. A later packet of d is
 *              consistent when seq == next[d] (in order) or seq + len <= next[d] (a
 *              retransmission or keep-alive of bytes already sent); a packet that skips
 *              ahead (seq > next[d]) claims bytes never sent. Then next[d] = max(next[d],
 *              seq + len).
 *   ack rule   a packet of d with ACK set, once the other direction o has been seen, is
 *              consistent when ack <= next[o]: it never acknowledges unsent bytes.
 * A packet is "checked" when at least one rule applied, "consistent" when all that
 * applied held. */
#ifndef NG_REPORT_VALIDITY_H
#define NG_REPORT_VALIDITY_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/packet.h"

typedef enum ng_csum_kind {
    NG_CSUM_IPV4 = 0, NG_CSUM_TCP, NG_CSUM_UDP, NG_CSUM_ICMP, NG_CSUM_KINDS
} ng_csum_kind;

typedef struct ng_checksum_counts {
    uint64_t checked[NG_CSUM_KINDS];
    uint64_t valid[NG_CSUM_KINDS];
} ng_checksum_counts;

/* Verify what can be verified in one packet and add to the counts. */
void ng_checksum_count(const ng_packet *pkt, const uint8_t *data, ng_checksum_counts *c);
/* "ipv4", "tcp", "udp", "icmp". */
const char *ng_csum_kind_name(ng_csum_kind kind);

typedef struct ng_seqack_state {
    bool seen[2];
    uint32_t next[2];
} ng_seqack_state;

typedef struct ng_seqack_counts {
    uint64_t seq_checked, seq_ok, ack_checked, ack_ok;
    uint64_t checked, consistent; /* packets */
} ng_seqack_counts;

/* Feed one TCP packet of direction dir (0 or 1) of a flow whose state starts zeroed. */
void ng_seqack_update(ng_seqack_state *st, int dir, uint8_t flags, uint32_t seq, uint32_t ack,
                      uint32_t payload_len, ng_seqack_counts *c);

/* Internet checksum (RFC 1071) of a byte string folded into an initial 32-bit sum. */
uint16_t ng_inet_checksum(const uint8_t *data, uint32_t len, uint32_t initial);

#endif
