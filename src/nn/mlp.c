/* mlp.c — dense + activation stacks over preallocated activation buffers. */
#include "nn/mlp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/dense.h"
#include "nn/init.h"

static ng_status check_config(const ng_mlp_config *cfg, ng_error *err)
{
    if (cfg->n_layers < 1 || cfg->n_layers > NG_MLP_MAX_LAYERS)
        return ng_fail(err, NG_EINVAL, "an MLP needs 1 to %d layers, not %zu", NG_MLP_MAX_LAYERS,
                       cfg->n_layers);
    for (size_t l = 0; l <= cfg->n_layers; l++)
        if (cfg->sizes[l] == 0)
            return ng_fail(err, NG_EINVAL, "MLP layer size %zu is zero", l);
    if (cfg->max_batch == 0)
        return ng_fail(err, NG_EINVAL, "MLP max_batch is zero");
    return NG_OK;
}

static ng_status declare_layer(ng_mlp *m, size_t l, ng_params *params, const char *prefix,
                               ng_error *err)
{
    char name[NG_TENSOR_NAME_MAX + 32];
    size_t shape[2] = {m->cfg.sizes[l + 1], m->cfg.sizes[l]};
    snprintf(name, sizeof name, "%s.%zu.weight", prefix, l);
    ng_status st = ng_params_declare(params, name, 2, shape, &m->weight[l], err);
    if (st)
        return st;
    snprintf(name, sizeof name, "%s.%zu.bias", prefix, l);
    return ng_params_declare(params, name, 1, shape, &m->bias[l], err);
}

static ng_status alloc_activations(ng_mlp *m, ng_error *err)
{
    size_t B = m->cfg.max_batch, total = 0, widest = m->cfg.sizes[0];
    for (size_t l = 0; l < m->cfg.n_layers; l++) {
        total += 2 * B * m->cfg.sizes[l + 1];
        if (m->cfg.sizes[l + 1] > widest)
            widest = m->cfg.sizes[l + 1];
    }
    total += 2 * B * widest;
    m->memory = calloc(total, sizeof(float));
    if (!m->memory)
        return ng_fail(err, NG_ENOMEM, "no memory for MLP activations (%zu floats)", total);
    float *p = m->memory;
    for (size_t l = 0; l < m->cfg.n_layers; l++) {
        m->pre[l] = p, p += B * m->cfg.sizes[l + 1];
        m->post[l] = p, p += B * m->cfg.sizes[l + 1];
    }
    m->grad_a = p, p += B * widest;
    m->grad_b = p;
    return NG_OK;
}

ng_status ng_mlp_declare(ng_mlp *m, const ng_mlp_config *cfg, ng_params *params,
                         const char *prefix, ng_error *err)
{
    memset(m, 0, sizeof *m);
    ng_status st = check_config(cfg, err);
    if (st)
        return st;
    m->cfg = *cfg;
    m->params = params;
    for (size_t l = 0; l < cfg->n_layers && !st; l++)
        st = declare_layer(m, l, params, prefix, err);
    return st ? st : alloc_activations(m, err);
}

void ng_mlp_free(ng_mlp *m)
{
    free(m->memory);
    memset(m, 0, sizeof *m);
}

static ng_activation layer_activation(const ng_mlp *m, size_t l)
{
    return l + 1 == m->cfg.n_layers ? m->cfg.output_act : m->cfg.hidden_act;
}

void ng_mlp_init_weights(ng_mlp *m, ng_rng *rng)
{
    for (size_t l = 0; l < m->cfg.n_layers; l++) {
        size_t in = m->cfg.sizes[l], out = m->cfg.sizes[l + 1];
        float *W = ng_params_data(m->params, m->weight[l]);
        ng_activation act = layer_activation(m, l);
        if (act == NG_ACT_RELU || act == NG_ACT_LEAKY_RELU)
            ng_init_he_normal(W, in, act == NG_ACT_RELU ? 0.0f : m->cfg.slope, in * out, rng);
        else
            ng_init_xavier_uniform(W, in, out, in * out, rng);
        ng_init_constant(ng_params_data(m->params, m->bias[l]), out, 0.0f);
    }
}

const float *ng_mlp_forward(ng_mlp *m, const float *x, size_t B)
{
    if (B > m->cfg.max_batch)
        return NULL;
    m->input = x;
    const float *in = x;
    for (size_t l = 0; l < m->cfg.n_layers; l++) {
        size_t C = m->cfg.sizes[l], OC = m->cfg.sizes[l + 1];
        ng_dense_forward(m->pre[l], in, ng_params_data(m->params, m->weight[l]),
                         ng_params_data(m->params, m->bias[l]), B, C, OC);
        ng_activation_forward(layer_activation(m, l), m->cfg.slope, m->post[l], m->pre[l],
                              B * OC);
        in = m->post[l];
    }
    return in;
}

void ng_mlp_backward(ng_mlp *m, const float *dout, float *dx, size_t B)
{
    const float *dpost = dout;
    float *scratch[2] = {m->grad_a, m->grad_b};
    for (size_t l = m->cfg.n_layers; l-- > 0;) {
        size_t C = m->cfg.sizes[l], OC = m->cfg.sizes[l + 1];
        float *dpre = scratch[l & 1];
        ng_activation_backward(layer_activation(m, l), m->cfg.slope, dpre, dpost, m->pre[l],
                               m->post[l], B * OC);
        const float *in = l ? m->post[l - 1] : m->input;
        float *din = l ? scratch[(l + 1) & 1] : dx;
        ng_dense_backward(din, ng_params_grad(m->params, m->weight[l]),
                          ng_params_grad(m->params, m->bias[l]), dpre,
                          in, ng_params_data(m->params, m->weight[l]), B, C, OC);
        dpost = din;
    }
}
