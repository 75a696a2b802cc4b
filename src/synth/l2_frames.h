/* l2_frames.h — frames without IP: ARP, 802.2 LLC and ECTP loopback ("no-flow" traffic).
 *
 * Same contract as frame_builder.h: write into buf, allocate nothing, return the
 * frame length (padded as eth.h ng_eth_padded_len says) or 0 when it does not fit
 * or the spec is impossible. */
#ifndef NG_SYNTH_L2_FRAMES_H
#define NG_SYNTH_L2_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "synth/frame_spec.h"

/* Ethernet / ARP for IPv4 over Ethernet, op spec->arp_op (NG_ARP_REQUEST or
 * NG_ARP_REPLY). Sender = src_mac / src; target = dst; the target hardware address
 * is dst_mac for a reply and zero for a request (whose Ethernet destination the
 * caller normally sets to ff:ff:ff:ff:ff:ff). src and dst must be IPv4. */
size_t ng_build_arp_frame(uint8_t *buf, size_t cap, const ng_frame_spec *spec);

/* Ethernet 802.3 / LLC (DSAP llc_dsap, SSAP llc_ssap, control llc_control) followed by
 * payload_len opaque bytes; the 802.3 length field states 3 + payload_len, which must
 * stay below 0x0600 (1536) to remain a length and not an ethertype. The header is the
 * 3-byte unnumbered form, so llc_control must have its low two bits set (0x03 = UI). */
size_t ng_build_llc_frame(uint8_t *buf, size_t cap, const ng_frame_spec *spec);

/* Ethernet II / Configuration Testing Protocol (ECTP, "loopback", ethertype 0x9000):
 * skipCount (spec->loop_skip, little-endian as the protocol has it), then one message:
 * function spec->loop_function (little-endian) followed by the 2-byte receipt number
 * spec->loop_receipt for NG_LOOP_REPLY or the 6-byte forward address spec->loop_forward
 * for NG_LOOP_FORWARD, nothing for any other function (0: the all-zero body of the
 * Cisco keepalives in DARPA 1999, skipCount 0 and function 0). payload_len counts every
 * byte after the Ethernet header, as a capture's rows do (DARPA: 46); the bytes after the
 * message header are spec->payload, or zeros. A payload_len shorter than the header
 * gets just the header; more than 1500 bytes is refused. skip must point at the message
 * (loop_skip 0) for tshark to read the function. */
size_t ng_build_loopback_frame(uint8_t *buf, size_t cap, const ng_frame_spec *spec);

#endif
