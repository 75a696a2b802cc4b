/* packet_level_io.c — the packet level in a model file: header["packet"] (settings,
 * features, K, cluster summaries, training numbers) and the tensors "packet.vae.*"
 * (float32, one per VAE parameter), "packet.gmm.*" (gmm_io.h) and
 * "packet.iat_residual_std" (float64 [k]). Loading rebuilds the
 * VAE from the header and checks every tensor against it, naming what disagrees. */
#include "model/packet_level_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/gmm_io.h"
#include "model/params_io.h"
#include "nn/adam.h"

/* ---- to JSON ---- */

json_t *ng_packet_level_config_to_json(const ng_packet_level_config *c)
{
    json_t *hidden = json_array();
    for (size_t l = 0; l < 3 && c->hidden[l]; l++)
        json_array_append_new(hidden, json_integer((json_int_t)c->hidden[l]));
    return json_pack("{s:I, s:o, s:f, s:I, s:I, s:f, s:I, s:I, s:I, s:I}", "latent",
                     (json_int_t)c->latent, "hidden", hidden, "beta", (double)c->beta, "epochs",
                     (json_int_t)c->epochs, "batch", (json_int_t)c->batch, "learning_rate",
                     (double)c->learning_rate, "k_min", (json_int_t)c->k_min, "k_max",
                     (json_int_t)c->k_max, "gmm_max_points", (json_int_t)c->gmm_max_points,
                     "size_vocab", (json_int_t)c->size_vocab);
}

static json_t *cluster_to_json(const ng_packet_cluster_summary *s)
{
    return json_pack("{s:f, s:I, s:f, s:I, s:f, s:f, s:f}", "weight", s->weight, "packets",
                     (json_int_t)s->packets, "share_c2s", s->share_c2s, "top_tcp_flags",
                     (json_int_t)s->top_tcp_flags, "top_tcp_flags_share",
                     s->top_tcp_flags_share, "median_payload", s->median_payload,
                     "median_iat_s", s->median_iat_s);
}

json_t *ng_packet_level_clusters_to_json(const ng_packet_level *pl)
{
    json_t *arr = json_array();
    for (size_t k = 0; k < pl->gmm->k; k++)
        json_array_append_new(arr, cluster_to_json(&pl->clusters[k]));
    return arr;
}

json_t *ng_packet_level_training_to_json(const ng_packet_training *t)
{
    return json_pack("{s:f, s:f, s:f, s:I, s:I, s:I, s:I, s:b}", "initial_val_loss",
                     t->initial_val_loss, "final_val_loss", t->final_val_loss,
                     "final_train_loss", t->final_train_loss, "epochs", (json_int_t)t->epochs,
                     "best_epoch", (json_int_t)t->best_epoch, "train_packets",
                     (json_int_t)t->train_packets, "val_packets", (json_int_t)t->val_packets,
                     "validation", t->validation);
}

json_t *ng_packet_level_summary(const ng_packet_level *pl)
{
    return json_pack("{s:I, s:I, s:o, s:o}", "k", (json_int_t)pl->gmm->k, "latent",
                     (json_int_t)pl->cfg.latent, "clusters", ng_packet_level_clusters_to_json(pl),
                     "training", ng_packet_level_training_to_json(&pl->training));
}

/* ---- save ---- */


ng_status ng_packet_level_save(const ng_packet_level *pl, ng_model_writer *w, json_t *header,
                               ng_error *err)
{
    if (!json_is_object(header))
        return ng_fail(err, NG_EINVAL, "packet level: the model header is not a JSON object");
    json_t *section = json_pack(
        "{s:I, s:o, s:o, s:I, s:o, s:o}", "version", (json_int_t)1, "config",
        ng_packet_level_config_to_json(&pl->cfg), "features",
        ng_packet_features_to_json(&pl->features), "k", (json_int_t)pl->gmm->k, "clusters",
        ng_packet_level_clusters_to_json(pl), "training",
        ng_packet_level_training_to_json(&pl->training));
    if (!section || json_object_set_new(header, "packet", section))
        return ng_fail(err, NG_ENOMEM, "packet level: out of memory building the header");
    ng_status st = ng_params_io_add(w, &pl->params, err);
    if (!st)
        st = ng_gmm_io_add(w, NG_PACKET_GMM_PREFIX, pl->gmm, err);
    uint64_t k = pl->gmm->k;
    if (!st)
        st = ng_model_writer_add_f64(w, NG_PACKET_IAT_RESIDUAL, 1, &k, pl->iat_resid_std, err);
    return st;
}

/* ---- load: header ---- */

typedef struct json_reader {
    const char *where; /* "model.ngm: header 'packet.config'" */
    ng_error *err;
    ng_status st;
} json_reader;

static double read_number(json_reader *r, const json_t *obj, const char *key, double lo,
                          double hi)
{
    const json_t *v = json_object_get(obj, key);
    if (r->st)
        return 0.0;
    if (!json_is_number(v) || !(json_number_value(v) >= lo && json_number_value(v) <= hi)) {
        r->st = ng_fail(r->err, NG_EFORMAT, "%s: '%s' is missing or outside [%g, %g]", r->where,
                        key, lo, hi);
        return 0.0;
    }
    return json_number_value(v);
}

static size_t read_size(json_reader *r, const json_t *obj, const char *key, size_t lo, size_t hi)
{
    const json_t *v = json_object_get(obj, key);
    if (r->st)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < (json_int_t)lo ||
        json_integer_value(v) > (json_int_t)hi) {
        r->st = ng_fail(r->err, NG_EFORMAT, "%s: '%s' is missing or not an integer in [%zu, %zu]",
                        r->where, key, lo, hi);
        return 0;
    }
    return (size_t)json_integer_value(v);
}

static void read_hidden(json_reader *r, const json_t *obj, ng_packet_level_config *c)
{
    const json_t *h = json_object_get(obj, "hidden");
    if (r->st)
        return;
    if (!json_is_array(h) || json_array_size(h) < 1 || json_array_size(h) > 3) {
        r->st = ng_fail(r->err, NG_EFORMAT, "%s: 'hidden' must be an array of 1 to 3 sizes",
                        r->where);
        return;
    }
    for (size_t l = 0; l < json_array_size(h); l++) {
        const json_t *v = json_array_get(h, l);
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1024) {
            r->st = ng_fail(r->err, NG_EFORMAT, "%s: hidden size %zu is not in [1, 1024]",
                            r->where, l);
            return;
        }
        c->hidden[l] = (size_t)json_integer_value(v);
    }
}

static ng_status read_config(const json_t *obj, const char *path, ng_packet_level_config *c,
                             ng_error *err)
{
    char where[300];
    snprintf(where, sizeof where, "%s: header 'packet.config'", path);
    json_reader r = {where, err, NG_OK};
    memset(c, 0, sizeof *c);
    if (!json_is_object(obj))
        return ng_fail(err, NG_EFORMAT, "%s: missing or not an object", where);
    c->latent = read_size(&r, obj, "latent", 1, 64);
    read_hidden(&r, obj, c);
    c->beta = (float)read_number(&r, obj, "beta", 0.0, 100.0);
    c->epochs = read_size(&r, obj, "epochs", 0, 100000);
    c->batch = read_size(&r, obj, "batch", 1, 65536);
    c->learning_rate = (float)read_number(&r, obj, "learning_rate", 0.0, 1.0);
    c->k_min = read_size(&r, obj, "k_min", 1, 256);
    c->k_max = read_size(&r, obj, "k_max", 1, 256);
    c->gmm_max_points = read_size(&r, obj, "gmm_max_points", 0, (size_t)1 << 40);
    c->size_vocab = read_size(&r, obj, "size_vocab", 1, NG_VOCAB_MAX);
    return r.st;
}

static ng_status read_training(const json_t *obj, const char *path, ng_packet_training *t,
                               ng_error *err)
{
    char where[300];
    snprintf(where, sizeof where, "%s: header 'packet.training'", path);
    json_reader r = {where, err, NG_OK};
    if (!json_is_object(obj))
        return ng_fail(err, NG_EFORMAT, "%s: missing or not an object", where);
    t->initial_val_loss = read_number(&r, obj, "initial_val_loss", -HUGE_VAL, HUGE_VAL);
    t->final_val_loss = read_number(&r, obj, "final_val_loss", -HUGE_VAL, HUGE_VAL);
    t->final_train_loss = read_number(&r, obj, "final_train_loss", -HUGE_VAL, HUGE_VAL);
    t->epochs = read_size(&r, obj, "epochs", 0, 100000);
    t->best_epoch = read_size(&r, obj, "best_epoch", 0, 100000);
    t->train_packets = read_size(&r, obj, "train_packets", 0, SIZE_MAX >> 1);
    t->val_packets = read_size(&r, obj, "val_packets", 0, SIZE_MAX >> 1);
    const json_t *v = json_object_get(obj, "validation");
    if (!r.st && !json_is_boolean(v))
        return ng_fail(err, NG_EFORMAT, "%s: 'validation' is not a boolean", where);
    t->validation = json_is_true(v);
    return r.st;
}

static ng_status read_cluster(const json_t *obj, const char *path, size_t k,
                              ng_packet_cluster_summary *s, ng_error *err)
{
    char where[300];
    snprintf(where, sizeof where, "%s: header 'packet.clusters[%zu]'", path, k);
    json_reader r = {where, err, NG_OK};
    if (!json_is_object(obj))
        return ng_fail(err, NG_EFORMAT, "%s: missing or not an object", where);
    s->weight = read_number(&r, obj, "weight", 0.0, 1.0);
    s->packets = read_size(&r, obj, "packets", 0, SIZE_MAX >> 1);
    s->share_c2s = read_number(&r, obj, "share_c2s", 0.0, 1.0);
    s->top_tcp_flags = (uint32_t)read_size(&r, obj, "top_tcp_flags", 0, 255);
    s->top_tcp_flags_share = read_number(&r, obj, "top_tcp_flags_share", 0.0, 1.0);
    s->median_payload = read_number(&r, obj, "median_payload", 0.0, 1e9);
    s->median_iat_s = read_number(&r, obj, "median_iat_s", 0.0, 1e12);
    return r.st;
}

static ng_status read_clusters(const json_t *section, const char *path, ng_packet_level *pl,
                               ng_error *err)
{
    const json_t *k = json_object_get(section, "k");
    const json_t *arr = json_object_get(section, "clusters");
    if (!json_is_integer(k) || json_integer_value(k) < 1 || json_integer_value(k) > 65535)
        return ng_fail(err, NG_EFORMAT, "%s: header 'packet.k' is missing or not in [1, 65535]",
                       path);
    size_t K = (size_t)json_integer_value(k);
    if (!json_is_array(arr) || json_array_size(arr) != K)
        return ng_fail(err, NG_EFORMAT,
                       "%s: header 'packet.clusters' must be an array of k = %zu summaries", path,
                       K);
    pl->clusters = calloc(K, sizeof *pl->clusters);
    if (!pl->clusters)
        return ng_fail(err, NG_ENOMEM, "out of memory for %zu cluster summaries", K);
    for (size_t c = 0; c < K; c++) {
        ng_status st = read_cluster(json_array_get(arr, c), path, c, &pl->clusters[c], err);
        if (st)
            return st;
    }
    return NG_OK;
}

/* ---- load: tensors ---- */


static ng_status load_vae(const ng_model_file *m, ng_packet_level *pl, ng_error *err)
{
    ng_status st = ng_params_io_load(m, &pl->params, err);
    if (st != NG_OK)
        return st;
    const char *prefix = NG_PACKET_VAE_PREFIX ".";
    for (size_t i = 0; i < m->n_tensors; i++)
        if (!strncmp(m->tensors[i].name, prefix, strlen(prefix)) &&
            !ng_params_find(&pl->params, m->tensors[i].name))
            return ng_fail(err, NG_EFORMAT,
                           "%s: tensor '%s' is not part of the VAE the header describes",
                           m->path, m->tensors[i].name);
    return NG_OK;
}

static ng_status load_gmm(const ng_model_file *m, ng_packet_level *pl, size_t K, ng_error *err)
{
    ng_status st = ng_gmm_io_load(m, NG_PACKET_GMM_PREFIX, &pl->gmm, err);
    if (st)
        return st;
    if (pl->gmm->d != pl->cfg.latent || pl->gmm->k != K)
        return ng_fail(err, NG_EFORMAT,
                       "%s: tensor '" NG_PACKET_GMM_PREFIX ".means' is %zu x %zu, expected "
                       "k = %zu components of latent size %zu (header 'packet')",
                       m->path, pl->gmm->k, pl->gmm->d, K, pl->cfg.latent);
    return ng_packet_level_attach_gmm(pl, err);
}

static ng_status load_iat_residuals(const ng_model_file *m, ng_packet_level *pl, ng_error *err)
{
    uint64_t k = pl->gmm->k;
    const ng_model_tensor *t;
    ng_status st = ng_model_file_tensor(m, NG_PACKET_IAT_RESIDUAL, NG_DTYPE_F64, 1, &k, &t, err);
    if (st)
        return st;
    pl->iat_resid_std = malloc(k * sizeof *pl->iat_resid_std);
    if (!pl->iat_resid_std)
        return ng_fail(err, NG_ENOMEM, "out of memory for %zu residuals", (size_t)k);
    memcpy(pl->iat_resid_std, t->data, k * sizeof *pl->iat_resid_std);
    for (size_t c = 0; c < k; c++)
        if (!(pl->iat_resid_std[c] >= 0.0 && pl->iat_resid_std[c] <= 100.0))
            return ng_fail(err, NG_EFORMAT, "%s: tensor '%s' entry %zu is not in [0, 100]",
                           m->path, NG_PACKET_IAT_RESIDUAL, c);
    return NG_OK;
}

static ng_status load_section(const ng_model_file *m, const json_t *section, ng_packet_level *pl,
                              ng_error *err)
{
    const json_t *version = json_object_get(section, "version");
    if (!json_is_integer(version) || json_integer_value(version) != 1)
        return ng_fail(err, NG_EFORMAT, "%s: header 'packet.version' is missing or not 1",
                       m->path);
    ng_status st = read_config(json_object_get(section, "config"), m->path, &pl->cfg, err);
    if (st)
        return st;
    char where[300];
    snprintf(where, sizeof where, "%s: header 'packet.features'", m->path);
    st = ng_packet_features_from_json(&pl->features, json_object_get(section, "features"), where,
                                      err);
    if (!st)
        st = read_training(json_object_get(section, "training"), m->path, &pl->training, err);
    if (!st)
        st = read_clusters(section, m->path, pl, err);
    if (!st)
        st = ng_packet_level_build_network(pl, err);
    if (!st)
        st = load_vae(m, pl, err);
    if (!st)
        st = load_gmm(m, pl, json_array_size(json_object_get(section, "clusters")), err);
    if (!st)
        st = load_iat_residuals(m, pl, err);
    return st;
}

ng_status ng_packet_level_load(const ng_model_file *m, ng_packet_level **out, ng_error *err)
{
    *out = NULL;
    const json_t *section = json_object_get(m->header, "packet");
    if (!json_is_object(section))
        return ng_fail(err, NG_EFORMAT,
                       "%s: the header has no 'packet' section (not a necstgen model with a "
                       "packet level?)",
                       m->path);
    ng_packet_level *pl = ng_packet_level_alloc(err);
    if (!pl)
        return NG_ENOMEM;
    ng_status st = load_section(m, section, pl, err);
    if (st) {
        ng_packet_level_free(pl);
        return st;
    }
    *out = pl;
    return NG_OK;
}
