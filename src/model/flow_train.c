/* flow_train.c — training the flow level: flow selection and split, windows, Adam with
 * clipping, early stopping on the validation loss, and the trained level. */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/progress.h"
#include "core/rng.h"
#include "model/carried.h"
#include "model/flow_level_internal.h"
#include "model/flow_sequences.h"
#include "nn/adam.h"
#include "nn/batcher.h" /* ng_split, ng_early_stop */

#define STREAM_SELECT 0x464c4f5753454cULL /* "FLOWSEL" */
#define STREAM_SPLIT 0x464c4f5753504cULL
#define STREAM_INIT 0x464c4f57494e4954ULL
#define STREAM_BATCH 0x464c4f5742415443ULL
#define MIN_DELTA 1e-4
#define MIN_EPOCH_BATCHES 16 /* a DARPA day (10,000 packets) has ~25 batches of 32 */

typedef struct trainer {
    const ng_train_config *cfg;
    size_t *selected, n_selected;
    size_t *train_flows, *val_flows, n_train, n_val;
    ng_flow_codec codec;
    ng_flow_corpus train, val;
    ng_flow_net net;
    ng_flow_batch batch;
    ng_adam adam;
    ng_early_stop stop;
    ng_flow_epoch epoch;
    size_t *eval_ids; /* [batch] */
    float *val_weight; /* per validation flow: 1 / its steps */
} trainer;

static ng_status check_inputs(const ng_dataset *ds, const uint16_t *clusters, size_t k,
                              const ng_train_config *cfg, ng_error *err)
{
    if (!ds->n_flows || !ds->n_packets)
        return ng_fail(err, NG_EINVAL, "flow level: the training data has no flows");
    if (k < 1 || k > 65535)
        return ng_fail(err, NG_EINVAL, "flow level: %zu packet clusters (need 1..65535)", k);
    for (size_t i = 0; i < ds->n_packets; i++)
        if (clusters[i] >= k)
            return ng_fail(err, NG_EINVAL, "flow level: packet %zu has cluster %u, not below %zu",
                           i, (unsigned)clusters[i], k);
    const ng_flow_level_config *f = &cfg->flow;
    if (!f->hidden || f->layers < 1 || f->layers > NG_LSTM_MAX_LAYERS || f->max_steps < 2 ||
        !f->batch || f->iat_mixture < 1 || f->iat_mixture > NG_FLOW_MAX_MIXTURE)
        return ng_fail(err, NG_EINVAL, "flow level: impossible settings (hidden %zu, layers %zu, "
                       "max_steps %zu, batch %zu, iat_mixture %zu)", f->hidden, f->layers,
                       f->max_steps, f->batch, f->iat_mixture);
    return NG_OK;
}

static int by_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* All flows, or cfg->flow.max_flows of them chosen at random (in dataset order). */
static ng_status select_flows(trainer *tr, const ng_dataset *ds, ng_error *err)
{
    tr->selected = malloc(ds->n_flows * sizeof *tr->selected);
    if (!tr->selected)
        return ng_fail(err, NG_ENOMEM, "no memory to select %zu flows", ds->n_flows);
    for (size_t i = 0; i < ds->n_flows; i++)
        tr->selected[i] = i;
    tr->n_selected = ds->n_flows;
    size_t max = tr->cfg->flow.max_flows;
    if (max && ds->n_flows > max) {
        ng_rng rng;
        ng_rng_stream(&rng, tr->cfg->seed, STREAM_SELECT);
        ng_rng_shuffle(&rng, tr->selected, ds->n_flows);
        tr->n_selected = max;
        qsort(tr->selected, max, sizeof *tr->selected, by_index);
    }
    return NG_OK;
}

/* The flows the aggregate level carries (carried.h: lasting half the capture or more)
 * are drawn in every generated window, whole; held out, the flow level never learns the
 * stream it draws most (DARPA Wednesday's first half held out its SNMP poll, 564
 * packets, and drew it with client requests only: 3-gram JSD 0.41). They always train.
 * NULL: no memory. */
static bool *carried_flows(const ng_dataset *ds)
{
    bool *mark = calloc(ds->n_flows ? ds->n_flows : 1, sizeof *mark);
    if (mark)
        ng_carried_mark(ds, ng_dataset_span_ns(ds, NULL), mark);
    return mark;
}

/* The split's flows as dataset indices, carried validation flows moved to training. */
static void take_split(trainer *tr, const ng_split *split, const bool *carried)
{
    tr->n_train = tr->n_val = 0;
    for (size_t i = 0; i < split->n_train; i++)
        tr->train_flows[tr->n_train++] = tr->selected[split->train[i]];
    for (size_t i = 0; i < split->n_val; i++) {
        size_t flow = tr->selected[split->val[i]];
        if (carried[flow])
            tr->train_flows[tr->n_train++] = flow;
        else
            tr->val_flows[tr->n_val++] = flow;
    }
}

static ng_status split_flows(trainer *tr, const ng_dataset *ds, ng_error *err)
{
    ng_rng rng;
    ng_rng_stream(&rng, tr->cfg->seed, STREAM_SPLIT);
    ng_split split;
    bool want_val = tr->n_selected >= NG_FLOW_MIN_VAL_FLOWS;
    if (!want_val && tr->cfg->validation_fraction > 0.0 && tr->n_selected > 1)
        ng_info("flow level: %zu flows are too few for a validation split (need %d); every "
                "flow trains and validates", tr->n_selected, NG_FLOW_MIN_VAL_FLOWS);
    ng_status st = ng_split_make(&split, tr->n_selected,
                                 want_val ? tr->cfg->validation_fraction : 0.0, &rng, err);
    if (st)
        return st;
    tr->train_flows = malloc((tr->n_selected + 1) * sizeof *tr->train_flows);
    tr->val_flows = malloc((tr->n_selected + 1) * sizeof *tr->val_flows);
    bool *carried = carried_flows(ds);
    if (!tr->train_flows || !tr->val_flows || !carried) {
        ng_split_free(&split);
        free(carried);
        return ng_fail(err, NG_ENOMEM, "no memory to split %zu flows", tr->n_selected);
    }
    take_split(tr, &split, carried);
    if (!tr->n_val) { /* too few flows: the training flows validate themselves */
        memcpy(tr->val_flows, tr->train_flows, tr->n_train * sizeof *tr->val_flows);
        tr->n_val = tr->n_train;
    }
    ng_split_free(&split);
    free(carried);
    return NG_OK;
}

/* Per flow of a corpus: 1 / its steps (over all its windows). NULL: no memory. */
static float *flow_weights(const ng_flow_corpus *c)
{
    float *w = calloc(c->n_flows ? c->n_flows : 1, sizeof *w);
    if (!w)
        return NULL;
    for (size_t i = 0; i < c->n_windows; i++)
        w[c->windows[i].flow] += (float)c->windows[i].len;
    for (size_t f = 0; f < c->n_flows; f++)
        w[f] = w[f] > 0 ? 1.0f / w[f] : 0.0f;
    return w;
}

static ng_status prepare(trainer *tr, const ng_dataset *ds, const uint16_t *clusters, size_t k,
                         ng_error *err)
{
    const ng_flow_level_config *f = &tr->cfg->flow;
    ng_status st = select_flows(tr, ds, err);
    if (!st)
        st = split_flows(tr, ds, err);
    if (!st)
        st = ng_flow_codec_fit(&tr->codec, ds, k, tr->train_flows, tr->n_train,
                               tr->cfg->packet.size_vocab, f->iat_mixture, err);
    if (!st)
        st = ng_flow_corpus_build(&tr->train, &tr->codec, ds, clusters, tr->train_flows,
                                  tr->n_train, f->max_steps, err);
    if (!st)
        st = ng_flow_corpus_build(&tr->val, &tr->codec, ds, clusters, tr->val_flows, tr->n_val,
                                  f->max_steps, err);
    if (!st)
        st = ng_flow_net_init(&tr->net, &tr->codec, f->hidden, f->layers, f->batch,
                              f->max_steps, err);
    if (!st)
        st = ng_flow_batch_alloc(&tr->batch, &tr->codec, f->batch, f->max_steps, err);
    if (!st)
        st = ng_adam_init(&tr->adam, tr->net.params.total, f->learning_rate, err);
    if (!st)
        st = ng_early_stop_init(&tr->stop, (int)(tr->cfg->patience ? tr->cfg->patience : 1),
                                MIN_DELTA, tr->net.params.total, err);
    if (st)
        return st;
    tr->eval_ids = malloc(f->batch * sizeof *tr->eval_ids);
    tr->val_weight = flow_weights(&tr->val);
    if (!tr->eval_ids || !tr->val_weight)
        return ng_fail(err, NG_ENOMEM, "no memory for a batch of %zu windows", f->batch);
    ng_rng rng;
    ng_rng_stream(&rng, tr->cfg->seed, STREAM_INIT);
    ng_flow_net_init_weights(&tr->net, &rng);
    return ng_flow_epoch_init(&tr->epoch, tr->train.n_windows, f->batch,
                              tr->cfg->seed ^ STREAM_BATCH, err);
}

static void trainer_free(trainer *tr)
{
    free(tr->selected);
    free(tr->train_flows);
    free(tr->val_flows);
    free(tr->eval_ids);
    free(tr->val_weight);
    ng_flow_corpus_free(&tr->train);
    ng_flow_corpus_free(&tr->val);
    ng_flow_net_free(&tr->net);
    ng_flow_batch_free(&tr->batch);
    ng_adam_free(&tr->adam);
    ng_early_stop_free(&tr->stop);
    ng_flow_epoch_free(&tr->epoch);
}

/* Weigh every step of the batch's windows by weight[its flow]. */
static void weigh_steps(ng_flow_batch *b, const ng_flow_corpus *c, const size_t *idx,
                        size_t count, const float *weight)
{
    for (size_t col = 0; col < count; col++) {
        float w = weight[c->windows[idx[col]].flow];
        for (size_t t = 0; t < b->T; t++) {
            size_t r = t * b->B + col;
            b->w_next[r] *= w, b->w_packet[r] *= w, b->w_iat[r] *= w, b->w_other[r] *= w;
        }
    }
}

/* The validation loss: each flow's mean loss per step, averaged over the flows. Per step
 * over all flows, one long flow unlike the training ones outweighed the rest: the first
 * half of DARPA Tuesday stopped at epoch 2 (next-cluster loss rising from the start on
 * its 20 validation flows), with a flow level that had learned nothing. */
static double validation_loss(trainer *tr)
{
    const ng_flow_corpus *c = &tr->val;
    size_t B = tr->cfg->flow.batch, *idx = tr->eval_ids;
    double total = 0.0;
    for (size_t w = 0; w < c->n_windows; w += B) {
        size_t count = c->n_windows - w < B ? c->n_windows - w : B;
        for (size_t i = 0; i < count; i++)
            idx[i] = w + i;
        ng_flow_batch_fill(&tr->batch, &tr->codec, c, idx, count);
        weigh_steps(&tr->batch, c, idx, count, tr->val_weight);
        tr->batch.norm = 1.0;
        total += ng_flow_net_loss(&tr->net, &tr->batch, false, NULL);
    }
    return c->n_flows ? total / (double)c->n_flows : 0.0;
}

/* One Adam step on a batch of windows; adds its loss and steps to the epoch's sums. */
static ng_status train_batch(trainer *tr, const size_t *rows, size_t count, int epoch,
                             double *total, size_t *steps, ng_error *err)
{
    size_t batches = tr->epoch.n_batches ? tr->epoch.n_batches : 1;
    ng_flow_batch_fill(&tr->batch, &tr->codec, &tr->train, rows, count);
    tr->batch.norm = (double)tr->train.n_steps / (double)batches; /* short windows must
                                                                     not weigh more */
    ng_params_zero_grad(&tr->net.params);
    double loss = ng_flow_net_loss(&tr->net, &tr->batch, true, NULL);
    ng_status st = ng_check_loss(loss, "flow-level training", epoch, err);
    if (!st)
        st = ng_adam_update(&tr->adam, tr->net.params.data, tr->net.params.grad,
                            tr->cfg->max_grad_norm, err);
    *total += loss * tr->batch.norm;
    *steps += tr->batch.steps;
    return st;
}

/* One pass over the training windows, or as many passes as reach MIN_EPOCH_BATCHES:
 * a small capture's pass is a handful of batches, and 120 of them left the level far
 * from trained (Nest log sink, 18 flows: 3 batches a pass, validation loss still falling
 * fast at the last epoch). */
static ng_status train_epoch(trainer *tr, int epoch, double *train_loss, ng_error *err)
{
    const size_t *rows;
    size_t count, steps = 0, batches = 0;
    double total = 0.0;
    do {
        ng_flow_epoch_start(&tr->epoch, &tr->train);
        while ((count = ng_flow_epoch_next(&tr->epoch, &rows))) {
            ng_status st = train_batch(tr, rows, count, epoch, &total, &steps, err);
            if (st)
                return st;
            batches++;
        }
    } while (batches && batches < MIN_EPOCH_BATCHES);
    *train_loss = steps ? total / (double)steps : 0.0;
    return NG_OK;
}

static ng_status run_epochs(trainer *tr, ng_level_report *rep, ng_error *err)
{
    double t0 = ng_now_seconds();
    rep->initial_val_loss = validation_loss(tr);
    ng_status st = ng_check_loss(rep->initial_val_loss, "flow-level validation", 0, err);
    if (st)
        return st;
    ng_early_stop_update(&tr->stop, 0, rep->initial_val_loss, tr->net.params.data);
    size_t epochs = tr->cfg->flow.epochs;
    ng_info("flow level: %zu training flows (%zu windows, %zu steps), %zu validation flows, "
            "%zu parameters; untrained validation loss %.4f", tr->n_train, tr->train.n_windows,
            tr->train.n_steps, tr->n_val, tr->net.params.total, rep->initial_val_loss);
    for (size_t e = 1; e <= epochs; e++) {
        double train_loss, val_loss;
        st = train_epoch(tr, (int)e, &train_loss, err);
        if (st)
            return st;
        val_loss = validation_loss(tr);
        st = ng_check_loss(val_loss, "flow-level validation", (int)e, err);
        if (st)
            return st;
        rep->epochs = e;
        rep->final_train_loss = train_loss;
        bool stop = ng_early_stop_update(&tr->stop, (int)e, val_loss, tr->net.params.data);
        double elapsed = ng_now_seconds() - t0;
        ng_info("flow level: epoch %zu/%zu  loss %.4f  validation %.4f%s  %.1f s  ETA %.0f s", e,
                epochs, train_loss, val_loss, tr->stop.best_epoch == (int)e ? " *" : "", elapsed,
                elapsed / (double)e * (double)(epochs - e));
        if (stop)
            break;
    }
    ng_early_stop_restore(&tr->stop, tr->net.params.data);
    rep->final_val_loss = tr->stop.best_loss;
    rep->best_epoch = (size_t)tr->stop.best_epoch;
    return NG_OK;
}

/* Over every training flow once (below NG_FLOW_MIN_VAL_FLOWS the validation flows are
 * the training flows). */
static ng_status learn_close_tail(const trainer *tr, ng_flow_level *fl, ng_error *err)
{
    ng_close_tail_counts counts = {0};
    ng_status st = ng_close_tail_add(&counts, &tr->codec, tr->train.tokens, tr->train.first,
                                     tr->train.n_flows, err);
    if (!st && tr->n_selected >= NG_FLOW_MIN_VAL_FLOWS)
        st = ng_close_tail_add(&counts, &tr->codec, tr->val.tokens, tr->val.first,
                               tr->val.n_flows, err);
    if (!st)
        fl->close_tail = ng_close_tail_of(&counts);
    ng_close_tail_counts_free(&counts);
    return st;
}

static ng_status make_level(trainer *tr, ng_flow_level **out, ng_error *err)
{
    ng_flow_level *fl;
    ng_status st = ng_flow_level_new(&tr->codec, tr->net.hidden, tr->net.layers, &fl, err);
    if (st)
        return st;
    memcpy(fl->net.params.data, tr->net.params.data, tr->net.params.total * sizeof(float));
    fl->net.window = tr->net.window;
    st = ng_cluster_support_init(&fl->support, &tr->codec, err);
    if (!st) {
        ng_cluster_support_add(&fl->support, &tr->codec, tr->train.tokens,
                               tr->train.first[tr->train.n_flows]);
        ng_cluster_support_add(&fl->support, &tr->codec, tr->val.tokens,
                               tr->val.first[tr->val.n_flows]);
        ng_cluster_support_complete(&fl->support, &tr->codec);
        st = learn_close_tail(tr, fl, err);
    }
    if (!st)
        st = ng_flow_level_prepare(fl, err);
    if (st) {
        ng_flow_level_free(fl);
        return st;
    }
    *out = fl;
    return NG_OK;
}

ng_status ng_flow_level_train(const ng_dataset *ds, const uint16_t *cluster_of_packet, size_t k,
                              const ng_train_config *cfg, ng_flow_level **out,
                              ng_level_report *report, ng_error *err)
{
    *out = NULL;
    double t0 = ng_now_seconds();
    ng_level_report rep = {0};
    ng_status st = check_inputs(ds, cluster_of_packet, k, cfg, err);
    if (st)
        return st;
    trainer tr = {.cfg = cfg};
    st = prepare(&tr, ds, cluster_of_packet, k, err);
    if (!st)
        st = run_epochs(&tr, &rep, err);
    if (!st)
        st = make_level(&tr, out, err);
    trainer_free(&tr);
    rep.seconds = ng_now_seconds() - t0;
    if (!st && report)
        *report = rep;
    return st;
}
