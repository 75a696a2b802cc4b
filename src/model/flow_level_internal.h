/* flow_level_internal.h — the flow level's object, shared by its training, model-file
 * and sampler code (not for other modules).
 *
 * Besides the network, a level keeps tables that make single-step generation cheap
 * (nn/row_combine.h): every product is a sum of scaled rows of a transposed table whose
 * rows are padded to a multiple of 8 floats.
 *   in_proj_t [input_size, gates_pad]  layer 0's W_ih^T: a one-hot input adds one row
 *   whh_t     [H, gates_pad]           layer 0's W_hh^T
 *   head1_t   [H, head1_pad], head1_b [head1_pad]
 *   heads                              head 2 per cluster, cut to the outputs of its
 *                                      support (model/cluster_heads.h); head2_pad floats
 *                                      hold any one of them
 *   size_z    [sizes.n]                payload z of each kept size
 *   log1p_t   [NG_FLOW_LOG1P_TABLE]    log1p(i) for the progress features */
#ifndef NG_MODEL_FLOW_LEVEL_INTERNAL_H
#define NG_MODEL_FLOW_LEVEL_INTERNAL_H

#include "model/close_tail.h"
#include "model/cluster_heads.h"
#include "model/cluster_support.h"
#include "model/flow_level.h"
#include "model/flow_net.h"

#define NG_FLOW_LOG1P_TABLE 4096
struct ng_flow_level {
    ng_flow_net net;
    size_t gates_pad, head1_pad, head2_pad;
    float *tables; /* one block holding the tables below */
    float *in_proj_t, *whh_t, *head1_t, *head1_b;
    float *size_z, *log1p_t;
    uint8_t zero_flags_idx; /* flags index of the value 0 (non-TCP packets) */
    uint32_t close_tail;    /* model/close_tail.h; NG_CLOSE_TAIL_NONE: no rule */
    ng_cluster_support support;
    ng_cluster_heads heads;
};

/* A level with a network of the codec's shape (batch 1, 1 step; parameters zero). */
ng_status ng_flow_level_new(const ng_flow_codec *codec, size_t hidden, size_t layers,
                            ng_flow_level **out, ng_error *err);
/* Build the generation tables once the parameters are set. */
ng_status ng_flow_level_prepare(ng_flow_level *fl, ng_error *err);

#endif
