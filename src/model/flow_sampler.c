/* flow_sampler.c — one flow, packet by packet, from the flow level.
 *
 * Layer 0's input projection is a sum of rows of the transposed W_ih (flow_level_
 * internal.h): the flow's constant conditioning once at begin, then per step the rows of
 * the previous cluster and flags (one-hot) and of the scalar inputs (direction, IAT,
 * payload, progress). W_hh and both heads are products with transposed tables
 * (nn/row_combine.h); head 2 is the drawn cluster's compact head (model/cluster_heads.h).
 * Layers above the first use BLAS. */
#include "model/flow_sampler.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/flow_level_internal.h"
#include "nn/categorical.h"
#include "nn/fastmath.h"
#include "nn/lstm_sample_cell.h"
#include "nn/mdn.h"
#include "nn/row_combine.h"

#define NO_EXCLUDE NG_CATEGORICAL_NONE
#define NO_CLUSTER UINT16_MAX

void ng_flow_sampler_init(ng_flow_sampler *s)
{
    memset(s, 0, sizeof *s);
}

void ng_flow_sampler_free(ng_flow_sampler *s)
{
    free(s->memory);
    free(s->ahead);
    free(s->ahead_free);
    memset(s, 0, sizeof *s);
}

static size_t floats_needed(const ng_flow_level *fl)
{
    const ng_flow_net *net = &fl->net;
    return 2 * net->layers * net->hidden + 2 * fl->gates_pad + fl->head1_pad +
           2 * fl->head2_pad + net->codec.input_size;
}

static ng_status reserve(ng_flow_sampler *s, const ng_flow_level *fl, ng_error *err)
{
    const ng_flow_net *net = &fl->net;
    size_t need = floats_needed(fl), H = net->hidden;
    if (s->capacity < need) {
        float *m = realloc(s->memory, need * sizeof(float));
        if (!m)
            return ng_fail(err, NG_ENOMEM, "no memory for a flow sampler");
        s->memory = m, s->capacity = need;
    }
    float *p = s->memory;
    s->h = p, p += net->layers * H;
    s->c = p, p += net->layers * H;
    s->gates = p, p += fl->gates_pad;
    s->cond_gates = p, p += fl->gates_pad;
    s->head2_h = p, p += fl->head2_pad;
    s->logits = p; /* head 1 [head1_pad], head 2 [head2_pad], input scratch */
    return NG_OK;
}

/* The rows of in_proj_t that an input selects, with their scales, added to gates g in
 * one pass (nn/row_combine.h's sparse form) whenever the list fills up and at the end. */
#define INPUT_ROWS_CAP 16

typedef struct input_rows {
    uint32_t row[INPUT_ROWS_CAP];
    float x[INPUT_ROWS_CAP];
    size_t n;
} input_rows;

static void input_rows_flush(const ng_flow_level *fl, input_rows *in, float *g)
{
    ng_row_combine_sparse(g, in->x, in->row, in->n, fl->in_proj_t, fl->gates_pad,
                          fl->gates_pad);
    in->n = 0;
}

static void input_row(const ng_flow_level *fl, input_rows *in, size_t row, float x, float *g)
{
    if (in->n == INPUT_ROWS_CAP)
        input_rows_flush(fl, in, g);
    in->row[in->n] = (uint32_t)row, in->x[in->n] = x, in->n++;
}

static void conditioning_gates(const ng_flow_level *fl, const ng_flow_plan *plan, float *g,
                               float *x)
{
    const ng_flow_net *net = &fl->net;
    const ng_flow_codec *c = &net->codec;
    ng_flow_condition cond;
    ng_flow_condition_of_plan(plan, &cond);
    memset(x, 0, c->input_size * sizeof *x);
    ng_flow_codec_encode_condition(c, &cond, x);
    memset(g, 0, fl->gates_pad * sizeof *g);
    memcpy(g, ng_params_data(&net->params, net->lstm.bias[0]), 4 * net->hidden * sizeof *g);
    input_rows in = {.n = 0};
    for (size_t i = c->in_class; i < c->in_dir; i++)
        if (x[i] != 0.0f)
            input_row(fl, &in, i, x[i], g);
    for (size_t i = c->in_targets; i < c->in_targets + 3; i++)
        input_row(fl, &in, i, x[i], g);
    input_rows_flush(fl, &in, g);
}

static bool sample_next(const ng_flow_level *fl, ng_flow_sampler *s, ng_packet_proposal *out);

/* exp(L * r) for |L| <= 30, 0 <= r <= 1: float precision is plenty for gaps in ns. */
static double stretch(double L, double r)
{
    return (double)ng_fast_expf((float)(L * r));
}

/* Sum of the gaps after stretching gap i by exp(L * gap_i / max) (the largest gap by
 * exp(L), the tiny ones hardly at all), and its derivative in L. Convex, increasing. */
static double stretched_sum(const ng_packet_proposal *p, uint32_t n, double max, double L,
                            double *slope)
{
    double sum = 0.0, d = 0.0;
    for (uint32_t i = 1; i < n; i++) {
        double r = (double)p[i].iat_ns / max, g = (double)p[i].iat_ns * stretch(L, r);
        sum += g;
        d += g * r;
    }
    *slope = d;
    return sum;
}

/* Make the gaps add up to the planned duration. The model is conditioned on the duration
 * but its gaps do not sum to it (DARPA99 HTTP: median flow 0.028 s generated, 0.038 s
 * planned, 0.037 s real). One factor for every gap would also move the sub-millisecond
 * gaps inside a burst (intra-flow IAT KS rose from 0.15 to 0.23 over the fidelity set), so
 * the correction goes to the long gaps (think times, idle periods): gap_i *
 * exp(L * gap_i / max gap). L by Newton's method: the sum is convex and increasing in L,
 * so after the first step the iterates approach the root from above, monotonically. */
static void fit_duration(ng_packet_proposal *p, uint32_t n, int64_t duration_ns)
{
    double max = 0.0;
    for (uint32_t i = 1; i < n; i++)
        max = fmax(max, (double)p[i].iat_ns);
    if (max <= 0.0)
        return;
    double want = (double)duration_ns, L = 0.0;
    for (int it = 0; it < 40; it++) {
        double slope, err = stretched_sum(p, n, max, L, &slope) - want;
        if (fabs(err) <= 1e-6 * want || !(slope > 0.0)) /* 1 us per second of flow */
            break;
        L = fmin(30.0, fmax(-30.0, L - err / slope));
    }
    for (uint32_t i = 1; i < n; i++)
        p[i].iat_ns = (int64_t)llround((double)p[i].iat_ns * stretch(L, (double)p[i].iat_ns / max));
}

static ng_status reserve_ahead(ng_flow_sampler *s, ng_error *err)
{
    if (s->cap_ahead >= s->target)
        return NG_OK;
    ng_packet_proposal *b = realloc(s->ahead, s->target * sizeof *b);
    if (b)
        s->ahead = b;
    uint8_t *f = b ? realloc(s->ahead_free, s->target) : NULL;
    if (!f)
        return ng_fail(err, NG_ENOMEM, "no memory for a flow of %u packets", s->target);
    s->ahead_free = f, s->cap_ahead = s->target;
    return NG_OK;
}

/* Draw the whole flow now, then fit its gaps to the planned duration and its free sizes
 * to the planned bytes. */
static ng_status sample_ahead(const ng_flow_level *fl, ng_flow_sampler *s,
                              const ng_flow_plan *plan, ng_error *err)
{
    ng_status st = reserve_ahead(s, err);
    if (st)
        return st;
    while (s->n_ahead < s->target && sample_next(fl, s, &s->ahead[s->n_ahead]))
        s->ahead_free[s->n_ahead++] = s->last_free;
    s->buffered = true;
    fit_duration(s->ahead, s->n_ahead, plan->target_duration_ns);
    ng_frame_estimate e;
    if (plan->target_bytes && ng_frame_estimate_of_plan(plan, &e))
        ng_flow_bytes_fit(s->ahead, s->ahead_free, s->n_ahead, &e, plan->target_bytes,
                          NG_FLOW_SAMPLER_BYTES_FACTOR);
    return NG_OK;
}

ng_status ng_flow_sampler_begin(const ng_flow_level *fl, const ng_flow_plan *plan, uint64_t seed,
                                ng_flow_sampler *s, ng_error *err)
{
    const ng_flow_net *net = &fl->net;
    ng_status st = reserve(s, fl, err);
    if (st)
        return st;
    memset(s->h, 0, 2 * net->layers * net->hidden * sizeof(float));
    float *x = s->logits + fl->head1_pad + fl->head2_pad;
    conditioning_gates(fl, plan, s->cond_gates, x);
    ng_rng_seed(&s->rng, seed);
    s->has_spare_normal = false;
    memset(&s->prev, 0, sizeof s->prev);
    s->emitted = 0;
    s->target = plan->target_packets;
    s->tcp = plan->ip_proto == 6;
    s->ended = false;
    ng_tcp_mirror_init(&s->mirror, fl->close_tail);
    s->n_ahead = s->pos_ahead = 0;
    s->buffered = false;
    if (!s->stepwise && plan->target_packets >= 2 && plan->target_packets <= NG_FLOW_SAMPLER_MAX
        && plan->target_duration_ns > 0)
        return sample_ahead(fl, s, plan, err);
    return NG_OK;
}

/* ng_flow_codec_encode_progress with log1p from the level's table when it can. */
static void encode_progress(const ng_flow_level *fl, uint32_t t, uint32_t target, float *x)
{
    uint32_t remaining = target > t ? target - t : 0;
    if (t >= NG_FLOW_LOG1P_TABLE || remaining >= NG_FLOW_LOG1P_TABLE) {
        ng_flow_codec_encode_progress((double)t, (double)target, x);
        return;
    }
    x[0] = NG_FLOW_PROGRESS_SCALE * fl->log1p_t[t];
    x[1] = NG_FLOW_PROGRESS_SCALE * fl->log1p_t[remaining];
    x[2] = (float)(1.0 / (1.0 + remaining));
}

/* Layer 0's gate pre-activations for the current step, before h W_hh^T: the flow's
 * constant part, then the rows of the previous packet's one-hot codes and scalars and of
 * the progress features, in one pass over the gates. */
static void input_gates(const ng_flow_level *fl, const ng_flow_sampler *s, float *g)
{
    const ng_flow_codec *c = &fl->net.codec;
    memcpy(g, s->cond_gates, fl->gates_pad * sizeof *g);
    input_rows in = {.n = 0};
    if (!s->emitted) {
        input_row(fl, &in, c->in_cluster + c->k, 1.0f, g);
    } else {
        input_row(fl, &in, c->in_cluster + s->prev.cluster, 1.0f, g);
        input_row(fl, &in, c->in_flags + s->prev.flag_idx, 1.0f, g);
        if (s->prev.dir)
            input_row(fl, &in, c->in_dir, 1.0f, g);
        input_row(fl, &in, c->in_iat, s->prev.iat_z, g);
        input_row(fl, &in, c->in_payload, s->prev.payload_z, g);
    }
    float progress[NG_FLOW_PROGRESS_FEATURES];
    encode_progress(fl, s->emitted, s->target, progress);
    for (size_t i = 0; i < NG_FLOW_PROGRESS_FEATURES; i++)
        input_row(fl, &in, c->in_progress + i, progress[i], g);
    input_rows_flush(fl, &in, g);
}

static const float *lstm_step(const ng_flow_level *fl, ng_flow_sampler *s)
{
    const ng_flow_net *net = &fl->net;
    const ng_params *p = &net->params;
    size_t H = net->hidden, G = 4 * H;
    input_gates(fl, s, s->gates);
    ng_row_combine(s->gates, s->h, fl->whh_t, H, fl->gates_pad, fl->gates_pad);
    ng_lstm_sample_cell(s->gates, s->c, s->h, H);
    const float *below = s->h;
    for (size_t l = 1; l < net->layers; l++) { /* upper layers: plain BLAS */
        float *h = s->h + l * H, *c = s->c + l * H;
        memcpy(s->gates, ng_params_data(p, net->lstm.bias[l]), G * sizeof(float));
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)G, (int)H, 1.0f,
                    ng_params_data(p, net->lstm.w_ih[l]), (int)H, below, 1, 1.0f, s->gates, 1);
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)G, (int)H, 1.0f,
                    ng_params_data(p, net->lstm.w_hh[l]), (int)H, h, 1, 1.0f, s->gates, 1);
        ng_lstm_sample_cell(s->gates, c, h, H);
        below = h;
    }
    return below;
}

static bool flow_is_over(const ng_flow_sampler *s)
{
    return s->target ? s->emitted >= s->target : s->emitted >= NG_FLOW_SAMPLER_MAX;
}

/* What every draw of this step shares, computed once: head 1's weights over the clusters
 * and the end (s->logits, sum in s->cluster_sum); head 2 is computed per drawn cluster
 * and kept for the redraws that draw it again (s->head2_h for s->head2_cluster). */
static void step_heads(const ng_flow_level *fl, ng_flow_sampler *s, const float *h)
{
    size_t K = fl->net.codec.k;
    float *z = s->logits;
    memcpy(z, fl->head1_b, fl->head1_pad * sizeof(float));
    ng_row_combine(z, h, fl->head1_t, fl->net.hidden, fl->head1_pad, fl->head1_pad);
    bool may_end = s->target ? false : s->emitted > 0;
    s->cluster_sum = ng_categorical_weights(z, K + 1, may_end ? NO_EXCLUDE : K);
    s->step_h = h;
    s->head2_cluster = NO_CLUSTER;
}

static uint16_t next_cluster(const ng_flow_level *fl, ng_flow_sampler *s)
{
    return (uint16_t)ng_categorical_pick(s->logits, fl->net.codec.k + 1, s->cluster_sum,
                                         ng_rng_uniform(&s->rng));
}

/* Head 2's logits for the cluster, in its compact columns (model/cluster_heads.h). */
static const ng_cluster_head *head2_outputs(const ng_flow_level *fl, ng_flow_sampler *s,
                                            uint16_t cluster, float *z)
{
    const ng_cluster_head *head = &fl->heads.head[cluster];
    if (s->head2_cluster != cluster) {
        ng_cluster_head_logits(head, s->step_h, fl->net.hidden, s->head2_h);
        s->head2_cluster = cluster;
    }
    memcpy(z, s->head2_h, head->pad * sizeof *z);
    return head;
}

/* z += table[row] (the head's direction and flags input columns). */
static void add_row(const ng_cluster_head *head, float *z, const float *table, size_t row)
{
    const float one = 1.0f;
    const uint32_t r = (uint32_t)row;
    ng_row_combine_sparse(z, &one, &r, 1, table, head->pad, head->pad);
}

/* A column of n (from `at`) by softmax(z[at..]). One column needs no weights, but takes
 * its uniform all the same: every draw uses one, so a support does not shift the stream. */
static size_t draw_column(float *z, size_t at, size_t n, size_t exclude, ng_rng *rng)
{
    if (n == 1) {
        (void)ng_rng_uniform(rng);
        return at;
    }
    return at + ng_categorical_sample(z + at, n, exclude == SIZE_MAX ? NO_EXCLUDE : exclude - at,
                                      rng);
}

/* Direction 1 with probability softmax(z)[1] = 1 / (1 + e^(z0 - z1)). */
static uint8_t draw_direction(const ng_cluster_head *head, const float *z, ng_rng *rng)
{
    if (head->n_dir == 1) {
        (void)ng_rng_uniform(rng); /* as draw_column */
        return (uint8_t)head->index[0];
    }
    double p1 = 1.0 / (1.0 + (double)ng_fast_expf(z[0] - z[1]));
    return ng_rng_uniform(rng) < p1 ? 1 : 0;
}

static uint8_t sample_flags(const ng_flow_level *fl, const ng_cluster_head *head, bool tcp,
                            float *z, ng_rng *rng, uint8_t *idx)
{
    const ng_flow_codec *c = &fl->net.codec;
    if (!tcp || !c->flags.n) {
        *idx = fl->zero_flags_idx;
        return 0;
    }
    size_t col = draw_column(z, head->flags_at, head->n_flags, head->flags_other_col, rng);
    *idx = (uint8_t)head->index[col];
    return (uint8_t)c->flags.values[*idx];
}

/* A standard normal: the polar method gives two, the second is kept for the next call. */
static double sampler_normal(ng_flow_sampler *s)
{
    if (s->has_spare_normal) {
        s->has_spare_normal = false;
        return s->spare_normal;
    }
    double pair[2];
    ng_rng_normal_pair(&s->rng, pair);
    s->spare_normal = pair[1], s->has_spare_normal = true;
    return pair[0];
}

static uint32_t sample_payload(const ng_flow_level *fl, const ng_cluster_head *head, float *z,
                               ng_flow_sampler *s, uint8_t *idx, float *payload_z)
{
    const ng_flow_codec *c = &fl->net.codec;
    *idx = (uint8_t)head->index[draw_column(z, head->sizes_at, head->n_sizes, SIZE_MAX,
                                            &s->rng)];
    if (*idx < c->sizes.n) {
        *payload_z = fl->size_z[*idx];
        return c->sizes.values[*idx];
    }
    double normal = sampler_normal(s);
    uint32_t payload = ng_flow_codec_payload(c, ng_mdn_value(z + head->other_at, 1, 0, normal));
    *payload_z = ng_flow_codec_payload_z(c, payload);
    return payload;
}

/* Packets the flow has after the one being drawn (UINT32_MAX without a target). */
static uint32_t remaining_after(const ng_flow_sampler *s)
{
    return s->target ? s->target - s->emitted - 1 : UINT32_MAX;
}

/* One draw of the step's packet (after step_heads): cluster (or end: returns false),
 * then direction, flags given it, size and IAT given both. */
static bool draw_packet(const ng_flow_level *fl, ng_flow_sampler *s, ng_packet_proposal *out,
                        ng_flow_token *t)
{
    const ng_flow_codec *c = &fl->net.codec;
    uint16_t cluster = next_cluster(fl, s);
    if (cluster == c->k)
        return false;
    float *z = s->logits + fl->head1_pad;
    const ng_cluster_head *head = head2_outputs(fl, s, cluster, z);
    *t = (ng_flow_token){.cluster = cluster};
    t->dir = draw_direction(head, z, &s->rng);
    add_row(head, z, head->dir_t, t->dir);
    out->tcp_flags = sample_flags(fl, head, s->tcp, z, &s->rng, &t->flag_idx);
    add_row(head, z, head->flags_t, t->flag_idx);
    out->payload_len = sample_payload(fl, head, z, s, &t->size_idx, &t->payload_z);
    out->iat_ns = 0;
    if (s->emitted) {
        size_t pick = ng_mdn_pick(z + head->iat_at, c->iat_mixture, &s->rng);
        double iat_z = ng_mdn_value(z + head->iat_at, c->iat_mixture, pick, sampler_normal(s));
        out->iat_ns = ng_flow_codec_iat_ns(c, iat_z, &t->iat_z);
        t->has_iat = true;
    }
    out->cluster = cluster;
    out->direction = t->dir;
    return true;
}

/* A FIN the flow has no place for (model/tcp_mirror.h) takes its cluster out of this
 * step's head-1 weights, so the redraws go to the clusters the model ranks next.
 * Redrawing from the same weights failed where the model's mass sits on the close:
 * DARPA99 Friday, an HTTP flow planned for 11 packets with its server's FIN refused (4
 * packets left, the close tail 3) drew only FINs and pure ACKs acknowledging nothing
 * new, 16 times over. The last cluster standing stays. The weights are put back once
 * the step has its packet (they are the step's distribution). */
typedef struct set_aside {
    uint16_t cluster[NG_FLOW_SAMPLER_REDRAWS];
    float weight[NG_FLOW_SAMPLER_REDRAWS], sum;
    size_t n;
} set_aside;

static void set_cluster_aside(ng_flow_sampler *s, set_aside *a, uint16_t cluster)
{
    float w = s->logits[cluster];
    if (a->n == NG_FLOW_SAMPLER_REDRAWS || !(s->cluster_sum - w > 1e-3f * s->cluster_sum))
        return;
    if (!a->n)
        a->sum = s->cluster_sum;
    a->cluster[a->n] = cluster, a->weight[a->n] = w, a->n++;
    s->logits[cluster] = 0.0f, s->cluster_sum -= w;
}

static void put_back(ng_flow_sampler *s, const set_aside *a)
{
    for (size_t i = 0; i < a->n; i++)
        s->logits[a->cluster[i]] = a->weight[i];
    if (a->n)
        s->cluster_sum = a->sum;
}

/* The next packet straight from the model. */
static bool sample_next(const ng_flow_level *fl, ng_flow_sampler *s, ng_packet_proposal *out)
{
    if (!s->memory || s->ended || flow_is_over(s) || (s->mirror.closed && !s->stepwise)) {
        s->ended = true;
        return false;
    }
    if (s->emitted && s->emitted % fl->net.window == 0) /* as the training windows began */
        memset(s->h, 0, 2 * fl->net.layers * fl->net.hidden * sizeof(float));
    step_heads(fl, s, lstm_step(fl, s));
    ng_flow_token t;
    set_aside aside = {.n = 0};
    for (int attempt = 0;; attempt++) {
        if (!draw_packet(fl, s, out, &t)) {
            put_back(s, &aside);
            s->ended = true;
            return false;
        }
        if (!s->tcp)
            break;
        ng_tcp_refusal r = ng_tcp_mirror_refusal(&s->mirror, t.dir, out->tcp_flags,
                                                 out->payload_len, remaining_after(s));
        if (r == NG_TCP_KEPT || attempt >= NG_FLOW_SAMPLER_REDRAWS)
            break;
        if (r == NG_TCP_REFUSED_FIN)
            set_cluster_aside(s, &aside, t.cluster);
    }
    put_back(s, &aside);
    s->last_free = t.size_idx >= fl->net.codec.sizes.n;
    if (s->tcp)
        ng_tcp_mirror_send(&s->mirror, t.dir, out->tcp_flags, out->payload_len);
    s->prev = t;
    s->emitted++;
    return true;
}

bool ng_flow_sampler_next(const ng_flow_level *fl, ng_flow_sampler *s, ng_packet_proposal *out)
{
    if (!s->buffered)
        return sample_next(fl, s, out);
    if (s->pos_ahead >= s->n_ahead)
        return false;
    *out = s->ahead[s->pos_ahead++];
    return true;
}
