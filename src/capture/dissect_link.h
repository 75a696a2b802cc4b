/* dissect_link.h — link-layer headers: Ethernet II and 802.3/LLC, Linux cooked capture
 * v1 and v2, BSD loopback. Each reads its header at the start of the frame (Ethernet at
 * off) and hands what follows to the ethertype switch or the IP dissectors. Internal to
 * the dissector; contract as in dissect.h. */
#ifndef NG_CAPTURE_DISSECT_LINK_H
#define NG_CAPTURE_DISSECT_LINK_H

#include "capture/dissect_internal.h"

void ng_dissect_ethernet(ng_dissection *d, uint32_t off);
void ng_dissect_sll(ng_dissection *d);
void ng_dissect_sll2(ng_dissection *d);
/* DLT_NULL and DLT_LOOP: a 4-byte address family, in either byte order. */
void ng_dissect_loopback(ng_dissection *d);
/* 802.2 LLC (and SNAP) occupying llc_wire_len bytes of the frame from off. */
void ng_dissect_llc(ng_dissection *d, uint32_t off, uint32_t llc_wire_len);
/* An ethertype we do not dissect: one opaque layer, the rest of the frame as payload. */
void ng_dissect_opaque_l3(ng_dissection *d, uint32_t off);

#endif
