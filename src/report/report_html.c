/* report_html.c — summaries, score tables and inline-SVG charts in one HTML file. */
#include "report/report_html.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/packet.h"
#include "core/outfile.h"
#include "report/report_table.h"
#include "report/svg.h"

#define ECDF_POINTS 400
#define SERIES_POINTS 800
#define TOP_CATEGORIES 12
#define MAX_SIDES 8

static const char *const palette[MAX_SIDES] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                               "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

/* The sides drawn in charts: real, then the synthetic files (at most MAX_SIDES - 1). */
typedef struct sides {
    const ng_report_side *side[MAX_SIDES];
    char name[MAX_SIDES][40];
    size_t n;
} sides;

static void collect_sides(const ng_report_data *d, sides *s)
{
    s->n = 0;
    s->side[s->n] = &d->real;
    snprintf(s->name[s->n++], sizeof s->name[0], "real");
    for (size_t i = 0; i < d->n_synth && s->n < MAX_SIDES; i++) {
        s->side[s->n] = &d->synth[i];
        if (d->n_synth == 1)
            snprintf(s->name[s->n++], sizeof s->name[0], "synthetic");
        else
            snprintf(s->name[s->n++], sizeof s->name[0], "synthetic %zu", i + 1);
    }
}

static void num(FILE *out, double v)
{
    char buf[32];
    ng_format_number(v, buf, sizeof buf);
    fputs(buf, out);
}

/* ---- header and tables ---- */

static void style(FILE *out)
{
    fputs("<style>body{font-family:sans-serif;margin:24px;color:#222;max-width:1240px}"
          "table{border-collapse:collapse;margin:8px 0 20px}"
          "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
          "th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}"
          ".charts{display:flex;flex-wrap:wrap;gap:12px}"
          ".charts svg{border:1px solid #ddd}.good{color:#080}.fair{color:#a60}.bad{color:#c00}"
          "</style>\n", out);
}

static void summary_row(FILE *out, const char *role, const ng_capture_summary *s)
{
    uint64_t checked = 0, valid = 0;
    for (int k = 0; k < NG_CSUM_KINDS; k++)
        checked += s->csum.checked[k], valid += s->csum.valid[k];
    fprintf(out, "<tr><td>%s: ", role);
    ng_xml_escape(out, s->label);
    fprintf(out, "</td><td>%zu</td><td>%llu</td><td>", s->n_pkts,
            (unsigned long long)s->total_bytes);
    num(out, (double)(s->last_ns - s->first_ns) * 1e-9);
    fprintf(out, "</td><td>%zu</td><td>%zu</td><td>%llu</td><td>%llu / %llu</td>"
                 "<td>%llu / %llu</td></tr>\n", s->n_flows, ng_summary_tcp_flows(s),
            (unsigned long long)s->non_ip_packets, (unsigned long long)valid,
            (unsigned long long)checked, (unsigned long long)s->seqack.consistent,
            (unsigned long long)s->seqack.checked);
}

static void header(FILE *out, const ng_report_data *d)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<title>necstgen compare</title>\n", out);
    style(out);
    fputs("</head><body>\n<h1>necstgen compare</h1>\n<h2>Captures</h2>\n<table><tr><th>file"
          "</th><th>packets</th><th>bytes</th><th>duration [s]</th><th>flows</th>"
          "<th>TCP flows</th><th>non-IP packets</th><th>valid checksums</th>"
          "<th>consistent seq/ack</th></tr>\n", out);
    summary_row(out, "real", d->real.summary);
    for (size_t i = 0; i < d->n_synth; i++)
        summary_row(out, "synthetic", d->synth[i].summary);
    fputs("</table>\n<p>Flows are bidirectional 5-tuples without timeout; definitions in "
          "docs/METRICS.md. JSD in bits on 50 bins (log-spaced for times and counts).</p>\n",
          out);
}

static const char *grade(double v)
{
    return isnan(v) ? "" : v < 0.1 ? "good" : v < 0.3 ? "fair" : "bad";
}

static void graded(FILE *out, double v)
{
    fprintf(out, "<td class=\"%s\">", grade(v));
    num(out, v);
    fputs("</td>", out);
}

static void score_tables(FILE *out, const ng_report_data *d)
{
    const ng_comparison *c = &d->mean;
    fprintf(out, "<h2>Scores%s</h2>\n<table><tr><th>quantity</th><th>real median</th>"
                 "<th>synthetic median</th><th>KS</th><th>W1</th><th>W1 (log10)</th>"
                 "<th>JSD</th><th>JSD (nats)</th></tr>\n",
            d->n_synth > 1 ? " (mean over the synthetic files)" : "");
    for (int i = 0; i < NG_Q_CONT_COUNT; i++) {
        const ng_cont_score *s = &c->cont[i];
        const ng_quantity_def *def = ng_cont_def((ng_cont_id)i);
        fprintf(out, "<tr><td>%s [%s]</td><td>", def->title, def->unit);
        num(out, s->median_real);
        fputs("</td><td>", out);
        num(out, s->median_synth);
        fputs("</td>", out);
        graded(out, s->ks);
        fputs("<td>", out);
        num(out, s->w1);
        fputs("</td><td>", out);
        num(out, s->w1_log10);
        fputs("</td>", out);
        graded(out, s->jsd);
        fputs("<td>", out);
        num(out, s->jsd_nats);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n<table><tr><th>categorical quantity</th><th>n real</th>"
          "<th>n synthetic</th><th>JSD</th><th>JSD (nats, NetShare)</th></tr>\n", out);
    for (int i = 0; i < NG_Q_CAT_COUNT; i++) {
        const ng_cat_score *s = &c->cat[i];
        fprintf(out, "<tr><td>%s</td><td>", ng_cat_def((ng_cat_id)i)->title);
        fprintf(out, "%.0f</td><td>%.0f", s->n_real, s->n_synth);
        fputs("</td>", out);
        graded(out, s->jsd);
        fputs("<td>", out);
        num(out, s->jsd_nats);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

static void structure_table(FILE *out, const ng_report_data *d)
{
    fputs("<h2>Structure and validity</h2>\n<table><tr><th>share</th><th>real</th>", out);
    for (size_t i = 0; i < d->n_synth; i++)
        fprintf(out, "<th>synthetic %zu</th>", i + 1);
    fputs("</tr>\n", out);
    for (int k = 0; k < NG_S_COUNT; k++) {
        fprintf(out, "<tr><td>%s</td><td>", ng_struct_def((ng_struct_id)k)->title);
        num(out, d->scores[0].structure[k].real);
        fputs("</td>", out);
        for (size_t i = 0; i < d->n_synth; i++) {
            fputs("<td>", out);
            num(out, d->scores[i].structure[k].synth);
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}

static void memo_cells(FILE *out, const ng_memo_score *m)
{
    fprintf(out, "<td>%.0f / %.0f (", m->memorised, m->flows);
    num(out, m->share);
    fputs(")</td>", out);
}

/* Copies of training flows, when compare was given --train. */
static void memorisation_table(FILE *out, const ng_report_data *d)
{
    if (!d->train_label)
        return;
    fputs("<h2>Memorisation</h2>\n<p>Flows of at least 5 packets whose sequence of "
          "(direction, frame length) equals a flow of the training capture <code>", out);
    ng_xml_escape(out, d->train_label);
    fputs("</code>.</p>\n<table><tr><th></th><th>real</th>", out);
    for (size_t i = 0; i < d->n_synth; i++)
        fprintf(out, "<th>synthetic %zu</th>", i + 1);
    fputs("</tr>\n<tr><td>copies / flows (share)</td>", out);
    memo_cells(out, &d->real_memo);
    for (size_t i = 0; i < d->n_synth; i++)
        memo_cells(out, &d->memo[i]);
    fputs("</tr>\n</table>\n", out);
}

/* ---- charts ---- */

typedef struct points {
    double *x, *y;
    size_t n;
} points;

static void points_free(points *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i].x), free(p[i].y);
}

static bool points_alloc(points *p, size_t n)
{
    p->x = malloc((n ? n : 1) * sizeof *p->x);
    p->y = malloc((n ? n : 1) * sizeof *p->y);
    p->n = 0;
    return p->x && p->y;
}

/* At most ECDF_POINTS steps of the empirical CDF of a sorted sample. */
static bool ecdf_points(const double *v, size_t n, points *p)
{
    size_t m = n < ECDF_POINTS ? n : ECDF_POINTS;
    if (!points_alloc(p, m))
        return false;
    for (size_t j = 0; j < m; j++) {
        size_t idx = m == 1 ? n - 1 : (size_t)llround((double)j * (double)(n - 1) / (double)(m - 1));
        p->x[p->n] = v[idx];
        p->y[p->n++] = (double)(idx + 1) / (double)n;
    }
    return true;
}

/* A time series averaged into at most SERIES_POINTS blocks. */
static bool series_points(const double *v, size_t n, double bin_s, points *p)
{
    size_t block = n / SERIES_POINTS + 1, m = (n + block - 1) / block;
    if (!points_alloc(p, m))
        return false;
    for (size_t b = 0; b < m; b++) {
        double sum = 0;
        size_t cnt = 0;
        for (size_t i = b * block; i < n && i < (b + 1) * block; i++)
            sum += v[i], cnt++;
        p->x[p->n] = (double)(b * block) * bin_s;
        p->y[p->n++] = cnt ? sum / (double)cnt : 0;
    }
    return true;
}

static void make_series(const sides *s, points *p, ng_svg_series *ss)
{
    for (size_t k = 0; k < s->n; k++)
        ss[k] = (ng_svg_series){s->name[k], palette[k], p[k].x, p[k].y, p[k].n};
}

static bool ecdf_chart(FILE *out, const sides *s, ng_cont_id id)
{
    const ng_quantity_def *def = ng_cont_def(id);
    points p[MAX_SIDES] = {{0}};
    ng_svg_series ss[MAX_SIDES];
    bool ok = true;
    for (size_t k = 0; k < s->n && ok; k++)
        ok = ecdf_points(s->side[k]->q->cont[id], s->side[k]->q->n_cont[id], &p[k]);
    if (ok) {
        make_series(s, p, ss);
        char title[96], xl[64];
        snprintf(title, sizeof title, "ECDF: %s", def->title);
        snprintf(xl, sizeof xl, "%s [%s]%s", def->title, def->unit, def->log_scale ? " (log)" : "");
        ng_svg_line_chart(out, title, (ng_svg_axis){xl, def->log_scale},
                          (ng_svg_axis){"fraction <= x", false}, ss, s->n, true);
    }
    points_free(p, s->n);
    return ok;
}

static bool throughput_chart(FILE *out, const sides *s, bool bytes)
{
    points p[MAX_SIDES] = {{0}};
    ng_svg_series ss[MAX_SIDES];
    bool ok = true;
    for (size_t k = 0; k < s->n && ok; k++) {
        const ng_quantities *q = s->side[k]->q;
        ok = series_points(bytes ? q->tput_bytes : q->tput_packets, q->n_bins, q->bin_s, &p[k]);
    }
    if (ok) {
        make_series(s, p, ss);
        ng_svg_line_chart(out, bytes ? "Throughput over time (bytes/s)"
                                     : "Throughput over time (packets/s)",
                          (ng_svg_axis){"seconds since the first packet", false},
                          (ng_svg_axis){bytes ? "bytes/s" : "packets/s", false}, ss, s->n, false);
    }
    points_free(p, s->n);
    return ok;
}

static void category_label(ng_cat_id id, uint64_t key, char *buf, size_t len)
{
    if (id == NG_Q_IP_PROTO) {
        snprintf(buf, len, "%s", ng_ip_proto_name((uint8_t)key));
    } else if (id == NG_Q_TCP_FLAGS) {
        static const char letters[] = "FSRPAUEC";
        size_t n = 0;
        for (int b = 0; b < 8 && n + 1 < len; b++)
            if (key & (1u << b))
                buf[n++] = letters[b];
        buf[n] = '\0';
        if (n == 0)
            snprintf(buf, len, "none");
    } else if (id == NG_Q_NGRAM) {
        ng_ngram_label((unsigned)key, buf, len);
    } else {
        snprintf(buf, len, "%llu", (unsigned long long)key);
    }
}

static double share_of(const ng_cat_dist *d, uint64_t key)
{
    size_t lo = 0, hi = d->k;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->keys[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->k && d->keys[lo] == key && d->total > 0 ? d->counts[lo] / d->total : 0.0;
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

typedef struct ranked {
    uint64_t key;
    double score;
} ranked;

static int cmp_ranked(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score < b->score ? 1 : -1;
    return (a->key > b->key) - (a->key < b->key);
}

/* The TOP_CATEGORIES values with the largest share on any side, largest first. */
static size_t top_keys(const sides *s, ng_cat_id id, uint64_t *top)
{
    size_t total = 0;
    for (size_t k = 0; k < s->n; k++)
        total += s->side[k]->q->cat[id].k;
    uint64_t *all = malloc((total + 1) * sizeof *all);
    ranked *r = malloc((total + 1) * sizeof *r);
    size_t n = 0, distinct = 0;
    if (all && r) {
        for (size_t k = 0; k < s->n; k++)
            for (size_t i = 0; i < s->side[k]->q->cat[id].k; i++)
                all[n++] = s->side[k]->q->cat[id].keys[i];
        qsort(all, n, sizeof *all, cmp_u64);
        for (size_t i = 0; i < n; i++) {
            if (distinct && r[distinct - 1].key == all[i])
                continue;
            r[distinct] = (ranked){all[i], 0.0};
            for (size_t k = 0; k < s->n; k++) {
                double sh = share_of(&s->side[k]->q->cat[id], all[i]);
                r[distinct].score = sh > r[distinct].score ? sh : r[distinct].score;
            }
            distinct++;
        }
        qsort(r, distinct, sizeof *r, cmp_ranked);
    }
    size_t m = distinct < TOP_CATEGORIES ? distinct : TOP_CATEGORIES;
    for (size_t i = 0; i < m; i++)
        top[i] = r[i].key;
    free(all), free(r);
    return m;
}

static void category_chart(FILE *out, const sides *s, ng_cat_id id)
{
    uint64_t top[TOP_CATEGORIES];
    size_t m = top_keys(s, id, top);
    char label_buf[TOP_CATEGORIES][32];
    const char *labels[TOP_CATEGORIES];
    double y[MAX_SIDES][TOP_CATEGORIES];
    ng_svg_series ss[MAX_SIDES];
    for (size_t i = 0; i < m; i++) {
        category_label(id, top[i], label_buf[i], sizeof label_buf[i]);
        labels[i] = label_buf[i];
    }
    for (size_t k = 0; k < s->n; k++) {
        for (size_t i = 0; i < m; i++)
            y[k][i] = share_of(&s->side[k]->q->cat[id], top[i]);
        ss[k] = (ng_svg_series){s->name[k], palette[k], NULL, y[k], m};
    }
    char title[96];
    snprintf(title, sizeof title, "%s (top %zu)", ng_cat_def(id)->title, m);
    ng_svg_bar_chart(out, title, "share", labels, m, ss, s->n);
}

static bool host_rank_chart(FILE *out, const sides *s)
{
    points p[MAX_SIDES] = {{0}};
    ng_svg_series ss[MAX_SIDES];
    bool ok = true;
    for (size_t k = 0; k < s->n && ok; k++) {
        const ng_cat_dist *d = &s->side[k]->q->cat[NG_Q_HOST_RANK];
        size_t n = d->k < 1000 ? d->k : 1000;
        if ((ok = points_alloc(&p[k], n)))
            for (size_t i = 0; i < n; i++) {
                p[k].x[i] = (double)d->keys[i];
                p[k].y[i] = d->counts[i] / d->total;
                p[k].n++;
            }
    }
    if (ok) {
        make_series(s, p, ss);
        ng_svg_line_chart(out, "Host popularity: rank-frequency",
                          (ng_svg_axis){"host rank (log)", true},
                          (ng_svg_axis){"share of packets (log)", true}, ss, s->n, false);
    }
    points_free(p, s->n);
    return ok;
}

static bool charts(FILE *out, const sides *s)
{
    bool ok = true;
    fputs("<h2>Distributions (ECDF)</h2>\n<div class=\"charts\">\n", out);
    for (int i = 0; i < NG_Q_CONT_COUNT && ok; i++)
        ok = ecdf_chart(out, s, (ng_cont_id)i);
    fputs("</div>\n<h2>Throughput over time</h2>\n<div class=\"charts\">\n", out);
    ok = ok && throughput_chart(out, s, true) && throughput_chart(out, s, false);
    fputs("</div>\n<h2>Categorical quantities</h2>\n<div class=\"charts\">\n", out);
    for (int i = 0; i < NG_Q_CAT_COUNT && ok; i++)
        if (i != NG_Q_HOST_RANK)
            category_chart(out, s, (ng_cat_id)i);
    ok = ok && host_rank_chart(out, s);
    fputs("</div>\n", out);
    return ok;
}

ng_status ng_report_html_write(const ng_report_data *d, const char *path, ng_error *err)
{
    sides s;
    collect_sides(d, &s);
    ng_outfile out;
    ng_status st = ng_outfile_open(&out, path, err);
    if (st != NG_OK)
        return st;
    header(out.fp, d);
    score_tables(out.fp, d);
    bool ok = charts(out.fp, &s);
    structure_table(out.fp, d);
    memorisation_table(out.fp, d);
    fputs("</body></html>\n", out.fp);
    if (!ok) {
        ng_outfile_abort(&out);
        return ng_fail(err, NG_ENOMEM, "%s: out of memory drawing the charts", path);
    }
    return ng_outfile_commit(&out, err);
}
