/* report_table.c — fixed-width comparison table for the terminal. */
#include "report/report_table.h"

#include <math.h>

#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define RED "\033[31m"
#define RESET "\033[0m"

void ng_format_number(double v, char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "n/a");
    else if (v != 0.0 && (fabs(v) >= 1e6 || fabs(v) < 1e-3))
        snprintf(buf, len, "%.3e", v);
    else
        snprintf(buf, len, "%.4g", v);
}

static const char *grade(double score, bool colour)
{
    if (!colour || isnan(score))
        return "";
    return score < 0.1 ? GREEN : score < 0.3 ? YELLOW : RED;
}

/* One cell right-aligned in width w, coloured when `col` is a colour code. */
static void cell(FILE *out, double v, int w, const char *col)
{
    char buf[32];
    ng_format_number(v, buf, sizeof buf);
    fprintf(out, " %s%*s%s", col, w, buf, col[0] ? RESET : "");
}

static void count_cell(FILE *out, double v, int w)
{
    if (isnan(v))
        fprintf(out, " %*s", w, "n/a");
    else
        fprintf(out, " %*.0f", w, v);
}

static void header(FILE *out, const char *first)
{
    fprintf(out, "%-38s %11s %11s %8s %11s %8s\n", first, "real median", "synth median",
            "KS", "W1", "JSD");
}

static void continuous_rows(FILE *out, const ng_comparison *c, bool colour)
{
    header(out, "continuous");
    for (int i = 0; i < NG_Q_CONT_COUNT; i++) {
        const ng_cont_score *s = &c->cont[i];
        const ng_quantity_def *def = ng_cont_def((ng_cont_id)i);
        char name[64];
        snprintf(name, sizeof name, "%s%s%s%s", def->title, def->unit[0] ? " [" : "",
                 def->unit, def->unit[0] ? "]" : "");
        fprintf(out, "%-38s", name);
        cell(out, s->median_real, 11, "");
        cell(out, s->median_synth, 12, "");
        cell(out, s->ks, 8, grade(s->ks, colour));
        cell(out, s->w1, 11, "");
        cell(out, s->jsd, 8, grade(s->jsd, colour));
        fputc('\n', out);
    }
}

static void categorical_rows(FILE *out, const ng_comparison *c, bool colour)
{
    fprintf(out, "\n%-38s %11s %11s %8s %11s\n", "categorical", "n real", "n synth", "JSD",
            "JSD nats");
    for (int i = 0; i < NG_Q_CAT_COUNT; i++) {
        const ng_cat_score *s = &c->cat[i];
        fprintf(out, "%-38s", ng_cat_def((ng_cat_id)i)->title);
        count_cell(out, s->n_real, 11);
        count_cell(out, s->n_synth, 12);
        cell(out, s->jsd, 8, grade(s->jsd, colour));
        cell(out, s->jsd_nats, 11, "");
        fputc('\n', out);
    }
}

static void structure_rows(FILE *out, const ng_comparison *c, bool colour)
{
    fprintf(out, "\n%-38s %11s %11s %8s\n", "structure (shares)", "real", "synth", "|diff|");
    for (int i = 0; i < NG_S_COUNT; i++) {
        const ng_struct_score *s = &c->structure[i];
        fprintf(out, "%-38s", ng_struct_def((ng_struct_id)i)->title);
        cell(out, s->real, 11, "");
        cell(out, s->synth, 12, "");
        cell(out, s->diff, 8, grade(s->diff, colour));
        fputc('\n', out);
    }
}

/* Memorised share: synthetic flows (>= 5 packets) equal to a training flow. */
static void memorisation_rows(FILE *out, const ng_report_data *d, bool colour)
{
    if (!d->train_label)
        return;
    fprintf(out, "\nmemorisation against %s (flows >= %d packets)\n", d->train_label,
            NG_MEMO_MIN_PACKETS);
    fprintf(out, "%-38s %11s %11s %8s\n", "", "flows", "copies", "share");
    const ng_memo_score *rows[2] = {&d->real_memo, &d->mean_memo};
    const char *names[2] = {"real (repeats of training flows)", "synthetic"};
    for (int i = 0; i < 2; i++) {
        fprintf(out, "%-38s", names[i]);
        count_cell(out, rows[i]->flows, 11);
        count_cell(out, rows[i]->memorised, 12);
        cell(out, rows[i]->share, 8, i == 1 ? grade(rows[i]->share, colour) : "");
        fputc('\n', out);
    }
}

void ng_report_table(FILE *out, const ng_report_data *d, bool colour)
{
    const ng_capture_summary *r = d->real.summary;
    fprintf(out, "real:      %s (%zu packets, %zu flows)\n", r->label, r->n_pkts, r->n_flows);
    for (size_t i = 0; i < d->n_synth; i++) {
        const ng_capture_summary *s = d->synth[i].summary;
        fprintf(out, "synthetic: %s (%zu packets, %zu flows, max KS %.4f)\n", s->label,
                s->n_pkts, s->n_flows, ng_comparison_max_ks(&d->scores[i]));
    }
    if (d->n_synth > 1)
        fprintf(out, "numbers below: mean over the %zu synthetic files\n", d->n_synth);
    fputc('\n', out);
    continuous_rows(out, &d->mean, colour);
    categorical_rows(out, &d->mean, colour);
    structure_rows(out, &d->mean, colour);
    memorisation_rows(out, d, colour);
}
