/* packet_level.h — the packet level: a VAE over packet features and a Gaussian mixture
 * over its latent space, whose components are the packet "clusters".
 *
 * Training (ng_packet_level_train): encode every packet (packet_features.h), split the
 * FLOWS into train/validation (cfg->validation_fraction, seeded; fewer than
 * NG_PACKET_MIN_VAL_FLOWS flows: no validation, early stopping watches the training
 * loss and the log says so), train the VAE (hidden cfg->packet.hidden, LeakyReLU 0.1,
 * latent cfg->packet.latent, KL weight beta, Adam, clipping at cfg->max_grad_norm, early
 * stopping after cfg->patience epochs, best weights kept), then fit a full-covariance
 * GMM (n_init 2) to the latent means of up to gmm_max_points training packets with K
 * chosen by BIC over [k_min, min(k_max, distinct points)]. Every packet's cluster is the
 * most likely component of its latent mean. A NaN loss is NG_ENUMERIC. Same data and
 * seed give bit-identical parameters (every draw from ng_rng_stream(cfg->seed, id)).
 *
 * Model file: header["packet"] = {config, features (vocabularies, scalers), k, clusters
 * (per-cluster summary), training}; tensors "packet.vae.*" (float32), "packet.gmm.*"
 * (model/gmm_io.h) and "packet.iat_residual_std" (float64 [k]: per cluster, the spread
 * of the log IAT around its decoded mean). Loading checks every piece and names what
 * is wrong.
 *
 * Sampling (ng_packet_level_sample): component by weight (or the one asked for), z from
 * its Gaussian, rows decoded in blocks by one ng_vae_decode call each, the cluster's
 * residual spread added to the log IAT, categories drawn from the decoded probabilities.
 * A level owns scratch buffers used by sampling, so one level must not be sampled from
 * two threads at once (load one per thread). The draws depend on n: sampling 2n packets
 * in one call differs from two calls of n. */
#ifndef NG_MODEL_PACKET_LEVEL_H
#define NG_MODEL_PACKET_LEVEL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"
#include "model/dataset.h"
#include "model/model_file.h"
#include "model/packet_features.h"
#include "model/train_config.h"
#include "model/train_report.h"

#define NG_PACKET_MIN_VAL_FLOWS 10
#define NG_PACKET_SAMPLE_BLOCK 1024 /* rows decoded per ng_vae_decode call */
/* Added to the latent covariances. The latent prior has unit scale and identical
 * packets share one latent mean; with a 1e-6 floor BIC rewards components sitting on
 * single duplicates and K runs to k_max (DARPA99 HTTP: 24 of 24 vs 17 with 1e-3, same
 * sampled marginals). */
#define NG_PACKET_GMM_REG_COVAR 1e-3

typedef struct ng_packet_level ng_packet_level;

/* What a cluster holds, from the training packets assigned to it. */
typedef struct ng_packet_cluster_summary {
    double weight;          /* mixture weight */
    uint64_t packets;       /* training packets assigned */
    double share_c2s;       /* of those packets */
    uint32_t top_tcp_flags; /* most common flags byte (0 for non-TCP) */
    double top_tcp_flags_share;
    double median_payload;  /* bytes */
    double median_iat_s;    /* flow inter-arrival, seconds */
} ng_packet_cluster_summary;

/* cluster_of_packet (ds->n_packets entries, may be NULL), report and k_chosen (may be
 * NULL) are filled on success. */
ng_status ng_packet_level_train(const ng_dataset *ds, const ng_train_config *cfg,
                                ng_packet_level **out, uint16_t *cluster_of_packet,
                                ng_level_report *report, size_t *k_chosen, ng_error *err);

ng_status ng_packet_level_save(const ng_packet_level *pl, ng_model_writer *w, json_t *header,
                               ng_error *err);
ng_status ng_packet_level_load(const ng_model_file *m, ng_packet_level **out, ng_error *err);
void ng_packet_level_free(ng_packet_level *pl);

size_t ng_packet_level_k(const ng_packet_level *pl);
size_t ng_packet_level_latent(const ng_packet_level *pl);
const ng_packet_features *ng_packet_level_features(const ng_packet_level *pl);
/* Per-cluster summaries (ng_packet_level_k entries). */
const ng_packet_cluster_summary *ng_packet_level_clusters(const ng_packet_level *pl);
/* What `necstgen inspect` prints: {"k", "latent", "clusters": [...], "training": {...}}. */
json_t *ng_packet_level_summary(const ng_packet_level *pl);

/* n packets into out; cluster in [0, K) or -1 for a component drawn by weight. */
void ng_packet_level_sample(const ng_packet_level *pl, ng_rng *rng, int cluster, size_t n,
                            ng_packet_sample *out);

#endif
