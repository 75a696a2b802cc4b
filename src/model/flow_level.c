/* flow_level.c — the flow level object: creation, generation tables, model file I/O. */
#include "model/flow_level_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/params_io.h"
#include "nn/row_combine.h"

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
    fl->close_tail = NG_CLOSE_TAIL_NONE;
    *out = fl;
    return NG_OK;
}

static void transpose_into(float *dst, size_t ld_dst, const float *src, size_t rows,
                           size_t cols, size_t ld_src)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++)
            dst[c * ld_dst + r] = src[r * ld_src + c];
}

static size_t table_floats(const ng_flow_level *fl)
{
    const ng_flow_codec *c = &fl->net.codec;
    size_t H = fl->net.hidden;
    return (c->input_size + H) * fl->gates_pad + (H + 1) * fl->head1_pad + c->sizes.n + 1 +
           NG_FLOW_LOG1P_TABLE;
}

static void carve_tables(ng_flow_level *fl)
{
    const ng_flow_codec *c = &fl->net.codec;
    size_t H = fl->net.hidden;
    float *p = fl->tables;
    fl->in_proj_t = p, p += c->input_size * fl->gates_pad;
    fl->whh_t = p, p += H * fl->gates_pad;
    fl->head1_t = p, p += H * fl->head1_pad;
    fl->head1_b = p, p += fl->head1_pad;
    fl->size_z = p, p += c->sizes.n + 1;
    fl->log1p_t = p;
}

static void fill_tables(ng_flow_level *fl)
{
    const ng_flow_net *net = &fl->net;
    const ng_flow_codec *c = &net->codec;
    const ng_params *p = &net->params;
    size_t H = net->hidden, G = 4 * H, K = c->k;
    transpose_into(fl->in_proj_t, fl->gates_pad, ng_params_data(p, net->lstm.w_ih[0]), G,
                   c->input_size, c->input_size);
    transpose_into(fl->whh_t, fl->gates_pad, ng_params_data(p, net->lstm.w_hh[0]), G, H, H);
    transpose_into(fl->head1_t, fl->head1_pad, ng_params_data(p, net->head1_w), K + 1, H, H);
    memcpy(fl->head1_b, ng_params_data(p, net->head1_b), (K + 1) * sizeof(float));
    fl->zero_flags_idx = (uint8_t)ng_vocab_index(&c->flags, 0);
    for (size_t i = 0; i < c->sizes.n; i++)
        fl->size_z[i] = ng_flow_codec_payload_z(c, c->sizes.values[i]);
    for (size_t i = 0; i < NG_FLOW_LOG1P_TABLE; i++)
        fl->log1p_t[i] = (float)log1p((double)i);
}

ng_status ng_flow_level_prepare(ng_flow_level *fl, ng_error *err)
{
    const ng_flow_net *net = &fl->net;
    fl->gates_pad = ng_row_combine_pad(4 * net->hidden);
    fl->head1_pad = ng_row_combine_pad(net->codec.k + 1);
    fl->head2_pad = ng_row_combine_pad(net->codec.out2_size);
    free(fl->tables);
    size_t n = table_floats(fl);
    fl->tables = calloc(n, sizeof(float));
    if (!fl->tables)
        return ng_fail(err, NG_ENOMEM, "no memory for the flow level's generation tables");
    carve_tables(fl);
    fill_tables(fl);
    ng_cluster_heads_free(&fl->heads);
    return ng_cluster_heads_build(&fl->heads, net, &fl->support, err);
}

void ng_flow_level_free(ng_flow_level *fl)
{
    if (!fl)
        return;
    ng_flow_net_free(&fl->net);
    ng_cluster_support_free(&fl->support);
    ng_cluster_heads_free(&fl->heads);
    free(fl->tables);
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
    if (fl->close_tail != NG_CLOSE_TAIL_NONE)
        json_object_set_new(o, "close_tail", json_integer((json_int_t)fl->close_tail));
    return o;
}

json_t *ng_flow_level_summary(const ng_flow_level *fl)
{
    json_t *o = architecture_json(fl);
    json_object_set_new(o, "parameters", json_integer((json_int_t)fl->net.params.total));
    if (fl->support.seen)
        json_object_set_new(o, "support",
                            json_sprintf("%zu of %zu (cluster, output) pairs",
                                         ng_cluster_support_count(&fl->support),
                                         fl->support.k * fl->support.width));
    return o;
}

ng_status ng_flow_level_save(const ng_flow_level *fl, ng_model_writer *w, json_t *header,
                             ng_error *err)
{
    if (!json_is_object(header))
        return ng_fail(err, NG_EINVAL, "flow level: the model header must be a JSON object");
    json_object_set_new(header, "flow", architecture_json(fl));
    ng_status st = ng_params_io_add(w, &fl->net.params, err);
    return st ? st : ng_cluster_support_save(&fl->support, w, err);
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
    ng_status st = ng_params_io_load(m, &fl->net.params, err);
    return st ? st : ng_cluster_support_load(&fl->support, &fl->net.codec, m, err);
}

static ng_status expect_tensor(const ng_model_file *m, const char *name, uint32_t rank,
                               uint64_t d0, uint64_t d1, ng_error *err)
{
    uint64_t dims[2] = {d0, d1};
    const ng_model_tensor *t;
    return ng_model_file_tensor(m, name, NG_DTYPE_F32, rank, dims, &t, err);
}

/* Every tensor's shape from the header alone, before anything is allocated: a header
 * that lies about its sizes cannot make the loader allocate more than the file holds. */
static ng_status check_shapes(const ng_model_file *m, const ng_flow_codec *c, size_t H,
                              size_t layers, ng_error *err)
{
    char name[64];
    ng_status st = NG_OK;
    for (size_t l = 0; l < layers && !st; l++) {
        snprintf(name, sizeof name, "flow.lstm.%zu.w_ih", l);
        st = expect_tensor(m, name, 2, 4 * H, l ? H : c->input_size, err);
        snprintf(name, sizeof name, "flow.lstm.%zu.w_hh", l);
        if (!st)
            st = expect_tensor(m, name, 2, 4 * H, H, err);
        snprintf(name, sizeof name, "flow.lstm.%zu.bias", l);
        if (!st)
            st = expect_tensor(m, name, 1, 4 * H, 0, err);
    }
    if (!st)
        st = expect_tensor(m, "flow.head1.w", 2, c->k + 1, H, err);
    if (!st)
        st = expect_tensor(m, "flow.head1.b", 1, c->k + 1, 0, err);
    if (!st)
        st = expect_tensor(m, "flow.head2.w", 2, c->out2_size, H + c->in2_extra, err);
    if (!st)
        st = expect_tensor(m, "flow.head2.b", 1, c->out2_size, 0, err);
    return st;
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
    size_t close_tail = NG_CLOSE_TAIL_NONE; /* optional: models from before it */
    if (!st && json_object_get(o, "close_tail"))
        st = size_field(o, "close_tail", 0, NG_CLOSE_TAIL_MAX, &close_tail, label, err);
    if (!st)
        st = check_shapes(m, &codec, hidden, layers, err);
    if (st)
        return st;
    ng_flow_level *fl;
    st = ng_flow_level_new(&codec, hidden, layers, &fl, err);
    if (st)
        return st;
    fl->net.window = max_steps;
    fl->close_tail = (uint32_t)close_tail;
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
