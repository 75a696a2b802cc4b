/* cmd_compare.c — `necstgen compare REAL SYNTH... [--json F] [--html F] [--max-ks X]
 *                  [--train F]`.
 *
 * Reads the real capture and each synthetic one, scores every quantity of
 * docs/METRICS.md, prints the table and writes the optional JSON and HTML reports.
 * With --train, also the share of flows that copy a flow of the training capture
 * (report/memorisation.h), for each synthetic file and for the real one.
 * Exit: 0 success, 1 failure (bad input, write error), 2 usage, 3 when --max-ks is given
 * and some synthetic file's KS statistic exceeds it (reports are still written). */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "core/error.h"
#include "model/lora_input.h"
#include "report/capture_summary.h"
#include "report/compare.h"
#include "report/memorisation.h"
#include "report/quantities.h"
#include "report/report_data.h"
#include "report/report_html.h"
#include "report/report_json.h"
#include "report/report_table.h"

#define EXIT_KS_EXCEEDED 3
#define MAX_LOAD_THREADS 4

typedef struct compare_opts {
    const char *real;
    const char **synth;
    size_t n_synth;
    const char *json, *html, *train;
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
            "[--max-ks X] [--train FILE]\n\n"
            "Score synthetic captures against a real one (docs/METRICS.md).\n"
            "  --json FILE   every number as JSON (\"-\" for stdout)\n"
            "  --html FILE   a self-contained report with charts\n"
            "  --max-ks X    exit 3 when any KS statistic exceeds X (for scripts)\n"
            "  --train FILE  the capture the model was trained on: report the share of\n"
            "                flows (>= 5 packets) that copy one of its flows exactly\n");
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
        } else if ((!strcmp(a, "--json") || !strcmp(a, "--html") || !strcmp(a, "--max-ks")
                    || !strcmp(a, "--train"))
                   && !has_value) {
            fprintf(stderr, "necstgen compare: %s needs a value\n", a);
            return 2;
        } else if (!strcmp(a, "--json")) {
            o->json = argv[++i];
        } else if (!strcmp(a, "--html")) {
            o->html = argv[++i];
        } else if (!strcmp(a, "--train")) {
            o->train = argv[++i];
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

static ng_status load(loaded *l, const char *path, const char *role, bool progress,
                      ng_error *err)
{
    bool training = !strcmp(role, "training");
    ng_status st = ng_summary_read(&l->summary, path, progress, err);
    l->has_summary = true;
    if (st != NG_OK)
        return st;
    if (training)
        return NG_OK;
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

/* Loading is most of the work and each file is independent: a few threads take the
 * files (real first) from a shared counter. Only the real file's reader shows progress. */
typedef struct load_job {
    loaded *l;
    const char *path, *role;
    ng_status st;
    ng_error err;
} load_job;

typedef struct load_pool {
    load_job *jobs;
    size_t n;
    atomic_size_t next;
} load_pool;

static void *load_worker(void *arg)
{
    load_pool *pool = arg;
    for (size_t i; (i = atomic_fetch_add(&pool->next, 1)) < pool->n;) {
        load_job *j = &pool->jobs[i];
        ng_error_clear(&j->err);
        j->st = load(j->l, j->path, j->role, i == 0, &j->err);
    }
    return NULL;
}

static size_t worker_count(size_t jobs)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = cpus > 0 ? (size_t)cpus : 1;
    n = n < MAX_LOAD_THREADS ? n : MAX_LOAD_THREADS;
    return n < jobs ? n : jobs;
}

/* Load every file; on failure print the first error (in argument order). */
static bool load_all(const compare_opts *o, loaded *real, loaded *synth, loaded *train)
{
    size_t n = o->n_synth + 1 + (o->train != NULL);
    load_job *jobs = calloc(n, sizeof *jobs);
    if (!jobs) {
        fprintf(stderr, "necstgen compare: out of memory\n");
        return false;
    }
    jobs[0] = (load_job){real, o->real, "real", NG_OK, {NG_OK, ""}};
    for (size_t i = 0; i < o->n_synth; i++)
        jobs[i + 1] = (load_job){&synth[i], o->synth[i], "synthetic", NG_OK, {NG_OK, ""}};
    if (o->train)
        jobs[n - 1] = (load_job){train, o->train, "training", NG_OK, {NG_OK, ""}};
    load_pool pool = {jobs, n, 0};
    pthread_t threads[MAX_LOAD_THREADS];
    size_t started = 0, wanted = worker_count(n);
    for (; started + 1 < wanted; started++)
        if (pthread_create(&threads[started], NULL, load_worker, &pool) != 0)
            break;
    load_worker(&pool); /* this thread works too */
    for (size_t t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++)
        if (jobs[i].st != NG_OK) {
            fprintf(stderr, "necstgen compare: %s\n", jobs[i].err.msg);
            ok = false;
        }
    free(jobs);
    return ok;
}

/* Memorisation numbers of every side against the training capture's flows. */
static ng_status score_memo(const compare_opts *o, const loaded *real, const loaded *synth,
                            const loaded *train, ng_memo_score *memo, ng_report_data *d,
                            ng_error *err)
{
    ng_memo_set set;
    ng_status st = ng_memo_set_build(&train->summary, &set, err);
    if (st == NG_OK)
        st = ng_memo_score_of(&real->summary, &set, &d->real_memo, err);
    double sum = 0, flows = 0, hits = 0;
    size_t counted = 0;
    for (size_t i = 0; st == NG_OK && i < o->n_synth; i++) {
        st = ng_memo_score_of(&synth[i].summary, &set, &memo[i], err);
        flows += memo[i].flows, hits += memo[i].memorised;
        if (st == NG_OK && !isnan(memo[i].share))
            sum += memo[i].share, counted++;
    }
    ng_memo_set_free(&set);
    d->mean_memo = (ng_memo_score){flows / (double)o->n_synth, hits / (double)o->n_synth,
                                   counted ? sum / (double)counted : NAN};
    d->train_label = o->train;
    d->memo = memo;
    return st;
}

static int run_loaded(const compare_opts *o, loaded *real, loaded *synth,
                      const loaded *train, ng_report_side *sides, ng_comparison *scores,
                      ng_memo_score *memo)
{
    ng_error err;
    ng_error_clear(&err);
    for (size_t i = 0; i < o->n_synth; i++) {
        if (ng_compare(&real->q, &synth[i].q, &scores[i], &err) != NG_OK) {
            fprintf(stderr, "necstgen compare: %s\n", err.msg);
            return 1;
        }
        sides[i] = (ng_report_side){&synth[i].summary, &synth[i].q};
    }
    ng_report_data d;
    memset(&d, 0, sizeof d);
    if (o->train && score_memo(o, real, synth, train, memo, &d, &err) != NG_OK) {
        fprintf(stderr, "necstgen compare: %s\n", err.msg);
        return 1;
    }
    d.real = (ng_report_side){&real->summary, &real->q};
    d.synth = sides;
    d.scores = scores;
    d.n_synth = o->n_synth;
    ng_comparison_mean(scores, o->n_synth, &d.mean);
    return finish(o, &d);
}

static int run(const compare_opts *o, loaded *real, loaded *synth, ng_report_side *sides,
               ng_comparison *scores)
{
    loaded train = {0};
    ng_memo_score *memo = calloc(o->n_synth, sizeof *memo);
    int rc = memo && load_all(o, real, synth, &train) ? run_loaded(o, real, synth, &train,
                                                                      sides, scores, memo)
                                                        : 1;
    unload(&train);
    free(memo);
    return rc;
}

/* LoRaWAN uplinks (gateway CSV, Semtech JSON lines, LoRaTap) are compared by
 * `necstgen lora compare`, which knows their quantities. */
static int compare_lora(const compare_opts *o)
{
    if (o->n_synth != 1 || o->html || !isnan(o->max_ks)) {
        fprintf(stderr, "necstgen compare: %s holds LoRaWAN uplinks: their comparison takes "
                        "one SYNTH and --json only (see necstgen lora compare)\n", o->real);
        return 2;
    }
    char *args[7] = {"lora", "compare", (char *)o->real, (char *)o->synth[0], NULL, NULL, NULL};
    int n = 4;
    if (o->json) {
        args[n++] = "--json";
        args[n++] = (char *)o->json;
    }
    return ng_cmd_lora(n, args);
}

int ng_cmd_compare(int argc, char **argv)
{
    compare_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc != 0) {
        free(o.synth);
        return rc < 0 ? 0 : rc;
    }
    if (ng_lora_input_is_lora(o.real)) {
        rc = compare_lora(&o);
        free(o.synth);
        return rc;
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
