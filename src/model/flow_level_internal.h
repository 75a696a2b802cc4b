/* flow_level_internal.h — the flow level's object, shared by its training, model-file
 * and sampler code (not for other modules).
 *
 * Besides the network, a level keeps two tables that make single-step generation cheap:
 * in_proj_t [input_size, 4H] is layer 0's W_ih transposed, so a one-hot input adds one
 * contiguous row instead of a dense product; cluster_proj_t [k, out2] is the one-hot
 * cluster columns of head 2 transposed, for the same reason. */
#ifndef NG_MODEL_FLOW_LEVEL_INTERNAL_H
#define NG_MODEL_FLOW_LEVEL_INTERNAL_H

#include "model/flow_level.h"
#include "model/flow_net.h"

struct ng_flow_level {
    ng_flow_net net;
    float *in_proj_t;
    float *cluster_proj_t;
};

/* A level with a network of the codec's shape (batch 1, 1 step; parameters zero). */
ng_status ng_flow_level_new(const ng_flow_codec *codec, size_t hidden, size_t layers,
                            ng_flow_level **out, ng_error *err);
/* Build the generation tables once the parameters are set. */
ng_status ng_flow_level_prepare(ng_flow_level *fl, ng_error *err);

#endif
