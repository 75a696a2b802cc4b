/* packet_features.h — one packet as the packet-level VAE sees it, and back.
 *
 * Encoding (ng_packet_features_encode): a dataset row, its flow and its position become
 * one float row of `width` columns, in this order of VAE fields:
 *   categorical (one-hot groups)
 *     direction   2   c2s, s2c
 *     position    5   first, second, third, middle, last (index n-1 when n > 3)
 *     proto kind  7   tcp, udp, icmp, icmpv6, arp, other-ip, other-l2 (from the flow)
 *     app class   |app vocabulary| + 1   classes present in the training data
 *     tcp flags   |flags vocabulary| + 1 (<= 16 kept; non-TCP packets have flags 0)
 *     payload     |size vocabulary| + 1  exact payload lengths (<= size_vocab kept)
 *   continuous (one field of 4 columns, standardised with the stored mean/std)
 *     log1p(frame_len), log1p(payload_len), header_len, log10(flow IAT s + 1e-7)
 * The last group of every vocabulary is "other". Vocabularies and scalers are built
 * from a training dataset (ng_packet_features_build) and (de)serialised as JSON; loading
 * checks every value and refuses a damaged description naming the key.
 *
 * Decoding (ng_packet_features_sample): a decoded row (category probabilities in the
 * one-hot columns, standardised values in the continuous ones) becomes a concrete
 * packet. Categories are SAMPLED from the probabilities (not argmax); continuous values
 * are clamped to the range seen in training; payload_len is the vocabulary's value, or
 * for "other" the rounded continuous payload; frame_len >= header_len + payload_len;
 * the first packet of a flow has IAT 0; non-TCP packets have flags 0. */
#ifndef NG_MODEL_PACKET_FEATURES_H
#define NG_MODEL_PACKET_FEATURES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"
#include "features/rows.h"
#include "flow/flow.h"
#include "model/dataset.h"
#include "model/vocab.h"
#include "nn/vae.h"

typedef enum ng_packet_position {
    NG_POS_FIRST = 0,
    NG_POS_SECOND,
    NG_POS_THIRD,
    NG_POS_MIDDLE,
    NG_POS_LAST,
    NG_POS_COUNT
} ng_packet_position;

typedef enum ng_packet_proto {
    NG_PKT_TCP = 0,
    NG_PKT_UDP,
    NG_PKT_ICMP,
    NG_PKT_ICMPV6,
    NG_PKT_ARP,
    NG_PKT_OTHER_IP,
    NG_PKT_OTHER_L2,
    NG_PKT_PROTO_COUNT
} ng_packet_proto;

/* Categorical groups, in row order. */
enum {
    NG_PF_DIRECTION = 0,
    NG_PF_POSITION,
    NG_PF_PROTO,
    NG_PF_APP,
    NG_PF_FLAGS,
    NG_PF_SIZE,
    NG_PF_N_GROUPS
};

/* Continuous columns, in row order (after the groups). */
enum {
    NG_PF_LOG_FRAME = 0,
    NG_PF_LOG_PAYLOAD,
    NG_PF_HEADER,
    NG_PF_LOG_IAT,
    NG_PF_N_CONTINUOUS
};

#define NG_PF_MAX_FLAGS 16
#define NG_PF_MAX_PAYLOAD 65535u
#define NG_PF_IAT_FLOOR_S 1e-7

/* A standardiser of one continuous column: value = (x - mean) / std; min/max are the
 * training range of x (decoded values are clamped into it). */
typedef struct ng_pf_scaler {
    double mean, std, min, max;
} ng_pf_scaler;

typedef struct ng_packet_features {
    ng_vocab app;   /* app_class values */
    ng_vocab flags; /* TCP flag bytes */
    ng_vocab size;  /* payload lengths */
    ng_pf_scaler scaler[NG_PF_N_CONTINUOUS];
    /* Derived from the above: */
    uint32_t top_app, top_flags; /* most frequent kept values (stand-ins for "other") */
    size_t group_width[NG_PF_N_GROUPS];
    size_t group_offset[NG_PF_N_GROUPS];
    size_t cont_offset; /* first continuous column */
    size_t width;       /* columns of an encoded row */
} ng_packet_features;

/* A generated packet, as decoded. */
typedef struct ng_packet_sample {
    uint8_t direction;   /* NG_DIR_C2S / NG_DIR_S2C */
    uint8_t position;    /* ng_packet_position */
    uint8_t proto_kind;  /* ng_packet_proto */
    uint8_t app_class;   /* ng_app_class */
    uint8_t tcp_flags;   /* 0 unless proto_kind is TCP */
    uint32_t payload_len;
    uint32_t frame_len;  /* >= header_len + payload_len */
    uint32_t header_len;
    int64_t flow_iat_ns; /* 0 for a first packet */
} ng_packet_sample;

/* Position class of packet `index` in a flow of n packets. */
ng_packet_position ng_packet_position_of(uint64_t index, uint64_t n);
/* Protocol kind of a flow (ip_proto, ip_version, ethertype). */
ng_packet_proto ng_packet_proto_of(const ng_flow *flow);
/* "first", "tcp", ... */
const char *ng_packet_position_name(ng_packet_position pos);
const char *ng_packet_proto_name(ng_packet_proto kind);

/* Vocabularies and scalers from every packet of ds (ds->n_packets > 0). */
ng_status ng_packet_features_build(ng_packet_features *pf, const ng_dataset *ds,
                                   size_t size_vocab, ng_error *err);
/* Encode row (of flow `flow` holding n_in_flow packets) into out[pf->width]. */
void ng_packet_features_encode(const ng_packet_features *pf, const ng_packet_row *row,
                               const ng_flow *flow, uint64_t n_in_flow, float *out);
/* Encode every packet of ds into rows [ds->n_packets, width] (caller frees). */
ng_status ng_packet_features_encode_dataset(const ng_packet_features *pf, const ng_dataset *ds,
                                            float **rows, ng_error *err);
/* The VAE fields describing the row layout (groups, then one continuous MSE field). */
void ng_packet_features_vae_fields(const ng_packet_features *pf, ng_vae_config *cfg);

/* A concrete packet from a decoded row, drawing categories with rng. */
void ng_packet_features_sample(const ng_packet_features *pf, const float *decoded, ng_rng *rng,
                               ng_packet_sample *out);

/* {"app_classes": vocab, "tcp_flags": vocab, "payload_sizes": vocab,
 *  "scalers": {"log_frame_len": {mean, std, min, max}, ...}, "width": N} */
json_t *ng_packet_features_to_json(const ng_packet_features *pf);
/* Parse and validate; `where` prefixes messages (e.g. "model.ngm: header 'packet.features'"). */
ng_status ng_packet_features_from_json(ng_packet_features *pf, const json_t *json,
                                       const char *where, ng_error *err);

#endif
