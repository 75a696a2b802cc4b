/* flow_emitter.h — one active flow of the generator: its plan, the flow level's sampler,
 * the TCP state machine and the segments waiting to be written.
 *
 * Life of an emitter: ng_flow_emitter_begin (plan → frame specs, sampler, TCP state);
 * then ng_flow_emitter_refill fills the queue from the next proposal(s) whenever it is
 * empty, and the generator takes the head (ng_flow_emitter_head_ts / _build_head /
 * _pop) while the head is the earliest packet of all active flows. Times of one flow
 * never decrease, and every queued time is >= the proposal's time, so a merge keyed on
 * the head time writes the whole output in time order.
 *
 * Per protocol:
 *  - TCP: proposals go through synth/tcp_state (start per the plan's start_reason, and
 *    ng_tcp_finish with FIN or RST when the plan ends that way; idle/eof flows end
 *    without teardown). A flow planned to close holds its newest proposals back
 *    (synth/tcp_tail.h) and folds the close into them when the sampler has no more, so
 *    that it keeps its planned packet count. Corrections are counted in the caller's
 *    ng_tcp_fixes.
 *  - UDP: one datagram per proposal (payload clamped to what an IP length can state).
 *  - ICMP / ICMPv6: client→server echo requests (sequence numbers counting up),
 *    server→client echo replies to the last request (a request when none came yet).
 *  - ARP: client→server requests (broadcast), server→client replies.
 *  - LLC (no ethertype, no IP): 802.3/LLC UI frames with the null SAP, payload ≤ 1497.
 *  - Loopback (ethertype 0x9000): ECTP frames with the all-zero body of the Cisco
 *    keepalives seen in DARPA 1999 (skipCount 0, function 0), payload ≤ 1500.
 * Short frames are padded to 60 bytes, or to the plan's plan->eth_min_frame of their
 * direction when set (the shortest frame training had unpadded).
 * Application payloads are zeros, except where a dissector chosen by port needs a header
 * (synth/payload_template.h): TCP proposals are raised to the port's minimum before the
 * state machine sees them, datagram lengths are set to what the protocol allows.
 * Ports whose dissector rejects zero payloads (synth/dissector_ports.h) are moved to the
 * next safe port, unless a class or a template owns them; a TCP flow whose 4-tuple was
 * used before gets the next free client port (tuple_set.h).
 * Flows to a multicast or broadcast server address only send client→server (a group
 * address never sends), with TTL 1 to 224.0.0.0/24 (RFC 3171).
 * A plan with a rhythm (a periodic stream, model/rhythm.h) keeps the sampler's packets
 * but not its gaps: gap i comes from the rhythm's walk (period × a drawn ratio, scaled so
 * that the plan's beats span its target_duration_ns), from a random stream of its own
 * (seed, plan id), so the sampler's draws are the same as without it. A rhythm that
 * leads with one direction (a request/response stream) times only that direction's
 * packets: a leading packet comes one beat after the last one, the others keep the
 * sampler's gap after the packet before them.
 * Other protocols are not generated (ng_emit_kind_of says NG_EMIT_UNSUPPORTED).
 * Missing MAC addresses are derived from the IP address (locally administered 02:..);
 * ARP streams without IPv4 addresses get 10.x.y.z from their MACs. */
#ifndef NG_SYNTH_FLOW_EMITTER_H
#define NG_SYNTH_FLOW_EMITTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "model/flow_level.h"
#include "model/flow_plan.h"
#include "model/flow_sampler.h"
#include "model/rhythm.h"
#include "synth/address_map.h"
#include "synth/frame_spec.h"
#include "synth/tcp_state.h"
#include "synth/tcp_tail.h"
#include "synth/tuple_set.h"

typedef enum ng_emit_kind {
    NG_EMIT_TCP = 0,
    NG_EMIT_UDP,
    NG_EMIT_ICMP,
    NG_EMIT_ARP,
    NG_EMIT_LLC,
    NG_EMIT_LOOPBACK,
    NG_EMIT_UNSUPPORTED
} ng_emit_kind;

/* Corrections besides the TCP state machine's (ng_tcp_fixes). */
typedef struct ng_emit_fixes {
    uint64_t payload_clamped;   /* non-TCP payload cut to what a frame can carry */
    uint64_t payload_adjusted;  /* payload length set for a port's protocol header */
    uint64_t direction_fixed;   /* server→client proposal of a multicast/broadcast flow */
    uint64_t port_moved;        /* port off a dissector that rejects zeros (dissector_ports.h) */
    uint64_t tuple_reuse_moved; /* TCP client port moved: the 4-tuple was used before */
} ng_emit_fixes;

enum { NG_EMIT_QUEUE = 16 }; /* queued segments (a power of two) */

/* Largest payload a non-TCP frame gets (IPv4 UDP: 65535 - 20 - 8). */
#define NG_EMIT_MAX_LLC_PAYLOAD 1497u

typedef struct ng_flow_emitter {
    ng_flow_plan plan;
    ng_flow_sampler sampler;
    ng_tcp_flow tcp;
    ng_frame_spec spec[2];          /* [NG_DIR_C2S], [NG_DIR_S2C] */
    ng_tcp_segment queue[NG_EMIT_QUEUE]; /* ring */
    uint8_t q_head, q_len;
    uint8_t kind;                   /* ng_emit_kind */
    bool sampling;                  /* the sampler may still propose */
    bool closes;                    /* TCP flow the plan ends with FIN or RST */
    bool finish_due;                /* sampling is over: ng_tcp_finish once the tail is out */
    ng_tcp_tail tail;               /* proposals held back while `closes` */
    bool started;                   /* a proposal was taken */
    int64_t clock_ns;               /* time of the latest proposal */
    int64_t last_out_ns;            /* time of the latest written packet */
    uint64_t written;               /* packets written */
    uint16_t icmp_id, icmp_seq;
    uint32_t min_tcp_payload;       /* the server port's dissector minimum (0: none) */
    bool templated;                 /* the ports call for payload templates */
    bool one_way;                   /* server is a group address: client→server only */
    uint64_t payloads_sent[2];      /* payload-carrying packets per direction */
    uint32_t host_slot[2];          /* ng_host_ids slot of each side (IPv4 only) */
    bool has_host_slots;
    uint64_t heap_key_id;           /* tie-break in the generator's heap */
    bool rhythmic;                  /* gaps from rhythm_walk, not from the sampler */
    ng_rhythm_walk rhythm_walk;
    int64_t since_beat_ns;          /* a leading rhythm: time since the last leading packet */
} ng_flow_emitter;

/* Which frames a plan becomes. */
ng_emit_kind ng_emit_kind_of(const ng_flow_plan *plan);

/* Start a flow. cfg is the TCP configuration (shared, must outlive the emitter). The sampler memory of a reused
 * emitter is kept. Fails when the sampler cannot start or memory runs out. */
/* What begin needs from the run: addresses (may be NULL) maps IP addresses, tuples (may
 * be NULL) keeps TCP 4-tuples unique, fixes counts the corrections. */
typedef struct ng_emit_context {
    ng_address_map *addresses;
    ng_tuple_set *tuples;
    ng_emit_fixes *fixes;
} ng_emit_context;

ng_status ng_flow_emitter_begin(ng_flow_emitter *e, const ng_flow_level *fl,
                                const ng_flow_plan *plan, const ng_tcp_config *cfg,
                                uint64_t seed, const ng_emit_context *ctx, ng_error *err);

/* Make the queue non-empty if the flow has anything left; false when it is finished.
 * tcp_fixes and fixes are incremented. */
bool ng_flow_emitter_refill(ng_flow_emitter *e, const ng_flow_level *fl, ng_tcp_fixes *tcp_fixes,
                            ng_emit_fixes *fixes);

/* Queue at least `want` segments (at most NG_EMIT_QUEUE - NG_TCP_MAX_EMIT) if the flow
 * has that many left; false when nothing is queued (the flow is finished). */
bool ng_flow_emitter_prefetch(ng_flow_emitter *e, const ng_flow_level *fl, size_t want,
                              ng_tcp_fixes *tcp_fixes, ng_emit_fixes *fixes);
/* For a TCP flow starting with a handshake (SYN, or SYN/ACK) that has written nothing
 * yet: true and the time of the segment that completes the handshake when it is among
 * the queued ones (prefetch 3 first); false for other flows and for attempts the
 * model does not complete (refused, half-open). */
bool ng_flow_emitter_handshake_done(const ng_flow_emitter *e, int64_t *ts_ns);

static inline int64_t ng_flow_emitter_head_ts(const ng_flow_emitter *e)
{
    return e->queue[e->q_head].ts_ns;
}
static inline const ng_tcp_segment *ng_flow_emitter_head(const ng_flow_emitter *e)
{
    return &e->queue[e->q_head];
}

/* Build the head packet into buf (cap >= NG_FRAME_MAX_HEADERS + 65535); ip_id is the
 * sender's next IPv4 id; payload is 65536 zero bytes of scratch (templates are written
 * into it and cleared again). Returns the frame length (0 only on an impossible spec). */
size_t ng_flow_emitter_build_head(ng_flow_emitter *e, uint16_t ip_id, uint8_t *buf, size_t cap,
                                  uint8_t *payload, ng_emit_fixes *fixes);
/* Drop the head after it was written. */
void ng_flow_emitter_pop(ng_flow_emitter *e);

/* Release the sampler memory. */
void ng_flow_emitter_free(ng_flow_emitter *e);

#endif
