/* packet_level.c — training the packet level: encode packets, split flows, train the
 * VAE with early stopping, fit the latent GMM with K chosen by BIC, assign clusters and
 * summarise them. Model-file I/O is in packet_level_io.c, sampling in
 * packet_level_sample.c. */
#include "model/packet_level_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "nn/adam.h"
#include "nn/batcher.h"
#include "stats/gmm_select.h"

/* ng_rng_stream ids of the level's random draws, one per purpose. */
enum {
    STREAM_SPLIT = 0x504b7401,
    STREAM_INIT,
    STREAM_BATCH,
    STREAM_NOISE,
    STREAM_GMM_POINTS,
    STREAM_GMM_FIT
};

typedef struct train_ctx {
    const ng_dataset *ds;
    const ng_train_config *cfg;
    ng_packet_level *pl;
    float *data;             /* [n_packets, width] encoded rows */
    size_t *rows;            /* one buffer: train rows, then val rows */
    size_t *train_rows, n_train;
    size_t *val_rows, n_val; /* == train rows when there is no validation */
    double *latent;          /* [n_packets, latent] latent means */
} train_ctx;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t stream_seed(uint64_t seed, uint64_t id)
{
    ng_rng r;
    ng_rng_stream(&r, seed, id);
    return ng_rng_u64(&r);
}

/* ---- the level's memory ---- */

ng_packet_level *ng_packet_level_alloc(ng_error *err)
{
    ng_packet_level *pl = calloc(1, sizeof *pl);
    if (!pl) {
        ng_fail(err, NG_ENOMEM, "out of memory for the packet level");
        return NULL;
    }
    ng_params_init(&pl->params);
    return pl;
}

void ng_packet_level_free(ng_packet_level *pl)
{
    if (!pl)
        return;
    if (pl->vae)
        ng_vae_free(pl->vae);
    free(pl->vae);
    ng_params_free(&pl->params);
    ng_gmm_free(pl->gmm);
    free(pl->cum_weights);
    free(pl->clusters);
    free(pl->z);
    free(pl->decoded);
    free(pl->component);
    free(pl->iat_resid_std);
    free(pl);
}

static size_t n_hidden_layers(const ng_packet_level_config *c)
{
    size_t n = 0;
    while (n < 3 && c->hidden[n])
        n++;
    return n;
}

ng_status ng_packet_level_build_network(ng_packet_level *pl, ng_error *err)
{
    ng_vae_config vc = {0};
    ng_packet_features_vae_fields(&pl->features, &vc);
    vc.n_hidden = n_hidden_layers(&pl->cfg);
    for (size_t l = 0; l < vc.n_hidden; l++)
        vc.hidden[l] = pl->cfg.hidden[l];
    vc.latent = pl->cfg.latent;
    vc.act = NG_ACT_LEAKY_RELU;
    vc.slope = 0.1f;
    vc.beta = pl->cfg.beta;
    vc.max_batch = pl->cfg.batch > NG_PACKET_SAMPLE_BLOCK ? pl->cfg.batch : NG_PACKET_SAMPLE_BLOCK;
    pl->vae = calloc(1, sizeof *pl->vae);
    pl->z = malloc(NG_PACKET_SAMPLE_BLOCK * vc.latent * sizeof(float));
    pl->decoded = malloc(NG_PACKET_SAMPLE_BLOCK * pl->features.width * sizeof(float));
    pl->component = malloc(NG_PACKET_SAMPLE_BLOCK * sizeof *pl->component);
    if (!pl->vae || !pl->z || !pl->decoded || !pl->component)
        return ng_fail(err, NG_ENOMEM, "out of memory for the packet VAE");
    ng_status st = ng_vae_declare(pl->vae, &vc, &pl->params, NG_PACKET_VAE_PREFIX, err);
    if (st) {
        free(pl->vae);
        pl->vae = NULL;
        return st;
    }
    return ng_params_alloc(&pl->params, err);
}

ng_status ng_packet_level_attach_gmm(ng_packet_level *pl, ng_error *err)
{
    size_t k = pl->gmm->k;
    free(pl->cum_weights);
    pl->cum_weights = malloc(k * sizeof *pl->cum_weights);
    if (!pl->cum_weights)
        return ng_fail(err, NG_ENOMEM, "out of memory for %zu mixture weights", k);
    double acc = 0.0;
    for (size_t c = 0; c < k; c++)
        pl->cum_weights[c] = acc += pl->gmm->weights[c];
    if (pl->clusters)
        for (size_t c = 0; c < k; c++)
            pl->clusters[c].weight = pl->gmm->weights[c];
    return NG_OK;
}

/* ---- train / validation split over flows ---- */

static int by_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static size_t append_flow_rows(const ng_dataset *ds, size_t *flows, size_t n_flows, size_t *out)
{
    qsort(flows, n_flows, sizeof *flows, by_index); /* canonical order: dataset order */
    size_t n = 0;
    for (size_t i = 0; i < n_flows; i++)
        for (size_t p = ds->first[flows[i]]; p < ds->first[flows[i] + 1]; p++)
            out[n++] = p;
    return n;
}

static ng_status split_packets(train_ctx *c, ng_error *err)
{
    const ng_dataset *ds = c->ds;
    bool want_val = c->cfg->validation_fraction > 0.0 && ds->n_flows >= NG_PACKET_MIN_VAL_FLOWS;
    ng_rng rng;
    ng_rng_stream(&rng, c->cfg->seed, STREAM_SPLIT);
    ng_split split;
    ng_status st = ng_split_make(&split, ds->n_flows,
                                 want_val ? c->cfg->validation_fraction : 0.0, &rng, err);
    if (st)
        return st;
    c->rows = malloc(ds->n_packets * sizeof *c->rows);
    if (!c->rows) {
        ng_split_free(&split);
        return ng_fail(err, NG_ENOMEM, "out of memory for %zu row indices", ds->n_packets);
    }
    c->train_rows = c->rows;
    c->n_train = append_flow_rows(ds, split.train, split.n_train, c->train_rows);
    c->val_rows = c->rows + c->n_train;
    c->n_val = append_flow_rows(ds, split.val, split.n_val, c->val_rows);
    ng_split_free(&split);
    c->pl->training.validation = c->n_val > 0 && c->n_train > 0;
    if (!c->pl->training.validation) {
        if (c->cfg->validation_fraction > 0.0)
            ng_info("packet level: %zu flow%s too few for a validation split (need %d); "
                    "early stopping watches the training loss",
                    ds->n_flows, ds->n_flows == 1 ? " is" : "s are", NG_PACKET_MIN_VAL_FLOWS);
        c->n_train = ds->n_packets;
        for (size_t i = 0; i < ds->n_packets; i++)
            c->train_rows[i] = i;
        c->val_rows = c->train_rows;
        c->n_val = c->n_train;
    }
    c->pl->training.train_packets = c->n_train;
    c->pl->training.val_packets = c->pl->training.validation ? c->n_val : 0;
    return NG_OK;
}

/* ---- VAE training ---- */

static ng_status check_loss(double loss, const char *what, size_t epoch, ng_error *err)
{
    if (isfinite(loss))
        return NG_OK;
    return ng_fail(err, NG_ENUMERIC,
                   "packet level: training diverged: %s loss is %s at epoch %zu "
                   "(try a lower learning rate or max_grad_norm)",
                   what, isnan(loss) ? "NaN" : "Inf", epoch);
}

static void log_epoch(size_t epoch, size_t max_epochs, double loss, double val, bool has_val,
                      double elapsed)
{
    double eta = elapsed / (double)epoch * (double)(max_epochs - epoch);
    ng_info("packet level: epoch %zu/%zu  loss %.5f  %s %.5f  %.1f s  ETA %.0f s", epoch,
            max_epochs, loss, has_val ? "val" : "train(z=mu)", val, elapsed, eta);
}

typedef struct vae_trainer {
    ng_adam opt;
    ng_batcher batcher;
    ng_early_stop stop;
    ng_rng noise;
} vae_trainer;

static ng_status trainer_init(vae_trainer *t, const train_ctx *c, ng_error *err)
{
    memset(t, 0, sizeof *t);
    ng_packet_level *pl = c->pl;
    ng_status st = ng_adam_init(&t->opt, pl->params.total, pl->cfg.learning_rate, err);
    if (!st)
        st = ng_batcher_init(&t->batcher, c->train_rows, c->n_train, pl->cfg.batch,
                             stream_seed(c->cfg->seed, STREAM_BATCH), err);
    if (!st)
        st = ng_early_stop_init(&t->stop, (int)c->cfg->patience, 1e-6, pl->params.total, err);
    ng_rng_stream(&t->noise, c->cfg->seed, STREAM_NOISE);
    return st;
}

static void trainer_free(vae_trainer *t)
{
    ng_adam_free(&t->opt);
    ng_batcher_free(&t->batcher);
    ng_early_stop_free(&t->stop);
}

static ng_status run_epochs(train_ctx *c, vae_trainer *t, ng_error *err)
{
    ng_packet_level *pl = c->pl;
    ng_packet_training *tr = &pl->training;
    double t0 = now_seconds();
    for (size_t epoch = 1; epoch <= pl->cfg.epochs; epoch++) {
        double loss = 0.0;
        ng_status st = ng_vae_train_epoch(pl->vae, &pl->params, &t->opt, c->data, &t->batcher,
                                          &t->noise, c->cfg->max_grad_norm, &loss, err);
        if (st) {
            char why[NG_ERROR_MSG_MAX];
            snprintf(why, sizeof why, "%s", err ? err->msg : "");
            return ng_fail(err, st, "packet level, epoch %zu: %s%s", epoch, why,
                           st == NG_ENUMERIC ? " (try a lower packet.learning_rate or a "
                                               "max_grad_norm > 0)"
                                             : "");
        }
        double val = ng_vae_evaluate(pl->vae, c->data, c->val_rows, c->n_val);
        if ((st = check_loss(loss, "training", epoch, err)) ||
            (st = check_loss(val, "validation", epoch, err)))
            return st;
        tr->epochs = epoch;
        log_epoch(epoch, pl->cfg.epochs, loss, val, tr->validation, now_seconds() - t0);
        if (ng_early_stop_update(&t->stop, (int)epoch, val, pl->params.data)) {
            ng_info("packet level: early stop after epoch %zu (best epoch %d)", epoch,
                    t->stop.best_epoch);
            break;
        }
    }
    return NG_OK;
}

static ng_status train_vae(train_ctx *c, ng_error *err)
{
    ng_packet_level *pl = c->pl;
    ng_rng init;
    ng_rng_stream(&init, c->cfg->seed, STREAM_INIT);
    ng_vae_init_weights(pl->vae, &init);
    vae_trainer t;
    ng_status st = trainer_init(&t, c, err);
    if (!st) {
        double initial = ng_vae_evaluate(pl->vae, c->data, c->val_rows, c->n_val);
        pl->training.initial_val_loss = initial;
        st = check_loss(initial, "the untrained VAE's", 0, err);
        if (!st) {
            ng_early_stop_update(&t.stop, 0, initial, pl->params.data);
            st = run_epochs(c, &t, err);
        }
    }
    if (!st) {
        ng_early_stop_restore(&t.stop, pl->params.data);
        pl->training.best_epoch = (uint64_t)t.stop.best_epoch;
        pl->training.final_val_loss = t.stop.best_loss;
        pl->training.final_train_loss =
            ng_vae_evaluate(pl->vae, c->data, c->train_rows, c->n_train);
    }
    trainer_free(&t);
    return st;
}

/* ---- latent space and GMM ---- */

static ng_status encode_latent(train_ctx *c, ng_error *err)
{
    ng_vae *vae = c->pl->vae;
    size_t n = c->ds->n_packets, L = vae->cfg.latent, W = vae->in_width, B = vae->cfg.max_batch;
    c->latent = malloc(n * L * sizeof *c->latent);
    float *mu = malloc(B * L * sizeof *mu);
    if (!c->latent || !mu) {
        free(mu);
        return ng_fail(err, NG_ENOMEM, "out of memory for %zu latent points", n);
    }
    for (size_t start = 0; start < n; start += B) {
        size_t b = n - start < B ? n - start : B;
        ng_vae_encode(vae, c->data + start * W, b, mu, NULL);
        for (size_t i = 0; i < b * L; i++)
            c->latent[start * L + i] = mu[i];
    }
    free(mu);
    for (size_t i = 0; i < n * L; i++)
        if (!isfinite(c->latent[i]))
            return ng_fail(err, NG_ENUMERIC, "packet level: latent mean of packet %zu is not finite",
                           i / L);
    return NG_OK;
}

typedef struct point_ref {
    const double *x;
    size_t d;
} point_ref;

static int by_point(const void *a, const void *b)
{
    const point_ref *p = a, *q = b;
    for (size_t j = 0; j < p->d; j++)
        if (p->x[j] != q->x[j])
            return p->x[j] < q->x[j] ? -1 : 1;
    return 0;
}

static size_t count_distinct(const double *x, size_t n, size_t d)
{
    point_ref *refs = malloc((n ? n : 1) * sizeof *refs);
    if (!refs)
        return n; /* the GMM copes with duplicates itself */
    for (size_t i = 0; i < n; i++)
        refs[i] = (point_ref){x + i * d, d};
    qsort(refs, n, sizeof *refs, by_point);
    size_t distinct = n ? 1 : 0;
    for (size_t i = 1; i < n; i++)
        distinct += by_point(&refs[i - 1], &refs[i]) != 0;
    free(refs);
    return distinct;
}

/* Latent means of up to gmm_max_points training packets, drawn without replacement. */
static ng_status gmm_points(const train_ctx *c, double **pts, size_t *n_pts, ng_error *err)
{
    size_t L = c->pl->cfg.latent, n = c->n_train, max = c->pl->cfg.gmm_max_points;
    size_t *pick = malloc((n ? n : 1) * sizeof *pick);
    if (!pick)
        return ng_fail(err, NG_ENOMEM, "out of memory choosing GMM points");
    memcpy(pick, c->train_rows, n * sizeof *pick);
    if (max && n > max) {
        ng_rng rng;
        ng_rng_stream(&rng, c->cfg->seed, STREAM_GMM_POINTS);
        ng_rng_shuffle(&rng, pick, n);
        n = max;
        qsort(pick, n, sizeof *pick, by_index);
    }
    *pts = malloc(n * L * sizeof **pts);
    if (!*pts) {
        free(pick);
        return ng_fail(err, NG_ENOMEM, "out of memory for %zu GMM points", n);
    }
    for (size_t i = 0; i < n; i++)
        memcpy(*pts + i * L, c->latent + pick[i] * L, L * sizeof **pts);
    free(pick);
    *n_pts = n;
    return NG_OK;
}

static ng_status fit_gmm(train_ctx *c, ng_error *err)
{
    ng_packet_level *pl = c->pl;
    double *pts = NULL;
    size_t n = 0, L = pl->cfg.latent;
    ng_status st = gmm_points(c, &pts, &n, err);
    if (st)
        return st;
    size_t distinct = count_distinct(pts, n, L);
    ng_gmm_select_options opt = ng_gmm_select_default_options();
    opt.k_max = pl->cfg.k_max < distinct ? pl->cfg.k_max : distinct;
    opt.k_min = pl->cfg.k_min < opt.k_max ? pl->cfg.k_min : opt.k_max;
    opt.gmm.cov_type = NG_GMM_FULL;
    opt.gmm.n_init = 2;
    opt.gmm.reg_covar = NG_PACKET_GMM_REG_COVAR;
    opt.gmm.seed = stream_seed(c->cfg->seed, STREAM_GMM_FIT);
    if (distinct < pl->cfg.k_min)
        ng_info("packet level: only %zu distinct latent point%s; K searched in [%zu, %zu]",
                distinct, distinct == 1 ? "" : "s", opt.k_min, opt.k_max);
    st = ng_gmm_select(pts, n, L, &opt, &pl->gmm, NULL, err);
    free(pts);
    if (st)
        return st;
    ng_info("packet level: GMM over %zu latent points: K = %zu by BIC (searched %zu..%zu)", n,
            pl->gmm->k, opt.k_min, opt.k_max);
    return NG_OK;
}

/* ---- clusters ---- */

static ng_status assign_clusters(const train_ctx *c, size_t *labels, ng_error *err)
{
    return ng_gmm_predict(c->pl->gmm, c->latent, c->ds->n_packets, labels, err);
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median_of(double *v, size_t n)
{
    if (n == 0)
        return 0.0;
    qsort(v, n, sizeof *v, by_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static uint32_t flags_of(const ng_packet_row *r)
{
    return r->ip_proto == 6 ? r->tcp_flags : 0;
}

static void summarise_cluster(const ng_dataset *ds, const size_t *members, size_t n,
                              double *scratch, ng_packet_cluster_summary *s)
{
    uint64_t flag_count[256] = {0}, c2s = 0;
    for (size_t i = 0; i < n; i++) {
        const ng_packet_row *r = &ds->packets[members[i]];
        c2s += r->direction == NG_DIR_C2S;
        flag_count[flags_of(r)]++;
    }
    size_t top = 0;
    for (size_t f = 1; f < 256; f++)
        top = flag_count[f] > flag_count[top] ? f : top;
    s->packets = n;
    s->share_c2s = n ? (double)c2s / (double)n : 0.0;
    s->top_tcp_flags = (uint32_t)top;
    s->top_tcp_flags_share = n ? (double)flag_count[top] / (double)n : 0.0;
    for (size_t i = 0; i < n; i++)
        scratch[i] = ds->packets[members[i]].payload_len;
    s->median_payload = median_of(scratch, n);
    for (size_t i = 0; i < n; i++)
        scratch[i] = (double)ds->packets[members[i]].flow_iat_ns * 1e-9;
    s->median_iat_s = median_of(scratch, n);
}

static ng_status summarise_clusters(train_ctx *c, const size_t *labels, ng_error *err)
{
    size_t K = c->pl->gmm->k, n = c->ds->n_packets;
    size_t *start = calloc(K + 1, sizeof *start), *next = malloc(K * sizeof *next);
    size_t *order = malloc(n * sizeof *order);
    double *scratch = malloc(n * sizeof *scratch);
    c->pl->clusters = calloc(K, sizeof *c->pl->clusters);
    ng_status st = NG_OK;
    if (!start || !next || !order || !scratch || !c->pl->clusters) {
        st = ng_fail(err, NG_ENOMEM, "out of memory summarising %zu clusters", K);
    } else {
        for (size_t i = 0; i < n; i++) /* counting sort of the packets by cluster */
            start[labels[i] + 1]++;
        for (size_t k = 0; k < K; k++)
            start[k + 1] += start[k];
        memcpy(next, start, K * sizeof *next);
        for (size_t i = 0; i < n; i++)
            order[next[labels[i]]++] = i;
        for (size_t k = 0; k < K; k++)
            summarise_cluster(c->ds, order + start[k], start[k + 1] - start[k], scratch,
                              &c->pl->clusters[k]);
    }
    free(start);
    free(next);
    free(order);
    free(scratch);
    return st;
}

/* Per cluster, the RMS of (standardised log IAT - decoder(latent mean)) over non-first
 * packets: sampling adds this much Gaussian noise, so a cluster's IATs spread as the
 * real ones do instead of collapsing onto the decoder's mean. */
static ng_status measure_iat_residuals(train_ctx *c, const size_t *labels, ng_error *err)
{
    ng_packet_level *pl = c->pl;
    size_t n = c->ds->n_packets, K = pl->gmm->k, L = pl->cfg.latent, W = pl->features.width;
    size_t col = pl->features.cont_offset + NG_PF_LOG_IAT, B = NG_PACKET_SAMPLE_BLOCK;
    double *sum = calloc(K, sizeof *sum), *count = calloc(K, sizeof *count);
    pl->iat_resid_std = calloc(K, sizeof *pl->iat_resid_std);
    if (!sum || !count || !pl->iat_resid_std) {
        free(sum);
        free(count);
        return ng_fail(err, NG_ENOMEM, "out of memory measuring %zu cluster residuals", K);
    }
    for (size_t start = 0; start < n; start += B) {
        size_t b = n - start < B ? n - start : B;
        for (size_t i = 0; i < b * L; i++)
            pl->z[i] = (float)c->latent[start * L + i];
        ng_vae_decode(pl->vae, pl->z, b, pl->decoded);
        for (size_t r = 0; r < b; r++) {
            if (c->ds->packets[start + r].index == 0)
                continue;
            double d = (double)c->data[(start + r) * W + col] - pl->decoded[r * W + col];
            sum[labels[start + r]] += d * d;
            count[labels[start + r]] += 1.0;
        }
    }
    for (size_t k = 0; k < K; k++)
        pl->iat_resid_std[k] = count[k] > 0 ? sqrt(sum[k] / count[k]) : 0.0;
    free(sum);
    free(count);
    return NG_OK;
}

/* ---- the whole training ---- */

static void ctx_free(train_ctx *c)
{
    free(c->data);
    free(c->rows);
    free(c->latent);
}

static ng_status train_steps(train_ctx *c, uint16_t *cluster_of_packet, ng_error *err)
{
    ng_packet_level *pl = c->pl;
    ng_status st = ng_packet_features_build(&pl->features, c->ds, pl->cfg.size_vocab, err);
    if (!st)
        st = ng_packet_level_build_network(pl, err);
    if (!st)
        st = ng_packet_features_encode_dataset(&pl->features, c->ds, &c->data, err);
    if (!st)
        st = split_packets(c, err);
    if (!st)
        st = train_vae(c, err);
    if (!st)
        st = encode_latent(c, err);
    if (!st)
        st = fit_gmm(c, err);
    if (st)
        return st;
    size_t *labels = malloc(c->ds->n_packets * sizeof *labels);
    if (!labels)
        return ng_fail(err, NG_ENOMEM, "out of memory for %zu cluster labels", c->ds->n_packets);
    st = assign_clusters(c, labels, err);
    if (!st)
        st = summarise_clusters(c, labels, err);
    if (!st)
        st = measure_iat_residuals(c, labels, err);
    if (!st)
        st = ng_packet_level_attach_gmm(pl, err);
    for (size_t i = 0; !st && cluster_of_packet && i < c->ds->n_packets; i++)
        cluster_of_packet[i] = (uint16_t)labels[i];
    free(labels);
    return st;
}

static void fill_report(const ng_packet_training *t, double seconds, ng_level_report *r)
{
    r->initial_val_loss = t->initial_val_loss;
    r->final_val_loss = t->final_val_loss;
    r->final_train_loss = t->final_train_loss;
    r->epochs = (size_t)t->epochs;
    r->best_epoch = (size_t)t->best_epoch;
    r->seconds = seconds;
}

ng_status ng_packet_level_train(const ng_dataset *ds, const ng_train_config *cfg,
                                ng_packet_level **out, uint16_t *cluster_of_packet,
                                ng_level_report *report, size_t *k_chosen, ng_error *err)
{
    *out = NULL;
    double t0 = now_seconds();
    if (!ds || ds->n_packets == 0)
        return ng_fail(err, NG_EINVAL, "packet level: no packets to train on");
    ng_status st = ng_train_config_check(cfg, err);
    if (st)
        return st;
    ng_packet_level *pl = ng_packet_level_alloc(err);
    if (!pl)
        return NG_ENOMEM;
    pl->cfg = cfg->packet;
    train_ctx c = {.ds = ds, .cfg = cfg, .pl = pl};
    st = train_steps(&c, cluster_of_packet, err);
    ctx_free(&c);
    if (st) {
        ng_packet_level_free(pl);
        return st;
    }
    double seconds = now_seconds() - t0;
    ng_info("packet level: %zu packets, validation loss %.5f -> %.5f (%s), K = %zu, %.1f s",
            ds->n_packets, pl->training.initial_val_loss, pl->training.final_val_loss,
            pl->training.validation ? "held-out flows" : "training packets", pl->gmm->k, seconds);
    if (report)
        fill_report(&pl->training, seconds, report);
    if (k_chosen)
        *k_chosen = pl->gmm->k;
    *out = pl;
    return NG_OK;
}

/* ---- accessors ---- */

size_t ng_packet_level_k(const ng_packet_level *pl) { return pl->gmm->k; }
size_t ng_packet_level_latent(const ng_packet_level *pl) { return pl->cfg.latent; }

const ng_packet_features *ng_packet_level_features(const ng_packet_level *pl)
{
    return &pl->features;
}

const ng_packet_cluster_summary *ng_packet_level_clusters(const ng_packet_level *pl)
{
    return pl->clusters;
}
