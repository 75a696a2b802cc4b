/* l2_frames.h — frames without IP: ARP and 802.2 LLC ("no-flow" traffic).
 *
 * Same contract as frame_builder.h: write into buf, allocate nothing, return the
 * frame length (padded to 60 bytes unless spec->no_eth_pad) or 0 when it does not fit
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

#endif
