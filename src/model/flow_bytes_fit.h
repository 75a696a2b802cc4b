/* flow_bytes_fit.h — a drawn flow's free payload sizes scaled so that its bytes follow the plan.
 *
 * The flow level is conditioned on the planned bytes, not bound by them: generated /
 * planned frame bytes per flow had median 0.86 and 10-90% range 0.46-1.70 on DARPA99
 * Monday, so bytes per flow failed its KS target on every capture while the plans
 * themselves matched the real flows. A flow drawn whole (flow_sampler.c's sample_ahead)
 * has its sizes of two kinds: exact sizes of the vocabulary (0, 1460, a protocol's fixed
 * messages) and "other" sizes drawn from a continuous log-normal. Only the latter are
 * scaled, all by one factor a in [1 / max_factor, max_factor], chosen so that the flow's
 * estimated frame bytes come closest to the plan's; vocabulary sizes, directions, flags
 * and times stay as drawn. A scaled size stays >= 1 when it was > 0 (a data packet stays
 * one) and does not grow past the larger of its drawn size and the frame's payload room.
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
/* Scale the payloads of the p[i] with free_size[i] != 0 (see above) toward target_bytes. */
void ng_flow_bytes_fit(ng_packet_proposal *p, const uint8_t *free_size, uint32_t n,
                       const ng_frame_estimate *e, uint64_t target_bytes, double max_factor);

#endif
