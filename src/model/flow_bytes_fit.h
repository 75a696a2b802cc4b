/* flow_bytes_fit.h — a drawn flow's payload sizes fitted so that its bytes follow the plan.
 *
 * The flow level is conditioned on the planned bytes, not bound by them: generated /
 * planned frame bytes per flow had median 0.86 and 10-90% range 0.46-1.70 on DARPA99
 * Monday, so bytes per flow failed its KS target on every capture while the plans
 * themselves matched the real flows. A flow drawn whole (flow_sampler.c's sample_ahead)
 * has its sizes of two kinds: exact sizes of the vocabulary (0, 1460, a protocol's fixed
 * messages) and "other" sizes drawn from a continuous log-normal. Only the latter are
 * scaled, all by one factor a in [1 / max_factor, max_factor], chosen so that the flow's
 * estimated frame bytes come closest to the plan's; directions, flags and times stay as
 * drawn. A scaled size stays >= 1 when it was > 0 (a data packet stays one) and does not
 * grow past the larger of its drawn size and the frame's payload room.
 *
 * What the factor leaves (more than 2% of the plan) goes to the flow's last
 * NG_BYTES_FIT_SEGMENTS data segments of vocabulary sizes of at least
 * NG_BYTES_FIT_SEGMENT_MIN bytes, from the end backwards, each within [1, room]. Where a
 * flow's data is in exact sizes the factor has nothing to scale: DARPA99 SMTP drew a
 * 1024-byte segment for a mail body of 449 (the vocabulary's 1024 is the first segment
 * of long bodies), so generated / real bytes per flow had 10-90% 0.80-1.24 with the
 * real plans (`--follow`) and bytes per flow KS 0.197; with the last segments 0.068.
 * Smaller vocabulary sizes are protocol messages (commands, replies) and stay unless a
 * gap is still left then: the last NG_BYTES_FIT_SEGMENTS data segments below
 * NG_BYTES_FIT_SEGMENT_MIN then take it, each within a factor max_factor of its drawn
 * size (a DNS flow's query and response are all its bytes: the PcapPlusPlus example
 * capture drew its most frequent response, 122 bytes, for every flow; bytes per flow KS
 * 0.21 -> 0.14). Two segments, not all, so bulk transfers keep their full-size segments
 * (moving every one moved frame length KS from 0.100 to 0.116 over the fidelity set).
 *
 * Frame bytes are estimated from the plan: Ethernet 14 + IPv4 20 / IPv6 40 + TCP 20 /
 * UDP 8 / ICMP 8 + payload (TCP payloads clamped to 1460 as synth clamps to the MSS),
 * padded to the plan's minimum frame per direction (60 unless the plan says shorter).
 * TCP options are not counted (a few bytes per packet at most, and the same for every
 * candidate factor). */
#ifndef NG_MODEL_FLOW_BYTES_FIT_H
#define NG_MODEL_FLOW_BYTES_FIT_H

#include <stdbool.h>
#include <stdint.h>

#include "model/flow_plan.h"

#define NG_BYTES_FIT_SEGMENTS 2
#define NG_BYTES_FIT_SEGMENT_MIN 200

typedef struct ng_frame_estimate {
    uint32_t header;       /* bytes before the payload */
    uint32_t min_frame[2]; /* per direction (NG_DIR_C2S, NG_DIR_S2C) */
    uint32_t room;         /* payload bytes a scaled size may grow to */
    uint32_t clamp;        /* payloads above this count as this (TCP: the MSS); 0: none */
} ng_frame_estimate;

/* The estimate for the plan's flows; false for flows it does not apply to (non-IP). */
bool ng_frame_estimate_of_plan(const ng_flow_plan *plan, ng_frame_estimate *e);
/* Estimated frame bytes of p[0..n). */
uint64_t ng_frame_estimate_bytes(const ng_frame_estimate *e, const ng_packet_proposal *p,
                                 uint32_t n);
/* Scale the payloads of the p[i] with free_size[i] != 0 toward target_bytes, then give
 * what is left to the last large data segments, then to the last small ones (above). */
void ng_flow_bytes_fit(ng_packet_proposal *p, const uint8_t *free_size, uint32_t n,
                       const ng_frame_estimate *e, uint64_t target_bytes, double max_factor);

#endif
