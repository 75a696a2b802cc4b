/* cluster_heads.c — head 2 gathered per cluster into compact tables; see cluster_heads.h. */
#include "model/cluster_heads.h"

#include <stdlib.h>
#include <string.h>

#include "nn/row_combine.h"

/* The outputs (head 2 rows, absolute) a cluster's head keeps, in compact order. */
typedef struct kept_outputs {
    size_t n_dir, n_flags, n_sizes, n; /* n: all columns, the mixtures included */
    uint32_t *row;                     /* [out2_size] */
} kept_outputs;

/* Appends the outputs [from, from + count) allowed by the support; none allowed but the
 * "other" entry at `other` (SIZE_MAX: no such rule) → every one of them. */
static size_t keep_group(kept_outputs *kept, const ng_cluster_support *s,
                         const ng_flow_codec *c, size_t k, size_t from, size_t count,
                         size_t other)
{
    size_t start = kept->n, allowed_other = 0;
    for (size_t i = 0; i < count; i++)
        if (ng_cluster_support_allows(s, k, from + i - c->out_dir)) {
            kept->row[kept->n++] = (uint32_t)(from + i);
            allowed_other += i == other;
        }
    if (kept->n - start == allowed_other) { /* only "other" (or nothing): take the group */
        kept->n = start;
        for (size_t i = 0; i < count; i++)
            kept->row[kept->n++] = (uint32_t)(from + i);
    }
    return kept->n - start;
}

static void keep_outputs(kept_outputs *kept, const ng_cluster_support *s,
                         const ng_flow_codec *c, size_t k)
{
    kept->n = 0;
    kept->n_dir = keep_group(kept, s, c, k, c->out_dir, 2, SIZE_MAX);
    kept->n_flags = keep_group(kept, s, c, k, c->out_flags, ng_vocab_size(&c->flags),
                               c->flags.n);
    kept->n_sizes = keep_group(kept, s, c, k, c->out_size, ng_vocab_size(&c->sizes), SIZE_MAX);
    for (size_t o = c->out_other; o < c->out2_size; o++)
        kept->row[kept->n++] = (uint32_t)o;
}

/* Floats of one head's tables: bias, h_t, dir_t, flags_t. */
static size_t head_floats(const ng_flow_codec *c, size_t H, size_t pad)
{
    return (1 + H + 2 + ng_vocab_size(&c->flags)) * pad;
}

/* Column j of the compact tables = head 2's row kept->row[j]. */
static void fill_head(ng_cluster_head *head, float *t, const kept_outputs *kept,
                      const ng_flow_net *net, size_t k)
{
    const ng_flow_codec *c = &net->codec;
    const float *w2 = ng_params_data(&net->params, net->head2_w);
    const float *b2 = ng_params_data(&net->params, net->head2_b);
    size_t H = net->hidden, W2 = H + c->in2_extra, pad = head->pad, F = ng_vocab_size(&c->flags);
    float *bias = t, *h_t = bias + pad, *dir_t = h_t + H * pad, *flags_t = dir_t + 2 * pad;
    for (size_t j = 0; j < kept->n; j++) {
        const float *w = w2 + (size_t)kept->row[j] * W2;
        bias[j] = b2[kept->row[j]] + w[H + c->in2_cluster + k];
        for (size_t i = 0; i < H; i++)
            h_t[i * pad + j] = w[i];
        for (size_t d = 0; d < 2; d++)
            dir_t[d * pad + j] = w[H + c->in2_dir + d];
        for (size_t f = 0; f < F; f++)
            flags_t[f * pad + j] = w[H + c->in2_flags + f];
    }
    head->bias = bias, head->h_t = h_t, head->dir_t = dir_t, head->flags_t = flags_t;
}

static void describe_head(ng_cluster_head *head, uint16_t *index, const kept_outputs *kept,
                          const ng_flow_codec *c)
{
    head->n_dir = kept->n_dir, head->n_flags = kept->n_flags, head->n_sizes = kept->n_sizes;
    head->flags_at = kept->n_dir;
    head->sizes_at = head->flags_at + kept->n_flags;
    head->other_at = head->sizes_at + kept->n_sizes;
    head->iat_at = head->other_at + (c->out_iat - c->out_other);
    head->flags_other_col = SIZE_MAX;
    size_t groups[3] = {c->out_dir, c->out_flags, c->out_size};
    for (size_t j = 0; j < head->other_at; j++) {
        int g = j < head->flags_at ? 0 : j < head->sizes_at ? 1 : 2;
        index[j] = (uint16_t)(kept->row[j] - groups[g]);
        if (g == 1 && index[j] == c->flags.n)
            head->flags_other_col = j;
    }
    head->index = index;
}

static ng_status allocate(ng_cluster_heads *heads, const ng_flow_net *net,
                          const ng_cluster_support *support, kept_outputs *kept, ng_error *err)
{
    const ng_flow_codec *c = &net->codec;
    size_t floats = 0, indices = 0;
    for (size_t k = 0; k < c->k; k++) {
        keep_outputs(kept, support, c, k);
        floats += head_floats(c, net->hidden, ng_row_combine_pad(kept->n));
        indices += kept->n_dir + kept->n_flags + kept->n_sizes;
    }
    heads->head = calloc(c->k, sizeof *heads->head);
    heads->tables = calloc(floats, sizeof(float));
    heads->indices = calloc(indices ? indices : 1, sizeof(uint16_t));
    if (!heads->head || !heads->tables || !heads->indices)
        return ng_fail(err, NG_ENOMEM, "no memory for the flow level's cluster heads");
    return NG_OK;
}

ng_status ng_cluster_heads_build(ng_cluster_heads *heads, const ng_flow_net *net,
                                 const ng_cluster_support *support, ng_error *err)
{
    const ng_flow_codec *c = &net->codec;
    memset(heads, 0, sizeof *heads);
    heads->k = c->k, heads->hidden = net->hidden;
    kept_outputs kept = {.row = malloc(c->out2_size * sizeof(uint32_t))};
    ng_status st = kept.row ? allocate(heads, net, support, &kept, err)
                            : ng_fail(err, NG_ENOMEM, "no memory for the flow level's cluster heads");
    float *t = heads->tables;
    uint16_t *index = heads->indices;
    for (size_t k = 0; st == NG_OK && k < c->k; k++) {
        ng_cluster_head *head = &heads->head[k];
        keep_outputs(&kept, support, c, k);
        head->pad = ng_row_combine_pad(kept.n);
        fill_head(head, t, &kept, net, k);
        describe_head(head, index, &kept, c);
        t += head_floats(c, net->hidden, head->pad);
        index += head->other_at;
    }
    free(kept.row);
    if (st)
        ng_cluster_heads_free(heads);
    return st;
}

void ng_cluster_heads_free(ng_cluster_heads *heads)
{
    free(heads->head);
    free(heads->tables);
    free(heads->indices);
    memset(heads, 0, sizeof *heads);
}

void ng_cluster_head_logits(const ng_cluster_head *head, const float *h, size_t hidden,
                            float *z)
{
    memcpy(z, head->bias, head->pad * sizeof *z);
    ng_row_combine(z, h, head->h_t, hidden, head->pad, head->pad);
}
