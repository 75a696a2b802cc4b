/* packet_level_internal.h — the packet level's struct, shared by its training
 * (packet_level.c), model-file (packet_level_io.c) and sampling (packet_level_sample.c)
 * files. Not for use outside them. */
#ifndef NG_MODEL_PACKET_LEVEL_INTERNAL_H
#define NG_MODEL_PACKET_LEVEL_INTERNAL_H

#include <stdbool.h>

#include "model/packet_level.h"
#include "nn/params.h"
#include "nn/vae.h"
#include "stats/gmm.h"

#define NG_PACKET_VAE_PREFIX "packet.vae"
#define NG_PACKET_GMM_PREFIX "packet.gmm"
#define NG_PACKET_IAT_RESIDUAL "packet.iat_residual_std"

/* What training measured, kept in the model file (no wall-clock time, so that the
 * same data and seed give the same bytes). */
typedef struct ng_packet_training {
    double initial_val_loss, final_val_loss, final_train_loss;
    uint64_t epochs, best_epoch;
    uint64_t train_packets, val_packets;
    bool validation; /* false: too few flows, losses are on the training packets */
} ng_packet_training;

struct ng_packet_level {
    ng_packet_level_config cfg; /* architecture and training settings as used */
    ng_packet_features features;
    ng_params params;
    ng_vae *vae; /* behind a pointer: sampling from a const level uses its buffers */
    ng_gmm *gmm;
    double *cum_weights; /* [k] cumulative mixture weights */
    ng_packet_cluster_summary *clusters; /* [k] */
    /* [k] std of (standardised log IAT - its decoding from the latent mean) over the
     * cluster's non-first training packets: the spread the decoder's mean cannot give. */
    double *iat_resid_std;
    ng_packet_training training;
    float *z, *decoded; /* sampling scratch: [block, latent], [block, width] */
    size_t *component;  /* sampling scratch: [block] */
};

/* Declare the VAE for pl->cfg and pl->features, allocate its parameters (zeroed) and
 * the sampling scratch. */
ng_status ng_packet_level_build_network(ng_packet_level *pl, ng_error *err);
/* Derived data of pl->gmm (cumulative weights, summary weights); call once it is set. */
ng_status ng_packet_level_attach_gmm(ng_packet_level *pl, ng_error *err);
/* An empty level (all pointers NULL). */
ng_packet_level *ng_packet_level_alloc(ng_error *err);

json_t *ng_packet_level_config_to_json(const ng_packet_level_config *cfg);
json_t *ng_packet_level_clusters_to_json(const ng_packet_level *pl);
json_t *ng_packet_level_training_to_json(const ng_packet_training *t);

#endif
