/* report_json.c — the comparison as JSON, written through core/outfile. */
#include "report/report_json.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "core/outfile.h"

static json_t *number(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *summary_json(const ng_capture_summary *s)
{
    json_t *checks = json_object();
    for (int k = 0; k < NG_CSUM_KINDS; k++)
        json_object_set_new(checks, ng_csum_kind_name((ng_csum_kind)k),
                            json_pack("{s:I,s:I}", "checked", (json_int_t)s->csum.checked[k],
                                      "valid", (json_int_t)s->csum.valid[k]));
    const ng_seqack_counts *sa = &s->seqack;
    return json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:o,s:I,s:I,s:o,s:{s:I,s:I,s:I,s:I,s:I,s:I}}",
                     "file", s->label, "packets", (json_int_t)s->n_pkts,
                     "bytes", (json_int_t)s->total_bytes, "flows", (json_int_t)s->n_flows,
                     "tcp_flows", (json_int_t)ng_summary_tcp_flows(s),
                     "non_ip_packets", (json_int_t)s->non_ip_packets,
                     "duration_s", number((double)(s->last_ns - s->first_ns) * 1e-9),
                     "truncated", (json_int_t)s->truncated,
                     "out_of_order", (json_int_t)s->out_of_order, "checksums", checks,
                     "seqack", "packets_checked", (json_int_t)sa->checked,
                     "packets_consistent", (json_int_t)sa->consistent,
                     "seq_checked", (json_int_t)sa->seq_checked, "seq_ok", (json_int_t)sa->seq_ok,
                     "ack_checked", (json_int_t)sa->ack_checked, "ack_ok", (json_int_t)sa->ack_ok);
}

static json_t *scores_json(const ng_comparison *c)
{
    json_t *cont = json_object(), *cat = json_object(), *st = json_object();
    for (int i = 0; i < NG_Q_CONT_COUNT; i++) {
        const ng_cont_score *s = &c->cont[i];
        json_object_set_new(cont, ng_cont_def((ng_cont_id)i)->key,
            json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "n_real", number(s->n_real),
                      "n_synth", number(s->n_synth), "median_real", number(s->median_real),
                      "median_synth", number(s->median_synth), "ks", number(s->ks),
                      "w1", number(s->w1), "w1_log10", number(s->w1_log10),
                      "jsd", number(s->jsd), "jsd_nats", number(s->jsd_nats)));
    }
    for (int i = 0; i < NG_Q_CAT_COUNT; i++) {
        const ng_cat_score *s = &c->cat[i];
        json_object_set_new(cat, ng_cat_def((ng_cat_id)i)->key,
            json_pack("{s:o,s:o,s:o,s:o}", "n_real", number(s->n_real), "n_synth",
                      number(s->n_synth), "jsd", number(s->jsd), "jsd_nats",
                      number(s->jsd_nats)));
    }
    for (int i = 0; i < NG_S_COUNT; i++) {
        const ng_struct_score *s = &c->structure[i];
        json_object_set_new(st, ng_struct_def((ng_struct_id)i)->key,
            json_pack("{s:o,s:o,s:o}", "real", number(s->real), "synth", number(s->synth),
                      "diff", number(s->diff)));
    }
    return json_pack("{s:o,s:o,s:o}", "continuous", cont, "categorical", cat, "structure", st);
}

static json_t *memo_json(const ng_memo_score *m)
{
    return json_pack("{s:o,s:o,s:o}", "flows_5plus", number(m->flows), "memorised",
                     number(m->memorised), "share", number(m->share));
}

/* {"train": file, "min_packets": 5, "real": {...}, "mean": {...}}, or null. */
static json_t *memorisation_json(const ng_report_data *d)
{
    if (!d->train_label)
        return json_null();
    return json_pack("{s:s,s:i,s:o,s:o}", "train", d->train_label, "min_packets",
                     NG_MEMO_MIN_PACKETS, "real", memo_json(&d->real_memo), "mean",
                     memo_json(&d->mean_memo));
}

static json_t *report_json(const ng_report_data *d)
{
    json_t *synth = json_array();
    double max_ks = 0.0;
    for (size_t i = 0; i < d->n_synth; i++) {
        json_t *one = summary_json(d->synth[i].summary);
        json_object_set_new(one, "scores", scores_json(&d->scores[i]));
        double ks = ng_comparison_max_ks(&d->scores[i]);
        json_object_set_new(one, "max_ks", number(ks));
        json_object_set_new(one, "memorisation",
                            d->train_label ? memo_json(&d->memo[i]) : json_null());
        json_array_append_new(synth, one);
        if (ks > max_ks)
            max_ks = ks;
    }
    return json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:{s:i,s:f}}", "format",
                     "necstgen-compare/1", "real", summary_json(d->real.summary),
                     "synthetic", synth, "mean", scores_json(&d->mean), "max_ks",
                     number(max_ks), "memorisation", memorisation_json(d),
                     "settings", "jsd_bins", NG_COMPARE_BINS, "log_floor", 1e-6);
}

ng_status ng_report_json_write(const ng_report_data *d, const char *path, ng_error *err)
{
    json_t *doc = report_json(d);
    if (!doc)
        return ng_fail(err, NG_ENOMEM, "%s: could not build the JSON document", path);
    ng_outfile out;
    ng_status st = ng_outfile_open(&out, path, err);
    if (st == NG_OK) {
        if (json_dumpf(doc, out.fp, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) != 0
            || fputc('\n', out.fp) == EOF) {
            int e = errno;
            ng_outfile_abort(&out);
            st = ng_fail(err, NG_EIO, "%s: writing JSON failed: %s",
                         strcmp(path, "-") ? path : "standard output", strerror(e));
        } else {
            st = ng_outfile_commit(&out, err);
        }
    }
    json_decref(doc);
    return st;
}
