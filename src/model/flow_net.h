/* flow_net.h — the flow level's network: a stacked LSTM over the step inputs and two
 * output heads, with the masked training loss and its gradient.
 *
 *   h_t = LSTM(x_1..x_t)                                    [H]
 *   head 1: logits over k + 1 (next cluster, k = end)       W1 [k+1, H]
 *   head 2: [h_t ; one-hot true cluster, direction, flags] -> direction, flags, size,
 *           other size, IAT mixture (flow_codec.h layout)   W2 [out2, H + in2_extra]
 *           The weights from direction/flags inputs to the outputs that predict them
 *           (and flags -> direction) are zero at init and their gradients are zeroed,
 *           so Adam never moves them: direction, then flags, then the rest, each given
 *           what comes before it within the packet.
 * Loss per batch = (1 / norm) * sum over steps of
 *   CE(next) + [packet] (CE(dir) + CE(flags) + CE(size)) + [size is other] NLL(size)
 *   + [packet, not first] NLL(IAT)
 * with padding masked. Parameters are named "flow.lstm.<l>.*", "flow.head1.{w,b}",
 * "flow.head2.{w,b}" in one ng_params (the names the model file stores). The network
 * must not be moved in memory after ng_flow_net_init (the LSTM points at its params). */
#ifndef NG_MODEL_FLOW_NET_H
#define NG_MODEL_FLOW_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/rng.h"
#include "model/flow_codec.h"
#include "model/flow_sequences.h"
#include "nn/lstm.h"
#include "nn/params.h"

typedef struct ng_flow_net {
    ng_flow_codec codec;
    size_t hidden, layers, max_batch, max_steps;
    size_t window;  /* training window (steps); the sampler resets its state as often */
    ng_params params;
    ng_lstm lstm;
    size_t head1_w, head1_b, head2_w, head2_b; /* tensor indices in params */
    float *head1, *head2_in, *head2, *dhead1, *dhead2, *dhead2_in, *dh; /* [T*B, ...] */
    float *memory;
} ng_flow_net;

/* Per-step means of the loss parts of one evaluation. */
typedef struct ng_flow_loss {
    double total, next, dir, flags, size, other, iat;
} ng_flow_loss;

ng_status ng_flow_net_init(ng_flow_net *net, const ng_flow_codec *codec, size_t hidden,
                           size_t layers, size_t max_batch, size_t max_steps, ng_error *err);
/* LSTM init (nn/lstm.h), Xavier heads, IAT mixture means spread over [-1.5, 1.5]. */
void ng_flow_net_init_weights(ng_flow_net *net, ng_rng *rng);
void ng_flow_net_free(ng_flow_net *net);
/* Zero the look-ahead blocks of a head-2 weight (or gradient) matrix. */
void ng_flow_net_mask_head2(const ng_flow_net *net, float *w2);

/* Loss of a batch: the sum over unmasked steps divided by batch->norm (the mean per
 * step unless the caller changed norm); with backward, ACCUMULATES the parameter
 * gradients of that value. parts (may be NULL) get the same scaling. */
double ng_flow_net_loss(ng_flow_net *net, const ng_flow_batch *batch, bool backward,
                        ng_flow_loss *parts);

#endif
