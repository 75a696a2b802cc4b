/* generator.h — the generation engine: flow plans in, one time-ordered stream of valid
 * frames out.
 *
 * Plans come from a plan source in start-time order (the aggregate level's timeline,
 * a followed capture, or a test's list). Each plan becomes an active flow
 * (flow_emitter.h: the flow level's sampler + synth/tcp_state + frame builders). Active
 * flows sit in a min-heap keyed by the time of their next packet (ties by flow id); the
 * engine repeatedly writes the earliest packet, refills that flow and re-keys it, and
 * starts the next plan as soon as its start time is not later than the heap's minimum.
 * Memory is proportional to the flows active at once, never to the output's size.
 * IPv4 ids count per sending host (host_state.h); --ip-prefix is applied per flow
 * (address_map.h).
 *
 * Stops when the plans run out and every flow has finished, when max_packets packets are
 * written, or at end_ns: packets at or after end_ns are not written (flows still open
 * then are cut, as in a capture that stops). With an end time, a TCP flow whose
 * handshake would complete at or after it is not started at all, so every written
 * handshake is whole. Same flow level, plans and options → the
 * same bytes. */
#ifndef NG_SYNTH_GENERATOR_H
#define NG_SYNTH_GENERATOR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "flow/app_class.h"
#include "model/flow_level.h"
#include "model/flow_plan.h"
#include "synth/address_map.h"
#include "synth/flow_emitter.h"
#include "synth/packet_output.h"
#include "synth/tcp_state.h"

/* A producer of plans in start-time order; next returns false when there are no more
 * (and may set *err with a non-OK status through the user's own state). */
typedef struct ng_plan_source {
    bool (*next)(void *user, ng_flow_plan *plan);
    void *user;
} ng_plan_source;

typedef struct ng_generate_options {
    uint64_t seed;
    int64_t end_ns;               /* no packet at or after this; INT64_MAX: no limit */
    uint64_t max_packets;         /* 0: no limit */
    ng_address_map *addresses;    /* NULL: addresses as planned */
    /* TCP settings per class; NULL entries use ng_tcp_config_default. */
    const ng_tcp_config *tcp_config[NG_APP_COUNT];
    bool progress;                /* progress bar on a terminal */
    uint64_t progress_total;      /* packets expected, 0 if unknown */
} ng_generate_options;

typedef struct ng_generate_stats {
    uint64_t flows;               /* flows started */
    uint64_t flows_unsupported;   /* plans of a protocol we cannot write (skipped) */
    uint64_t flows_cut_in_handshake; /* not started: handshake would end past end_ns */
    uint64_t packets, bytes;
    int64_t first_ns, last_ns;
    uint64_t flows_by_class[NG_APP_COUNT];
    uint64_t packets_by_class[NG_APP_COUNT];
    uint64_t max_active;          /* most flows active at once */
    ng_tcp_fixes tcp_fixes;
    ng_emit_fixes fixes;          /* payload clamps/adjustments, one-way group flows */
    uint64_t build_failures;      /* frames a builder refused (should stay 0) */
    bool stopped_at_end, stopped_at_packets;
} ng_generate_stats;

void ng_generate_options_default(ng_generate_options *opt);

/* Run the engine; frames go to out (opened by the caller, not closed here). */
ng_status ng_generate(const ng_flow_level *fl, const ng_plan_source *plans,
                      const ng_generate_options *opt, ng_packet_output *out,
                      ng_generate_stats *stats, ng_error *err);

/* Sum of every correction (TCP and non-TCP). */
uint64_t ng_generate_corrections(const ng_generate_stats *stats);

#endif
