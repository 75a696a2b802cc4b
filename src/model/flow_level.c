/* flow_level.c — the flow level object: creation, generation tables, model file I/O. */
#include "model/flow_level_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ng_status ng_flow_level_new(const ng_flow_codec *codec, size_t hidden, size_t layers,
                            ng_flow_level **out, ng_error *err)
{
    *out = NULL;
    ng_flow_level *fl = calloc(1, sizeof *fl);
    if (!fl)
        return ng_fail(err, NG_ENOMEM, "no memory for the flow level");
    ng_status st = ng_flow_net_init(&fl->net, codec, hidden, layers, 1, 1, err);
    if (st) {
        free(fl);
        return st;
    }
    *out = fl;
    return NG_OK;
}

ng_status ng_flow_level_prepare(ng_flow_level *fl, ng_error *err)
{
    const ng_flow_net *net = &fl->net;
    size_t in = net->codec.input_size, G = 4 * net->hidden, K = net->codec.k;
    size_t O2 = net->codec.out2_size, W2 = net->hidden + K;
    free(fl->in_proj_t);
    free(fl->cluster_proj_t);
    fl->in_proj_t = malloc(in * G * sizeof(float));
    fl->cluster_proj_t = malloc(K * O2 * sizeof(float));
    if (!fl->in_proj_t || !fl->cluster_proj_t)
        return ng_fail(err, NG_ENOMEM, "no memory for the flow level's generation tables");
    const float *w_ih = ng_params_data(&net->params, net->lstm.w_ih[0]);
    for (size_t g = 0; g < G; g++)
        for (size_t i = 0; i < in; i++)
            fl->in_proj_t[i * G + g] = w_ih[g * in + i];
    const float *w2 = ng_params_data(&net->params, net->head2_w);
    for (size_t o = 0; o < O2; o++)
        for (size_t c = 0; c < K; c++)
            fl->cluster_proj_t[c * O2 + o] = w2[o * W2 + net->hidden + c];
    return NG_OK;
}

void ng_flow_level_free(ng_flow_level *fl)
{
    if (!fl)
        return;
    ng_flow_net_free(&fl->net);
    free(fl->in_proj_t);
    free(fl->cluster_proj_t);
    free(fl);
}

size_t ng_flow_level_clusters(const ng_flow_level *fl)
{
    return fl->net.codec.k;
}

static json_t *architecture_json(const ng_flow_level *fl)
{
    json_t *o = ng_flow_codec_to_json(&fl->net.codec);
    json_object_set_new(o, "hidden", json_integer((json_int_t)fl->net.hidden));
    json_object_set_new(o, "layers", json_integer((json_int_t)fl->net.layers));
    json_object_set_new(o, "max_steps", json_integer((json_int_t)fl->net.window));
    return o;
}

json_t *ng_flow_level_summary(const ng_flow_level *fl)
{
    json_t *o = architecture_json(fl);
    json_object_set_new(o, "parameters", json_integer((json_int_t)fl->net.params.total));
    return o;
}

ng_status ng_flow_level_save(const ng_flow_level *fl, ng_model_writer *w, json_t *header,
                             ng_error *err)
{
    if (!json_is_object(header))
        return ng_fail(err, NG_EINVAL, "flow level: the model header must be a JSON object");
    json_object_set_new(header, "flow", architecture_json(fl));
    const ng_params *p = &fl->net.params;
    for (size_t i = 0; i < p->count; i++) {
        const ng_tensor *t = &p->tensors[i];
        uint64_t dims[NG_TENSOR_MAX_DIMS];
        for (int d = 0; d < t->ndim; d++)
            dims[d] = t->shape[d];
        ng_status st = ng_model_writer_add_f32(w, t->name, (uint32_t)t->ndim, dims, t->data, err);
        if (st)
            return st;
    }
    return NG_OK;
}

static ng_status size_field(const json_t *o, const char *key, size_t lo, size_t hi, size_t *out,
                            const char *label, ng_error *err)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < (json_int_t)lo ||
        json_integer_value(v) > (json_int_t)hi)
        return ng_fail(err, NG_EFORMAT, "%s: flow.%s must be an integer in [%zu, %zu]", label,
                       key, lo, hi);
    *out = (size_t)json_integer_value(v);
    return NG_OK;
}

static ng_status load_tensors(ng_flow_level *fl, const ng_model_file *m, ng_error *err)
{
    const ng_params *p = &fl->net.params;
    for (size_t i = 0; i < p->count; i++) {
        const ng_tensor *t = &p->tensors[i];
        uint64_t dims[NG_TENSOR_MAX_DIMS];
        for (int d = 0; d < t->ndim; d++)
            dims[d] = t->shape[d];
        const ng_model_tensor *mt;
        ng_status st = ng_model_file_tensor(m, t->name, NG_DTYPE_F32, (uint32_t)t->ndim, dims,
                                            &mt, err);
        if (st)
            return st;
        memcpy(t->data, mt->data, t->size * sizeof(float));
        for (size_t j = 0; j < t->size; j++)
            if (!isfinite(t->data[j]))
                return ng_fail(err, NG_EFORMAT, "%s: tensor '%s' holds a NaN or Inf at %zu",
                               m->path ? m->path : "model", t->name, j);
    }
    return NG_OK;
}

ng_status ng_flow_level_load(const ng_model_file *m, ng_flow_level **out, ng_error *err)
{
    *out = NULL;
    const char *label = m->path ? m->path : "model";
    const json_t *o = json_object_get(m->header, "flow");
    ng_flow_codec codec;
    size_t hidden, layers, max_steps;
    ng_status st = ng_flow_codec_from_json(&codec, o, label, err);
    if (!st)
        st = size_field(o, "hidden", 1, 4096, &hidden, label, err);
    if (!st)
        st = size_field(o, "layers", 1, NG_LSTM_MAX_LAYERS, &layers, label, err);
    if (!st)
        st = size_field(o, "max_steps", 1, 1u << 20, &max_steps, label, err);
    if (st)
        return st;
    ng_flow_level *fl;
    st = ng_flow_level_new(&codec, hidden, layers, &fl, err);
    if (st)
        return st;
    fl->net.window = max_steps;
    st = load_tensors(fl, m, err);
    if (!st)
        st = ng_flow_level_prepare(fl, err);
    if (st) {
        ng_flow_level_free(fl);
        return st;
    }
    *out = fl;
    return NG_OK;
}
