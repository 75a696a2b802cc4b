/* cluster_support.c — the outputs each cluster was seen with; see cluster_support.h. */
#include "model/cluster_support.h"

#include <stdlib.h>
#include <string.h>

size_t ng_cluster_support_width(const ng_flow_codec *codec)
{
    return codec->out_other - codec->out_dir;
}

ng_status ng_cluster_support_init(ng_cluster_support *s, const ng_flow_codec *codec,
                                  ng_error *err)
{
    s->k = codec->k;
    s->width = ng_cluster_support_width(codec);
    s->seen = calloc(s->k * s->width, 1);
    if (!s->seen)
        return ng_fail(err, NG_ENOMEM, "no memory for the flow level's cluster support");
    return NG_OK;
}

void ng_cluster_support_add(ng_cluster_support *s, const ng_flow_codec *codec,
                            const ng_flow_token *tokens, size_t n)
{
    size_t flags_at = codec->out_flags - codec->out_dir, size_at = codec->out_size - codec->out_dir;
    for (size_t i = 0; i < n; i++) {
        const ng_flow_token *t = &tokens[i];
        if (t->cluster >= s->k)
            continue;
        uint8_t *row = s->seen + (size_t)t->cluster * s->width;
        row[t->dir ? 1 : 0] = 1;
        row[flags_at + t->flag_idx] = 1;
        row[size_at + t->size_idx] = 1;
    }
}

/* The three groups of a row: [0, 2) directions, [2, size_at) flags, [size_at, width). */
static void group_bounds(const ng_cluster_support *s, const ng_flow_codec *codec,
                         size_t bounds[4])
{
    bounds[0] = 0;
    bounds[1] = codec->out_flags - codec->out_dir;
    bounds[2] = codec->out_size - codec->out_dir;
    bounds[3] = s->width;
}

void ng_cluster_support_complete(ng_cluster_support *s, const ng_flow_codec *codec)
{
    size_t b[4];
    group_bounds(s, codec, b);
    for (size_t k = 0; k < s->k; k++) {
        uint8_t *row = s->seen + k * s->width;
        for (int g = 0; g < 3; g++) {
            bool any = false;
            for (size_t i = b[g]; i < b[g + 1]; i++)
                any = any || row[i];
            if (!any)
                memset(row + b[g], 1, b[g + 1] - b[g]);
        }
    }
}

void ng_cluster_support_free(ng_cluster_support *s)
{
    free(s->seen);
    s->seen = NULL;
}

size_t ng_cluster_support_count(const ng_cluster_support *s)
{
    size_t n = 0;
    for (size_t i = 0; s->seen && i < s->k * s->width; i++)
        n += s->seen[i];
    return s->seen ? n : s->k * s->width;
}

ng_status ng_cluster_support_save(const ng_cluster_support *s, ng_model_writer *w,
                                  ng_error *err)
{
    if (!s->seen)
        return NG_OK;
    float *v = malloc(s->k * s->width * sizeof *v);
    if (!v)
        return ng_fail(err, NG_ENOMEM, "no memory to save the cluster support");
    for (size_t i = 0; i < s->k * s->width; i++)
        v[i] = (float)s->seen[i];
    uint64_t dims[2] = {s->k, s->width};
    ng_status st = ng_model_writer_add_f32(w, NG_CLUSTER_SUPPORT_TENSOR, 2, dims, v, err);
    free(v);
    return st;
}

static bool any_seen(const uint8_t *row, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (row[i])
            return true;
    return false;
}

/* Every cluster must allow some direction, some flags and some size. */
static ng_status check_rows(const ng_cluster_support *s, const ng_flow_codec *codec,
                            const char *label, ng_error *err)
{
    size_t flags_at = codec->out_flags - codec->out_dir, size_at = codec->out_size - codec->out_dir;
    for (size_t k = 0; k < s->k; k++) {
        const uint8_t *row = s->seen + k * s->width;
        const char *missing = !any_seen(row, 0, 2)               ? "direction"
                              : !any_seen(row, flags_at, size_at) ? "flags"
                              : !any_seen(row, size_at, s->width) ? "size"
                                                                  : NULL;
        if (missing)
            return ng_fail(err, NG_EFORMAT, "%s: tensor '%s' allows no %s for cluster %zu",
                           label, NG_CLUSTER_SUPPORT_TENSOR, missing, k);
    }
    return NG_OK;
}

ng_status ng_cluster_support_load(ng_cluster_support *s, const ng_flow_codec *codec,
                                  const ng_model_file *m, ng_error *err)
{
    memset(s, 0, sizeof *s);
    if (!ng_model_file_find(m, NG_CLUSTER_SUPPORT_TENSOR))
        return NG_OK; /* a model from before the support: everything allowed */
    const char *label = m->path ? m->path : "model";
    const ng_model_tensor *t;
    uint64_t dims[2] = {codec->k, ng_cluster_support_width(codec)};
    ng_status st = ng_model_file_tensor(m, NG_CLUSTER_SUPPORT_TENSOR, NG_DTYPE_F32, 2, dims, &t,
                                        err);
    if (st)
        return st;
    st = ng_cluster_support_init(s, codec, err);
    if (st)
        return st;
    const float *v = t->data;
    for (size_t i = 0; i < s->k * s->width; i++) {
        if (v[i] != 0.0f && v[i] != 1.0f) {
            ng_cluster_support_free(s);
            return ng_fail(err, NG_EFORMAT, "%s: tensor '%s' holds %g at %zu (0 or 1 expected)",
                           label, NG_CLUSTER_SUPPORT_TENSOR, (double)v[i], i);
        }
        s->seen[i] = v[i] == 1.0f;
    }
    st = check_rows(s, codec, label, err);
    if (st)
        ng_cluster_support_free(s);
    return st;
}
