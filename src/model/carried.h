/* carried.h — the streams that run through the whole capture.
 *
 * A capture is a window onto traffic that was running before it began and goes on after
 * it ends. Some flows span most of it: a switch's LLC keep-alives, a loopback beacon, an
 * ARP pair, an NTP or RIP exchange, the three Modbus sessions of an ICS capture, the one
 * QUIC connection of a page load. They are not arrivals inside the window but its
 * background, and they decide the quiet seconds of the throughput series: DARPA 1999
 * Monday has packets in 990 of its 1044 seconds because of them. Modelled as arrivals
 * they start at a random moment, the end of the window cuts them, and a class of a
 * dozen flows draws their size from two examples (generated Monday: 586 empty seconds
 * instead of 54, packets-per-second KS 0.51).
 *
 * So a flow whose duration is at least NG_CARRIED_MIN_COVER of the training span is
 * *carried*: the model keeps its class, protocol, endpoints (host indices of
 * endpoints.h), ports, start/end reasons, where it starts and how long it lasts as
 * fractions of the span, and its packets and bytes. Generation puts every carried
 * stream into the new window at the same fractions of the window, with packets scaled
 * by window / span (the same rate) and bytes by the same factor (the same bytes per
 * packet). The other flows — the arrivals — are trained without them (flow_shapes.h,
 * arrivals.h, the pair and stream tallies of endpoints.h). When every flow is carried,
 * the arrivals are trained on all of them (the model format needs some) and `only`
 * tells the timeline to draw none.
 *
 * A carried stream that keeps time (rhythm.h: ≥ 8 gaps, MAD / median of the gaps ≤ 0.1 —
 * DARPA's LLC keep-alive every 1.00 s, loopback every 10 s, RIP, CDP) also keeps its
 * rhythm, and its plan carries it: synth draws the stream's gaps from it instead of the
 * flow level's IAT mixture, which cannot hold a metronome.
 *
 * JSON (header "aggregate", key "carried", absent when there is none, so older models
 * load as "nothing carried"): {"only": bool, "streams": [{"class", "kind", "client",
 * "server", "client_port", "server_port", "start", "end", "offset", "cover", "packets",
 * "bytes", "rhythm"}]} where "rhythm" {"period_ns", "ratios": [NG_RHYTHM_QUANTILES]} is
 * present only for a periodic stream (models saved before it load without rhythms). */
#ifndef NG_MODEL_CARRIED_H
#define NG_MODEL_CARRIED_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "model/dataset.h"
#include "model/endpoints.h"
#include "model/flow_plan.h"
#include "model/rhythm.h"

#define NG_CARRIED_MIN_COVER 0.5
#define NG_CARRIED_MAX 4096

typedef struct ng_carried_stream {
    uint8_t app_class;
    uint32_t kind;                 /* ng_flow_kind (flow_shapes.h) */
    uint32_t client, server;       /* host indices */
    uint16_t client_port, server_port;
    uint8_t start_reason, end_reason;
    double offset, cover;          /* first packet, duration: fractions of the span */
    uint64_t packets, bytes;       /* over the training span */
    ng_rhythm rhythm;              /* period_ns 0: not periodic */
} ng_carried_stream;

typedef struct ng_carried {
    ng_carried_stream *s;
    size_t n;
    bool only;                     /* every training flow is carried: no arrivals */
} ng_carried;

/* Mark the flows of ds that are carried (duration ≥ NG_CARRIED_MIN_COVER × span_ns);
 * at most NG_CARRIED_MAX, the longest first. Returns how many. */
size_t ng_carried_mark(const ng_dataset *ds, int64_t span_ns, bool *mark);

/* The marked flows as carried streams; their hosts must be in e. The rhythm of each
 * comes from its packets' gaps in ds (none when ds has no packets for it). */
ng_status ng_carried_train(ng_carried *c, const ng_dataset *ds, const bool *mark,
                           int64_t start_ns, int64_t span_ns, const ng_endpoints *e,
                           ng_error *err);
void ng_carried_free(ng_carried *c);

/* Plan of stream i in a window of window_ns from origin_ns (id left 0): start, targets,
 * endpoints, TTLs of its hosts, rhythm. span_ns is the training span. */
void ng_carried_plan(const ng_carried *c, size_t i, const ng_endpoints *e, int64_t span_ns,
                     int64_t origin_ns, double window_ns, ng_flow_plan *plan);

/* The periodic streams for `inspect`: [{class, kind, packets, period_s, gap_ratio_p10,
 * gap_ratio_p90, gap_ratio_max}] (an empty array when none keeps time). */
json_t *ng_carried_rhythms_summary(const ng_carried *c);

/* NULL when nothing is carried. */
json_t *ng_carried_to_json(const ng_carried *c);
/* json may be NULL (nothing carried). Checks classes, host indices, fractions. */
ng_status ng_carried_from_json(ng_carried *c, const json_t *json, const ng_endpoints *e,
                               const char *where, ng_error *err);

#endif
