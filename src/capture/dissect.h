/* dissect.h — turning the raw bytes of one captured frame into an ng_packet.
 *
 * Contract: ng_dissect reads pkt->linktype, pkt->caplen and pkt->wirelen, clears every
 * dissection field of pkt (layers onwards) and fills them from data, which holds
 * pkt->caplen bytes. It never reads past caplen, never allocates and never fails: what
 * it cannot understand it records as an anomaly (NG_PKT_*) and stops at that layer.
 *
 *  - A layer is pushed once its fixed header is captured. A header cut off by the snap
 *    length (caplen < wirelen) stops dissection quietly (NG_PKT_TRUNCATED is set); a
 *    header that does not fit in the frame on the wire, or whose length fields lie
 *    (IPv4 IHL < 5, total length past the frame, TCP data offset < 5 or past the IP
 *    payload, ...), sets NG_PKT_MALFORMED and stops dissection after that layer.
 *  - Lengths are wire truths: payload_len comes from the IP length fields, so Ethernet
 *    padding is not payload and a snapped frame still reports its real payload. An IP
 *    length of 0 (TCP segmentation offload captures) means "the rest of the frame".
 *  - Non-first IP fragments carry no transport layer (NG_PKT_LATER_FRAG); their
 *    payload_len is the whole IP payload. Protocols we do not dissect are kept as one
 *    opaque layer (NG_LAYER_OTHER_L3 / NG_LAYER_OTHER_L4) whose bytes count as payload.
 *  - A zero-length record (caplen 0) yields no layers and no anomaly beyond truncation.
 *  - At most NG_MAX_LAYERS layers are recorded; deeper ones are dissected but not listed. */
#ifndef NG_CAPTURE_DISSECT_H
#define NG_CAPTURE_DISSECT_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/packet.h"

/* Link types (DLT values as libpcap reports them, plus LINKTYPE aliases). */
enum {
    NG_DLT_NULL = 0, NG_DLT_EN10MB = 1, NG_DLT_RAW_12 = 12, NG_DLT_RAW_14 = 14,
    NG_LINKTYPE_RAW = 101, NG_DLT_LOOP = 108, NG_DLT_LINUX_SLL = 113,
    NG_DLT_IPV4 = 228, NG_DLT_IPV6 = 229, NG_DLT_LINUX_SLL2 = 276
};

/* True when ng_dissect understands frames of this link type. */
bool ng_linktype_supported(uint32_t linktype);

void ng_dissect(ng_packet *pkt, const uint8_t *data);

#endif
