/* flow_net.c — LSTM + heads of the flow level: declaration, init, loss and gradient. */
#include "model/flow_net.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/dense.h"
#include "nn/init.h"
#include "nn/losses.h"
#include "nn/mdn.h"

static ng_status declare_heads(ng_flow_net *net, ng_error *err)
{
    const ng_flow_codec *c = &net->codec;
    size_t w1[2] = {c->k + 1, net->hidden}, b1[1] = {c->k + 1};
    size_t w2[2] = {c->out2_size, net->hidden + c->in2_extra}, b2[1] = {c->out2_size};
    ng_status st = ng_params_declare(&net->params, "flow.head1.w", 2, w1, &net->head1_w, err);
    if (!st)
        st = ng_params_declare(&net->params, "flow.head1.b", 1, b1, &net->head1_b, err);
    if (!st)
        st = ng_params_declare(&net->params, "flow.head2.w", 2, w2, &net->head2_w, err);
    if (!st)
        st = ng_params_declare(&net->params, "flow.head2.b", 1, b2, &net->head2_b, err);
    return st;
}

static ng_status alloc_buffers(ng_flow_net *net, ng_error *err)
{
    size_t N = net->max_batch * net->max_steps, H = net->hidden, K = net->codec.k;
    size_t O1 = K + 1, O2 = net->codec.out2_size, W2 = H + net->codec.in2_extra;
    size_t total = N * (2 * O1 + 2 * W2 + 2 * O2 + H);
    net->memory = calloc(total, sizeof(float));
    if (!net->memory)
        return ng_fail(err, NG_ENOMEM, "no memory for flow-level activations (%zu floats)", total);
    float *p = net->memory;
    net->head1 = p, p += N * O1;
    net->dhead1 = p, p += N * O1;
    net->head2_in = p, p += N * W2;
    net->dhead2_in = p, p += N * W2;
    net->head2 = p, p += N * O2;
    net->dhead2 = p, p += N * O2;
    net->dh = p;
    return NG_OK;
}

ng_status ng_flow_net_init(ng_flow_net *net, const ng_flow_codec *codec, size_t hidden,
                           size_t layers, size_t max_batch, size_t max_steps, ng_error *err)
{
    memset(net, 0, sizeof *net);
    net->codec = *codec;
    net->hidden = hidden, net->layers = layers;
    net->max_batch = max_batch, net->max_steps = max_steps, net->window = max_steps;
    ng_params_init(&net->params);
    ng_lstm_config lc = {.input_size = codec->input_size, .hidden_size = hidden,
                         .n_layers = layers, .max_batch = max_batch, .max_steps = max_steps};
    ng_status st = ng_lstm_declare(&net->lstm, &lc, &net->params, "flow.lstm", err);
    if (!st)
        st = declare_heads(net, err);
    if (!st)
        st = ng_params_alloc(&net->params, err);
    if (!st)
        st = alloc_buffers(net, err);
    if (st)
        ng_flow_net_free(net);
    return st;
}

void ng_flow_net_free(ng_flow_net *net)
{
    ng_lstm_free(&net->lstm);
    ng_params_free(&net->params);
    free(net->memory);
    net->memory = NULL;
}

void ng_flow_net_mask_head2(const ng_flow_net *net, float *w2)
{
    const ng_flow_codec *c = &net->codec;
    size_t W = net->hidden + c->in2_extra;
    size_t from_dir = net->hidden + c->in2_dir, from_flags = net->hidden + c->in2_flags;
    for (size_t o = c->out_dir; o < c->out_dir + 2; o++)
        memset(w2 + o * W + from_dir, 0, (W - from_dir) * sizeof *w2);
    for (size_t o = c->out_flags; o < c->out_flags + ng_vocab_size(&c->flags); o++)
        memset(w2 + o * W + from_flags, 0, (W - from_flags) * sizeof *w2);
}

void ng_flow_net_init_weights(ng_flow_net *net, ng_rng *rng)
{
    const ng_flow_codec *c = &net->codec;
    size_t H = net->hidden, K = c->k, O2 = c->out2_size, M = c->iat_mixture;
    size_t W2 = H + c->in2_extra;
    ng_lstm_init_weights(&net->lstm, rng);
    ng_init_xavier_uniform(ng_params_data(&net->params, net->head1_w), H, K + 1, (K + 1) * H, rng);
    ng_init_xavier_uniform(ng_params_data(&net->params, net->head2_w), W2, O2, O2 * W2, rng);
    ng_flow_net_mask_head2(net, ng_params_data(&net->params, net->head2_w));
    float *b2 = ng_params_data(&net->params, net->head2_b);
    for (size_t j = 0; j < M; j++) { /* spread the IAT components over the data's range */
        b2[c->out_iat + M + j] = M > 1 ? -1.5f + 3.0f * (float)j / (float)(M - 1) : 0.0f;
        b2[c->out_iat + 2 * M + j] = logf(0.5f);
    }
}

/* [h ; one-hot cluster ; one-hot direction ; one-hot flags] rows for head 2. */
static void build_head2_input(ng_flow_net *net, const float *h, const ng_flow_batch *b)
{
    const ng_flow_codec *c = &net->codec;
    size_t N = b->T * b->B, H = net->hidden, W = H + c->in2_extra;
    memset(net->head2_in, 0, N * W * sizeof(float));
    for (size_t r = 0; r < N; r++) {
        float *row = net->head2_in + r * W;
        memcpy(row, h + r * H, H * sizeof(float));
        if (b->w_packet[r] > 0.0f) {
            row[H + c->in2_cluster + (size_t)b->cluster[r]] = 1.0f;
            row[H + c->in2_dir + (size_t)b->dir[r]] = 1.0f;
            row[H + c->in2_flags + (size_t)b->flags[r]] = 1.0f;
        }
    }
}

static double head_losses(ng_flow_net *net, const ng_flow_batch *b, bool backward,
                          ng_flow_loss *parts)
{
    const ng_flow_codec *c = &net->codec;
    size_t N = b->T * b->B, O2 = c->out2_size, M = c->iat_mixture;
    float scale = (float)(1.0 / b->norm);
    float *d1 = backward ? net->dhead1 : NULL, *d2 = backward ? net->dhead2 : NULL;
    const float *z2 = net->head2;
    ng_flow_loss l;
    l.next = ng_softmax_xent_loss(net->head1, c->k + 1, b->next, d1, N, c->k + 1, b->w_next, scale);
    l.dir = ng_softmax_xent_loss(z2 + c->out_dir, O2, b->dir, d2 ? d2 + c->out_dir : NULL, N,
                                 2, b->w_packet, scale);
    l.flags = ng_softmax_xent_loss(z2 + c->out_flags, O2, b->flags,
                                   d2 ? d2 + c->out_flags : NULL, N,
                                   ng_vocab_size(&c->flags), b->w_packet, scale);
    l.size = ng_softmax_xent_loss(z2 + c->out_size, O2, b->size, d2 ? d2 + c->out_size : NULL,
                                  N, ng_vocab_size(&c->sizes), b->w_packet, scale);
    l.other = ng_mdn_nll_loss(z2 + c->out_other, O2, b->payload_z, 1,
                              d2 ? d2 + c->out_other : NULL, N, 1, b->w_other, scale);
    l.iat = ng_mdn_nll_loss(z2 + c->out_iat, O2, b->iat_z, 1, d2 ? d2 + c->out_iat : NULL, N,
                            M, b->w_iat, scale);
    l.total = l.next + l.dir + l.flags + l.size + l.other + l.iat;
    if (parts)
        *parts = l;
    return l.total;
}

static void backward_pass(ng_flow_net *net, const float *h, const ng_flow_batch *b)
{
    const ng_params *p = &net->params;
    size_t N = b->T * b->B, H = net->hidden, K = net->codec.k, W = H + net->codec.in2_extra;
    ng_dense_backward(net->dhead2_in, ng_params_grad(p, net->head2_w),
                      ng_params_grad(p, net->head2_b), net->dhead2, net->head2_in,
                      ng_params_data(p, net->head2_w), N, W, net->codec.out2_size);
    ng_flow_net_mask_head2(net, ng_params_grad(p, net->head2_w)); /* no looking ahead */
    ng_dense_backward(net->dh, ng_params_grad(p, net->head1_w), ng_params_grad(p, net->head1_b),
                      net->dhead1, h, ng_params_data(p, net->head1_w), N, H, K + 1);
    for (size_t r = 0; r < N; r++)
        for (size_t j = 0; j < H; j++)
            net->dh[r * H + j] += net->dhead2_in[r * W + j];
    ng_lstm_backward(&net->lstm, net->dh, NULL);
}

double ng_flow_net_loss(ng_flow_net *net, const ng_flow_batch *b, bool backward,
                        ng_flow_loss *parts)
{
    const ng_params *p = &net->params;
    size_t N = b->T * b->B, H = net->hidden, K = net->codec.k;
    const float *h = ng_lstm_forward(&net->lstm, b->x, b->lengths, b->T, b->B);
    ng_dense_forward(net->head1, h, ng_params_data(p, net->head1_w),
                     ng_params_data(p, net->head1_b), N, H, K + 1);
    build_head2_input(net, h, b);
    ng_dense_forward(net->head2, net->head2_in, ng_params_data(p, net->head2_w),
                     ng_params_data(p, net->head2_b), N, H + net->codec.in2_extra,
                     net->codec.out2_size);
    double loss = head_losses(net, b, backward, parts);
    if (backward)
        backward_pass(net, h, b);
    return loss;
}
