/* cmd_compare.c — `necstgen compare REAL SYNTH... [--json F] [--html F] [--max-ks X]`.
 *
 * Reads the real capture and each synthetic one, scores every quantity of
 * docs/METRICS.md, prints the table and writes the optional JSON and HTML reports.
 * Exit: 0 success, 1 failure (bad input, write error), 2 usage, 3 when --max-ks is given
 * and some synthetic file's KS statistic exceeds it (reports are still written). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "core/error.h"
#include "report/capture_summary.h"
#include "report/compare.h"
#include "report/quantities.h"
#include "report/report_data.h"
#include "report/report_html.h"
#include "report/report_json.h"
#include "report/report_table.h"

#define EXIT_KS_EXCEEDED 3

typedef struct compare_opts {
    const char *real;
    const char **synth;
    size_t n_synth;
    const char *json, *html;
    double max_ks; /* NAN when not given */
} compare_opts;

typedef struct loaded {
    ng_capture_summary summary;
    ng_quantities q;
    bool has_summary, has_q;
} loaded;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: necstgen compare REAL SYNTH [SYNTH...] [--json FILE] [--html FILE] "
            "[--max-ks X]\n\n"
            "Score synthetic captures against a real one (docs/METRICS.md).\n"
            "  --json FILE   every number as JSON (\"-\" for stdout)\n"
            "  --html FILE   a self-contained report with charts\n"
            "  --max-ks X    exit 3 when any KS statistic exceeds X (for scripts)\n");
}

static int parse_args(int argc, char **argv, compare_opts *o)
{
    memset(o, 0, sizeof *o);
    o->max_ks = NAN;
    o->synth = calloc((size_t)argc, sizeof *o->synth);
    if (!o->synth)
        return 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return -1;
        } else if ((!strcmp(a, "--json") || !strcmp(a, "--html") || !strcmp(a, "--max-ks"))
                   && !has_value) {
            fprintf(stderr, "necstgen compare: %s needs a value\n", a);
            return 2;
        } else if (!strcmp(a, "--json")) {
            o->json = argv[++i];
        } else if (!strcmp(a, "--html")) {
            o->html = argv[++i];
        } else if (!strcmp(a, "--max-ks")) {
            char *end;
            errno = 0;
            o->max_ks = strtod(argv[++i], &end);
            if (errno || *end || end == argv[i] || !(o->max_ks >= 0)) {
                fprintf(stderr, "necstgen compare: --max-ks wants a number >= 0, got '%s'\n",
                        argv[i]);
                return 2;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "necstgen compare: unknown option '%s'\n", a);
            return 2;
        } else if (!o->real) {
            o->real = a;
        } else {
            o->synth[o->n_synth++] = a;
        }
    }
    if (!o->real || o->n_synth == 0) {
        fprintf(stderr, "necstgen compare: need a real capture and at least one synthetic one\n");
        usage(stderr);
        return 2;
    }
    return 0;
}

static ng_status load(loaded *l, const char *path, const char *role, ng_error *err)
{
    ng_status st = ng_summary_read(&l->summary, path, err);
    l->has_summary = true;
    if (st != NG_OK)
        return st;
    if (l->summary.n_pkts == 0)
        return ng_fail(err, NG_EFORMAT,
                       "%s: the %s capture has no packets; there is nothing to compare", path,
                       role);
    st = ng_quantities_build(&l->summary, &l->q, err);
    l->has_q = st == NG_OK;
    return st;
}

static void unload(loaded *l)
{
    if (l->has_q)
        ng_quantities_free(&l->q);
    if (l->has_summary)
        ng_summary_free(&l->summary);
}

static ng_status write_reports(const compare_opts *o, const ng_report_data *d, ng_error *err)
{
    ng_status st = NG_OK;
    if (o->json && (st = ng_report_json_write(d, o->json, err)) != NG_OK)
        return st;
    if (o->html && (st = ng_report_html_write(d, o->html, err)) != NG_OK)
        return st;
    return st;
}

static int finish(const compare_opts *o, const ng_report_data *d)
{
    bool to_stdout = (o->json && !strcmp(o->json, "-")) || (o->html && !strcmp(o->html, "-"));
    ng_report_table(to_stdout ? stderr : stdout, d, !to_stdout && isatty(STDOUT_FILENO));
    ng_error err;
    ng_error_clear(&err);
    if (write_reports(o, d, &err) != NG_OK) {
        fprintf(stderr, "necstgen compare: %s\n", err.msg);
        return 1;
    }
    if (!isnan(o->max_ks)) {
        for (size_t i = 0; i < d->n_synth; i++) {
            double ks = ng_comparison_max_ks(&d->scores[i]);
            if (ks > o->max_ks) {
                fprintf(stderr, "necstgen compare: %s: KS %.4f exceeds --max-ks %g\n",
                        d->synth[i].summary->label, ks, o->max_ks);
                return EXIT_KS_EXCEEDED;
            }
        }
    }
    return 0;
}

static int run(const compare_opts *o, loaded *real, loaded *synth, ng_report_side *sides,
               ng_comparison *scores)
{
    ng_error err;
    ng_error_clear(&err);
    if (load(real, o->real, "real", &err) != NG_OK)
        goto fail;
    for (size_t i = 0; i < o->n_synth; i++) {
        if (load(&synth[i], o->synth[i], "synthetic", &err) != NG_OK
            || ng_compare(&real->q, &synth[i].q, &scores[i], &err) != NG_OK)
            goto fail;
        sides[i] = (ng_report_side){&synth[i].summary, &synth[i].q};
    }
    ng_report_data d;
    memset(&d, 0, sizeof d);
    d.real = (ng_report_side){&real->summary, &real->q};
    d.synth = sides;
    d.scores = scores;
    d.n_synth = o->n_synth;
    ng_comparison_mean(scores, o->n_synth, &d.mean);
    return finish(o, &d);
fail:
    fprintf(stderr, "necstgen compare: %s\n", err.msg);
    return 1;
}

int ng_cmd_compare(int argc, char **argv)
{
    compare_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc != 0) {
        free(o.synth);
        return rc < 0 ? 0 : rc;
    }
    loaded real = {0};
    loaded *synth = calloc(o.n_synth, sizeof *synth);
    ng_report_side *sides = calloc(o.n_synth, sizeof *sides);
    ng_comparison *scores = calloc(o.n_synth, sizeof *scores);
    if (!synth || !sides || !scores) {
        fprintf(stderr, "necstgen compare: out of memory\n");
        rc = 1;
    } else {
        rc = run(&o, &real, synth, sides, scores);
    }
    unload(&real);
    for (size_t i = 0; synth && i < o.n_synth; i++)
        unload(&synth[i]);
    free(synth), free(sides), free(scores), free(o.synth);
    return rc;
}
