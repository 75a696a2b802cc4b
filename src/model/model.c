/* model.c — training the three levels in order, and the whole model's file. */
#include "model/model.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/progress.h"
#include "core/sha256.h"

#ifndef NG_VERSION
#define NG_VERSION "unknown"
#endif

static json_t *provenance_json(const ng_dataset *ds, const ng_train_config *cfg)
{
    json_t *inputs = json_array();
    for (size_t i = 0; i < ds->n_inputs; i++) {
        char hex[2 * NG_SHA256_LEN + 1];
        ng_sha256_hex(ds->inputs[i].sha256, hex);
        const char *base = strrchr(ds->inputs[i].path, '/');
        json_array_append_new(inputs, json_pack("{s:s, s:I, s:s}", "name",
                                                base ? base + 1 : ds->inputs[i].path, "bytes",
                                                (json_int_t)ds->inputs[i].size, "sha256", hex));
    }
    return json_pack("{s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:I}", "necstgen_version", NG_VERSION,
                     "inputs", inputs, "seed", (json_int_t)cfg->seed, "packets_read",
                     (json_int_t)ds->stats.packets, "packets_trained",
                     (json_int_t)ds->n_packets, "flows_trained", (json_int_t)ds->n_flows,
                     "first_ns", (json_int_t)ds->stats.first_ns, "last_ns",
                     (json_int_t)ds->stats.last_ns);
}

/* Training times are left out of the file: the same inputs and seed must give the
 * same bytes, however busy the machine was. */
static json_t *level_report_json(const ng_level_report *r)
{
    return json_pack("{s:f, s:f, s:f, s:I, s:I}", "initial_val_loss", r->initial_val_loss,
                     "final_val_loss", r->final_val_loss, "final_train_loss",
                     r->final_train_loss, "epochs", (json_int_t)r->epochs, "best_epoch",
                     (json_int_t)r->best_epoch);
}

static json_t *report_json(const ng_train_report *r)
{
    return json_pack("{s:o, s:o, s:I}", "packet", level_report_json(&r->packet), "flow",
                     level_report_json(&r->flow), "packet_k", (json_int_t)r->packet_k);
}

static ng_status train_levels(ng_model *m, const ng_dataset *ds, const ng_train_config *cfg,
                              ng_error *err)
{
    ng_train_report *r = &m->report;
    uint16_t *clusters = malloc((ds->n_packets ? ds->n_packets : 1) * sizeof *clusters);
    if (!clusters)
        return ng_fail(err, NG_ENOMEM, "out of memory for %zu cluster ids", ds->n_packets);
    double t0 = ng_now_seconds();
    ng_info("training the packet level (VAE + latent mixture) on %zu packets", ds->n_packets);
    ng_status st = ng_packet_level_train(ds, cfg, &m->packet, clusters, &r->packet,
                                         &r->packet_k, err);
    if (st == NG_OK) {
        ng_info("training the flow level (LSTM) on %zu flows, %zu packet clusters",
                ds->n_flows, r->packet_k);
        st = ng_flow_level_train(ds, clusters, r->packet_k, cfg, &m->flow, &r->flow, err);
    }
    if (st == NG_OK) {
        double ta = ng_now_seconds();
        ng_info("training the aggregate level on %zu flows", ds->n_flows);
        st = ng_aggregate_train(ds, cfg, &m->aggregate, err);
        r->aggregate_seconds = ng_now_seconds() - ta;
    }
    r->total_seconds = ng_now_seconds() - t0;
    free(clusters);
    return st;
}

ng_status ng_model_train_dataset(const ng_dataset *ds, const ng_train_config *cfg,
                                 ng_model **out, ng_error *err)
{
    *out = NULL;
    if (ds->n_packets == 0)
        return ng_fail(err, NG_EINVAL, "nothing to learn: the input has no packets%s",
                       cfg->filter_classes ? " of the requested classes" : "");
    ng_model *m = calloc(1, sizeof *m);
    if (!m)
        return ng_fail(err, NG_ENOMEM, "out of memory");
    ng_status st = train_levels(m, ds, cfg, err);
    if (st != NG_OK) {
        ng_model_free(m);
        return st;
    }
    m->provenance = provenance_json(ds, cfg);
    m->config = ng_train_config_to_json(cfg);
    *out = m;
    return NG_OK;
}

ng_status ng_model_train(const char *const *paths, size_t n, const ng_train_config *cfg,
                         ng_model **out, ng_error *err)
{
    ng_dataset_options opt;
    memset(&opt, 0, sizeof opt);
    opt.extract.timeout_ns = (int64_t)(cfg->flow_timeout_s * 1e9);
    opt.extract.max_packets = cfg->max_packets;
    opt.extract.progress = ng_log_get_level() >= NG_LOG_INFO; /* -q hides it */
    opt.filter_classes = cfg->filter_classes;
    memcpy(opt.keep_class, cfg->keep_class, sizeof opt.keep_class);
    ng_dataset ds;
    ng_status st = ng_dataset_load(&ds, paths, n, &opt, err);
    if (st != NG_OK)
        return st;
    st = ng_model_train_dataset(&ds, cfg, out, err);
    ng_dataset_free(&ds);
    return st;
}

static ng_status build_writer(const ng_model *m, ng_model_writer **out, ng_error *err)
{
    ng_model_writer *w;
    ng_status st = ng_model_writer_new(&w, err);
    if (st != NG_OK)
        return st;
    json_t *header = json_pack("{s:s, s:O, s:O, s:o}", "format", "necstgen-model",
                               "provenance", m->provenance, "config", m->config, "report",
                               report_json(&m->report));
    if (!header)
        st = ng_fail(err, NG_ENOMEM, "out of memory building the model header");
    if (st == NG_OK)
        st = ng_packet_level_save(m->packet, w, header, err);
    if (st == NG_OK)
        st = ng_flow_level_save(m->flow, w, header, err);
    if (st == NG_OK)
        st = ng_aggregate_save(m->aggregate, w, header, err);
    if (st == NG_OK)
        st = ng_model_writer_set_header(w, header, err);
    json_decref(header);
    if (st != NG_OK) {
        ng_model_writer_free(w);
        return st;
    }
    *out = w;
    return NG_OK;
}

ng_status ng_model_save(const ng_model *m, const char *path, ng_error *err)
{
    ng_model_writer *w;
    ng_status st = build_writer(m, &w, err);
    if (st != NG_OK)
        return st;
    st = ng_model_writer_save(w, path, err);
    ng_model_writer_free(w);
    return st;
}

ng_status ng_model_encode(const ng_model *m, uint8_t **bytes, size_t *len, ng_error *err)
{
    ng_model_writer *w;
    ng_status st = build_writer(m, &w, err);
    if (st != NG_OK)
        return st;
    st = ng_model_writer_encode(w, bytes, len, err);
    ng_model_writer_free(w);
    return st;
}

static ng_status load_report(ng_model *m, const json_t *header)
{
    const json_t *r = json_object_get(header, "report");
    const json_t *pk = json_object_get(r, "packet_k");
    m->report.packet_k = json_is_integer(pk) ? (size_t)json_integer_value(pk) : 0;
    const char *levels[2] = {"packet", "flow"};
    ng_level_report *dst[2] = {&m->report.packet, &m->report.flow};
    for (int i = 0; i < 2; i++) {
        const json_t *l = json_object_get(r, levels[i]);
        dst[i]->initial_val_loss = json_number_value(json_object_get(l, "initial_val_loss"));
        dst[i]->final_val_loss = json_number_value(json_object_get(l, "final_val_loss"));
        dst[i]->final_train_loss = json_number_value(json_object_get(l, "final_train_loss"));
        dst[i]->epochs = (size_t)json_integer_value(json_object_get(l, "epochs"));
        dst[i]->best_epoch = (size_t)json_integer_value(json_object_get(l, "best_epoch"));
    }
    return NG_OK;
}

static ng_status model_from_file(ng_model_file *file, const char *path, ng_model **out,
                                 ng_error *err);

ng_status ng_model_load(const char *path, ng_model **out, ng_error *err)
{
    *out = NULL;
    ng_model_file *file;
    ng_status st = ng_model_file_load(path, &file, err);
    return st == NG_OK ? model_from_file(file, path, out, err) : st;
}

ng_status ng_model_load_bytes(const uint8_t *bytes, size_t len, const char *label,
                              ng_model **out, ng_error *err)
{
    *out = NULL;
    ng_model_file *file;
    ng_status st = ng_model_file_decode(bytes, len, label, &file, err);
    return st == NG_OK ? model_from_file(file, label, out, err) : st;
}

/* Build the levels from a decoded file; consumes file. */
static ng_status model_from_file(ng_model_file *file, const char *path, ng_model **out,
                                 ng_error *err)
{
    ng_status st;
    const json_t *format = json_object_get(file->header, "format");
    if (!json_is_string(format) || strcmp(json_string_value(format), "necstgen-model")) {
        ng_model_file_free(file);
        return ng_fail(err, NG_EFORMAT, "%s: not a necstgen model (header format is missing)",
                       path);
    }
    ng_model *m = calloc(1, sizeof *m);
    if (!m) {
        ng_model_file_free(file);
        return ng_fail(err, NG_ENOMEM, "out of memory");
    }
    st = ng_packet_level_load(file, &m->packet, err);
    if (st == NG_OK)
        st = ng_flow_level_load(file, &m->flow, err);
    if (st == NG_OK)
        st = ng_aggregate_load(file, &m->aggregate, err);
    if (st == NG_OK) {
        m->provenance = json_incref(json_object_get(file->header, "provenance"));
        m->config = json_incref(json_object_get(file->header, "config"));
        if (!m->provenance || !m->config)
            st = ng_fail(err, NG_EFORMAT, "%s: model header lacks provenance or config", path);
    }
    if (st == NG_OK)
        load_report(m, file->header);
    ng_model_file_free(file);
    if (st != NG_OK) {
        ng_model_free(m);
        return st;
    }
    *out = m;
    return NG_OK;
}

void ng_model_free(ng_model *m)
{
    if (!m)
        return;
    ng_packet_level_free(m->packet);
    ng_flow_level_free(m->flow);
    ng_aggregate_free(m->aggregate);
    json_decref(m->provenance);
    json_decref(m->config);
    free(m);
}

json_t *ng_model_summary(const ng_model *m)
{
    return json_pack("{s:O, s:O, s:o, s:o, s:o, s:o}", "provenance", m->provenance, "config",
                     m->config, "report", report_json(&m->report), "packet",
                     ng_packet_level_summary(m->packet), "flow", ng_flow_level_summary(m->flow),
                     "aggregate", ng_aggregate_summary(m->aggregate));
}
