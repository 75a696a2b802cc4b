/* flow_sampler.h — generating one flow's packets from a trained flow level.
 *
 * A sampler is the state of one flow being generated (LSTM state, previous packet,
 * step count, its own random stream), so a generator can interleave thousands of flows
 * and advance each on demand. Usage:
 *
 *   ng_flow_sampler s = {0};                       // or ng_flow_sampler_init(&s)
 *   ng_flow_sampler_begin(fl, &plan, seed, &s, &err);
 *   ng_packet_proposal p;
 *   while (ng_flow_sampler_next(fl, &s, &p)) ...   // false: the flow has ended
 *   ng_flow_sampler_free(&s);                      // begin may be called again before
 *
 * Each step samples the next cluster (or the end of the flow); then direction, TCP
 * flags, payload size (an exact size from the vocabulary, or a log-normal draw for
 * "other", rounded, >= 0) and the inter-arrival time (mixture of Gaussians on log10 s,
 * clamped to the training range; 0 for the first packet) given that cluster.
 * Target packets: when plan->target_packets > 0 the flow has exactly that many packets
 * (the end is suppressed before it and forced at it; the model saw the same remaining
 * count while training, so it also shapes the flow toward its end, e.g. a FIN). When it
 * is 0, the model decides the end (at least 1 packet, at most NG_FLOW_SAMPLER_MAX).
 * Non-TCP flows always get flags 0; "other" flag values are never proposed.
 * TCP flows: a packet synth/tcp_state would drop (duplicate ACK, data or FIN after the
 * side's FIN, a close that leaves planned packets over, a first FIN leaving more than
 * the level's close tail; model/tcp_mirror.h, model/close_tail.h) is drawn again from
 * the same step, up to NG_FLOW_SAMPLER_REDRAWS times, then kept as it is; a refused FIN
 * first takes its cluster out of the step's weights. A redraw reuses the step's network
 * outputs and costs only the draws. Once the mirror
 * sees the connection closed (a RST, or both FINs acknowledged) the flow ends: synth
 * would drop every later packet.
 * Duration: when the plan has 2..NG_FLOW_SAMPLER_MAX target packets and a duration > 0,
 * begin draws the whole flow (at most ~2.4 MB of proposals) and stretches its long gaps
 * so that they add up to the planned duration, and scales its "other" payload sizes (the
 * log-normal draws, not the vocabulary's exact sizes) by one factor within
 * [1/NG_FLOW_SAMPLER_BYTES_FACTOR, NG_FLOW_SAMPLER_BYTES_FACTOR] toward the planned bytes
 * (model/flow_bytes_fit.h); the packets are then handed out by next.
 * The LSTM state is reset every `window` packets, as the training windows were.
 * next on a sampler that was never begun returns false.
 * Same level, plan and seed → the same packets. Not thread-safe per sampler; samplers
 * of one level may run in different threads. */
#ifndef NG_MODEL_FLOW_SAMPLER_H
#define NG_MODEL_FLOW_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"
#include "model/flow_codec.h"
#include "model/flow_bytes_fit.h"
#include "model/flow_level.h"
#include "model/flow_plan.h"
#include "model/tcp_mirror.h"

#define NG_FLOW_SAMPLER_MAX 100000u
/* A redraw costs only the draws (the step's network outputs are kept): about a tenth of
 * a step. DARPA99 HTTP model, 1M packets: 94% of steps keep the first draw, 2% need
 * 1-15 redraws, 3% are stuck (e.g. a FIN proposed while planned packets remain) and use
 * all 16. Fewer redraws let more proposals through that break the plan or the handshake
 * of a weakly trained model (tests/cli/test_generate.c, --level flow). */
#define NG_FLOW_SAMPLER_REDRAWS 16
/* Bound of the factor on a flow's free sizes (model/flow_bytes_fit.h). Fidelity table, 15
 * captures, seeds 1-3: 1.5 / 2 / 3 / 4 / 8 gave bytes per flow 0.299 / 0.291 / 0.286 /
 * 0.283 / 0.282 in-sample (none: 0.322), 0.406 / 0.399 / 0.391 / 0.390 / 0.388 in
 * generalisation (0.421); frame length 0.150 -> 0.146. */
#define NG_FLOW_SAMPLER_BYTES_FACTOR 4.0

typedef struct ng_flow_sampler {
    ng_rng rng;
    double spare_normal;    /* the polar method's second value, when has_spare_normal */
    bool has_spare_normal;
    float *memory;          /* one block: the arrays below */
    size_t capacity;        /* floats in memory */
    float *h, *c;           /* [layers, H] */
    float *gates;           /* [4H] */
    float *cond_gates;      /* [4H] bias + the flow's constant inputs through W_ih */
    const float *step_h;    /* the current step's top-layer h */
    float *head2_h;         /* head 2's logits of head2_cluster for the current step */
    uint16_t head2_cluster; /* UINT16_MAX: none yet this step */
    float *logits;          /* head 1 weights [k + 1] then head 2 [out2] */
    float cluster_sum;      /* sum of head 1's weights for the current step */
    ng_flow_token prev;
    ng_tcp_mirror mirror;   /* TCP flows: what synth/tcp_state would drop */
    uint32_t emitted, target;
    bool tcp, ended;
    /* Flows with a planned duration are drawn whole at begin (gaps scaled to it). */
    ng_packet_proposal *ahead;
    uint8_t *ahead_free;    /* [cap_ahead]: the size was an "other" draw (flow_bytes_fit.h) */
    uint32_t n_ahead, pos_ahead, cap_ahead;
    bool last_free;         /* the last packet's size was an "other" draw */
    bool buffered;
    bool stepwise;          /* set before begin: never draw ahead, never end at a closed
                               connection (teacher-forcing tests feed their own packets) */
} ng_flow_sampler;

void ng_flow_sampler_init(ng_flow_sampler *s);
ng_status ng_flow_sampler_begin(const ng_flow_level *fl, const ng_flow_plan *plan, uint64_t seed,
                                ng_flow_sampler *s, ng_error *err);
bool ng_flow_sampler_next(const ng_flow_level *fl, ng_flow_sampler *s, ng_packet_proposal *out);
void ng_flow_sampler_free(ng_flow_sampler *s);

#endif
