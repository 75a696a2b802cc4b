/* flow_codec.h — how the flow level turns packets and flow plans into network inputs
 * and outputs, and back: vocabularies, scalers and the vector layouts.
 *
 * A flow of n packets is n + 1 steps. Step t (0 <= t <= n) reads the previous packet
 * (t - 1, or "begin" at t = 0), the flow's conditioning and its progress, and predicts
 * packet t (its cluster, then direction, flags, payload size and inter-arrival time) or,
 * at t = n, the end of the flow (cluster index k).
 *
 * Input vector (one-hot parts first, so generation can gather weight columns):
 *   [prev cluster: k + 1 (k = begin)] [prev flags: vocab + other (all 0 at begin)]
 *   [class: vocab + other] [protocol kind: 5] [start reason: 4] [end reason: 4]
 *   [prev direction] [prev log-IAT z] [prev log1p payload z]
 *   [log target packets z, log target bytes z, log target duration z]
 *   [progress, r = max(target - t, 0): log1p(t) / 4, log1p(r) / 4, 1 / (1 + r)]
 * Head 2 input: [h | one-hot cluster (k) | one-hot direction (2) | one-hot flags (vocab +
 * other)], read autoregressively within the packet: the direction outputs see h and the
 * cluster; the flags outputs also the direction; size and IAT also the flags (the weights
 * that would look ahead are held at zero, flow_net.h).
 * Head 2 output:
 *   [direction: 2] [flags: vocab + other] [size: vocab + other]
 *   [other size: a 1-component nn/mdn.h head on log1p payload z: 3] [IAT: mixture of m
 *   Gaussians on log-IAT z: 3m]
 * IATs are log10 seconds (floored at 1e-7 s) standardised; sampled IATs are clamped to
 * the range seen in training. Scalers and vocabularies come from the training flows. */
#ifndef NG_MODEL_FLOW_CODEC_H
#define NG_MODEL_FLOW_CODEC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "flow/flow.h"
#include "model/dataset.h"
#include "model/flow_plan.h"
#include "model/vocab.h"

enum {
    NG_PROTO_KIND_TCP = 0,
    NG_PROTO_KIND_UDP,
    NG_PROTO_KIND_ICMP,
    NG_PROTO_KIND_ARP,
    NG_PROTO_KIND_OTHER,
    NG_PROTO_KIND_COUNT
};

#define NG_FLOW_MAX_FLAGS 16          /* TCP flag bytes kept as categories */
#define NG_FLOW_IAT_FLOOR_S 1e-7      /* log10 IATs are taken of max(iat, this) */
#define NG_FLOW_PROGRESS_FEATURES 3
#define NG_FLOW_PROGRESS_SCALE 0.25f /* on log1p(t) and log1p(remaining) */
#define NG_FLOW_START_KINDS 4
#define NG_FLOW_END_KINDS 4
#define NG_FLOW_MAX_MIXTURE 32        /* IAT mixture components */

/* What a flow is conditioned on (from a real flow in training, a plan in generation). */
typedef struct ng_flow_condition {
    uint8_t app_class, proto_kind, start_reason, end_reason;
    double packets, bytes, duration_s; /* targets */
} ng_flow_condition;

/* One packet as the flow level sees it. */
typedef struct ng_flow_token {
    uint16_t cluster;
    uint8_t dir;
    uint8_t flag_idx, size_idx; /* vocabulary indices (n = other) */
    bool has_iat;               /* false for a flow's first packet */
    float iat_z;                /* standardised log10 IAT (0 when !has_iat) */
    float payload_z;            /* standardised log1p payload */
} ng_flow_token;

typedef struct ng_scaler {
    double mean, std;
} ng_scaler;

typedef struct ng_flow_codec {
    size_t k, iat_mixture;
    ng_vocab classes, flags, sizes;
    ng_scaler iat, payload, packets, bytes, duration; /* on the log scales above */
    double iat_min_log10, iat_max_log10;               /* clamp for sampled IATs */
    /* input layout */
    size_t in_cluster, in_flags, in_class, in_proto, in_start, in_end;
    size_t in_dir, in_iat, in_payload, in_targets, in_progress, input_size;
    /* head 2 layout: input columns after h, then outputs */
    size_t in2_cluster, in2_dir, in2_flags, in2_extra;
    size_t out_dir, out_flags, out_size, out_other, out_iat, out2_size;
} ng_flow_codec;

uint8_t ng_proto_kind_of(uint8_t ip_proto, uint16_t ethertype);
void ng_flow_condition_of_flow(const ng_flow *flow, ng_flow_condition *c);
void ng_flow_condition_of_plan(const ng_flow_plan *plan, ng_flow_condition *c);

/* Fit vocabularies and scalers on the packets of the given dataset flows. */
ng_status ng_flow_codec_fit(ng_flow_codec *codec, const ng_dataset *ds, size_t k,
                            const size_t *flows, size_t n_flows, size_t size_vocab,
                            size_t iat_mixture, ng_error *err);
/* Compute the layouts from k, iat_mixture and the vocabulary sizes. */
void ng_flow_codec_layout(ng_flow_codec *codec);

ng_flow_token ng_flow_codec_token(const ng_flow_codec *codec, const ng_packet_row *row,
                                  uint16_t cluster);
/* Writes the conditioning part of an input vector. */
void ng_flow_codec_encode_condition(const ng_flow_codec *codec, const ng_flow_condition *c,
                                    float *x);
/* Writes the previous-packet part (prev NULL: begin of flow). */
void ng_flow_codec_encode_prev(const ng_flow_codec *codec, const ng_flow_token *prev, float *x);
/* Writes the NG_FLOW_PROGRESS_FEATURES progress features for step t of a flow with target packets. */
void ng_flow_codec_encode_progress(double t, double target, float *x_progress);

double ng_flow_codec_iat_z(const ng_flow_codec *codec, int64_t iat_ns);
/* Inverse of iat_z, clamped to the training range, in ns; *z_clamped (may be NULL)
 * receives the z of the clamped value. */
int64_t ng_flow_codec_iat_ns(const ng_flow_codec *codec, double z, float *z_clamped);
float ng_flow_codec_payload_z(const ng_flow_codec *codec, uint32_t payload);
/* Inverse of payload_z, rounded, in [0, 65000]. */
uint32_t ng_flow_codec_payload(const ng_flow_codec *codec, double z);

json_t *ng_flow_codec_to_json(const ng_flow_codec *codec);
ng_status ng_flow_codec_from_json(ng_flow_codec *codec, const json_t *obj, const char *label,
                                  ng_error *err);

#endif
