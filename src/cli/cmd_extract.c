/* cmd_extract.c — `necstgen extract IN... -o DIR`: packets.csv and flows.csv + summary.
 *
 * Parses options, opens both CSV files atomically, runs the feature extraction
 * (features/extract.h) and commits both files only when everything succeeded: on any
 * error neither file is left behind (a previous pair stays as it was, unless the
 * second rename itself fails, in which case the first new file is removed too).
 * Prints a one-screen summary on stderr (not with -q). Exit: 0 ok, 1 failure, 2 usage. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/log.h"
#include "core/outfile.h"
#include "core/progress.h"
#include "features/csv_writer.h"
#include "features/extract.h"
#include "flow/app_class.h"

typedef struct extract_args {
    const char **inputs;
    size_t n_inputs;
    const char *outdir;
    double timeout_s;
    bool no_csv;
    uint64_t max_packets;
} extract_args;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: necstgen extract IN... -o DIR [--timeout SECONDS] [--no-csv] "
            "[--max-packets N]\n"
            "\n"
            "Read pcap/pcapng captures (merged by time), rebuild bidirectional flows and\n"
            "write per-packet and per-flow feature tables:\n"
            "  DIR/packets.csv   one row per packet   (columns: docs/FLOWS.md)\n"
            "  DIR/flows.csv     one row per flow\n"
            "then print a summary on stderr.\n"
            "\n"
            "  -o, --output DIR     output folder (created if missing)\n"
            "  --timeout SECONDS    flow idle timeout (default 120)\n"
            "  --no-csv             do everything but write the tables (benchmarking)\n"
            "  --max-packets N      stop after N packets\n"
            "  -h, --help           show this help\n");
}

/* Returns -1 to go on, else the exit status (0 after --help, 2 on a usage error). */
static int parse_args(int argc, char **argv, extract_args *e)
{
    ng_args a = {argc, argv, 1, "extract", usage};
    e->timeout_s = 120.0;
    for (; a.i < argc; a.i++) {
        const char *arg = argv[a.i], *val;
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            usage(stdout);
            return 0;
        } else if (ng_arg_is(&a, "--output", "-o")) {
            if (!(val = ng_arg_value(&a)))
                return ng_usage_error(&a, "option '%s' needs a folder", arg);
            e->outdir = val;
        } else if (ng_arg_is(&a, "--timeout", NULL)) {
            if (!(val = ng_arg_value(&a)) || !ng_parse_double(val, &e->timeout_s) ||
                !(e->timeout_s > 0) || e->timeout_s > 1e9)
                return ng_usage_error(&a, "--timeout needs a positive number of seconds, got '%s'",
                                      val ? val : "");
        } else if (ng_arg_is(&a, "--max-packets", NULL)) {
            if (!(val = ng_arg_value(&a)) || !ng_parse_u64(val, &e->max_packets) ||
                e->max_packets == 0)
                return ng_usage_error(&a, "--max-packets needs a positive integer, got '%s'",
                                      val ? val : "");
        } else if (!strcmp(arg, "--no-csv")) {
            e->no_csv = true;
        } else if (arg[0] == '-' && arg[1]) {
            return ng_usage_error(&a, "unknown option '%s'", arg);
        } else {
            e->inputs[e->n_inputs++] = arg;
        }
    }
    if (e->n_inputs == 0)
        return ng_usage_error(&a, "no input capture given");
    if (!e->outdir && !e->no_csv)
        return ng_usage_error(&a, "no output folder given (-o DIR)");
    return -1;
}

/* ---- the summary ---- */

static void print_time(FILE *out, int64_t ns)
{
    time_t secs = (time_t)(ns / 1000000000);
    struct tm tm;
    char buf[32];
    if (gmtime_r(&secs, &tm) && strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm))
        fprintf(out, "%s UTC", buf);
}

static void print_counts(FILE *out, const char *label, const char *const *names,
                         const uint64_t *counts, size_t n)
{
    fprintf(out, "  %-10s", label);
    const char *sep = " ";
    for (size_t i = 0; i < n; i++)
        if (counts[i]) {
            fprintf(out, "%s%s %" PRIu64, sep, names[i], counts[i]);
            sep = ", ";
        }
    fprintf(out, "\n");
}

static void print_classes(FILE *out, const ng_extract_stats *s)
{
    fprintf(out, "  %-10s", "classes:");
    int shown = 0;
    for (int c = 0; c < NG_APP_COUNT; c++) {
        if (!s->flows_by_class[c])
            continue;
        if (shown && shown % 4 == 0)
            fprintf(out, ",\n  %-10s", "");
        fprintf(out, "%s%s %" PRIu64 " (%" PRIu64 " pkt)", shown % 4 ? ", " : " ",
                ng_app_class_name((ng_app_class)c), s->flows_by_class[c],
                s->packets_by_class[c]);
        shown++;
    }
    fprintf(out, "\n");
}

static void print_summary(const extract_args *a, const ng_extract_stats *s, double secs,
                          uint64_t packet_rows, uint64_t flow_rows)
{
    FILE *out = stderr;
    double span = s->packets ? (double)(s->last_ns - s->first_ns) / 1e9 : 0.0;
    fprintf(out, "extract: %zu file%s, %" PRIu64 " packets, %.2f MB, %.3f s of traffic",
            a->n_inputs, a->n_inputs == 1 ? "" : "s", s->packets, (double)s->bytes / 1e6,
            span);
    if (s->packets) {
        fprintf(out, " (");
        print_time(out, s->first_ns);
        fprintf(out, " .. ");
        print_time(out, s->last_ns);
        fprintf(out, ")");
    }
    fprintf(out, "\n");
    if (!a->no_csv)
        fprintf(out, "  wrote      %s/packets.csv (%" PRIu64 " rows), %s/flows.csv (%" PRIu64
                     " rows)\n", a->outdir, packet_rows, a->outdir, flow_rows);
    fprintf(out, "  flows:     %" PRIu64 " (%" PRIu64 " no-flow streams), at most %" PRIu64
                 " alive at once\n", s->flows, s->noflow_streams, s->max_active_flows);
    fprintf(out, "  %-10s", "protocols:");
    for (size_t i = 0; i < s->n_protos; i++)
        fprintf(out, "%s%s %" PRIu64, i ? ", " : " ", s->protos[i].name, s->protos[i].flows);
    fprintf(out, "\n");
    print_classes(out, s);
    static const char *const starts[] = {"syn", "syn-ack", "midstream", "none"};
    static const char *const ends[] = {"fin", "rst", "idle", "eof"};
    print_counts(out, "started:", starts, s->flows_by_start, NG_FLOW_START_COUNT);
    print_counts(out, "ended:", ends, s->flows_by_end, NG_FLOW_END_COUNT);
    fprintf(out, "  anomalies: truncated %" PRIu64 ", malformed %" PRIu64
                 ", out-of-order fixed %" PRIu64 ", too late to fix %" PRIu64 "\n",
            s->truncated, s->malformed, s->reordered, s->late);
    fprintf(out, "  took       %.3f s (%.0f packets/s)\n", secs,
            secs > 0 ? (double)s->packets / secs : 0.0);
}

/* ---- running ---- */

static void join_path(char *buf, size_t len, const char *dir, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
}

static ng_status open_outputs(const extract_args *a, ng_csv_writer *pw, ng_csv_writer *fw,
                              ng_error *err)
{
    char path[4096];
    ng_status st = ng_mkdir_p(a->outdir, err);
    if (st != NG_OK)
        return st;
    join_path(path, sizeof path, a->outdir, "packets.csv");
    if ((st = ng_csv_open(pw, path, NG_CSV_PACKET_HEADER, err)) != NG_OK)
        return st;
    join_path(path, sizeof path, a->outdir, "flows.csv");
    if ((st = ng_csv_open(fw, path, NG_CSV_FLOW_HEADER, err)) != NG_OK)
        ng_csv_abort(pw);
    return st;
}

/* Both or neither: flush both before renaming either. */
static ng_status commit_outputs(const extract_args *a, ng_csv_writer *pw, ng_csv_writer *fw,
                                ng_error *err)
{
    ng_status st = ng_csv_flush(pw, err);
    if (st == NG_OK)
        st = ng_csv_flush(fw, err);
    if (st != NG_OK) {
        ng_csv_abort(pw);
        ng_csv_abort(fw);
        return st;
    }
    if ((st = ng_csv_commit(pw, err)) != NG_OK) {
        ng_csv_abort(fw);
        return st;
    }
    if ((st = ng_csv_commit(fw, err)) != NG_OK) {
        char path[4096];
        join_path(path, sizeof path, a->outdir, "packets.csv");
        unlink(path);
    }
    return st;
}

static int run(const extract_args *a)
{
    ng_error err;
    ng_error_clear(&err);
    ng_csv_writer pw, fw;
    ng_csv_pair pair = {NULL, NULL};
    ng_status st = NG_OK;
    if (!a->no_csv) {
        if ((st = open_outputs(a, &pw, &fw, &err)) != NG_OK) {
            fprintf(stderr, "necstgen extract: %s\n", err.msg);
            return 1;
        }
        pair = (ng_csv_pair){&pw, &fw};
    }
    ng_feature_sink sink = ng_csv_sink(&pair);
    ng_extract_options opt = {
        .timeout_ns = (int64_t)(a->timeout_s * 1e9),
        .max_packets = a->max_packets,
        .progress = ng_log_get_level() >= NG_LOG_INFO,
    };
    ng_extract_stats stats = {0};
    double t0 = ng_now_seconds();
    st = ng_extract_files((const char *const *)a->inputs, a->n_inputs, &opt, &sink, &stats,
                          &err);
    uint64_t packet_rows = a->no_csv ? 0 : pw.rows, flow_rows = a->no_csv ? 0 : fw.rows;
    if (!a->no_csv) {
        if (st == NG_OK)
            st = commit_outputs(a, &pw, &fw, &err);
        else {
            ng_csv_abort(&pw);
            ng_csv_abort(&fw);
        }
    }
    if (st != NG_OK) {
        fprintf(stderr, "necstgen extract: %s\n", err.msg);
        return 1;
    }
    if (ng_log_get_level() >= NG_LOG_INFO)
        print_summary(a, &stats, ng_now_seconds() - t0, packet_rows, flow_rows);
    return 0;
}

int ng_cmd_extract(int argc, char **argv)
{
    extract_args a = {0};
    a.inputs = calloc((size_t)argc, sizeof *a.inputs);
    if (!a.inputs) {
        fprintf(stderr, "necstgen extract: out of memory\n");
        return 1;
    }
    int status = parse_args(argc, argv, &a);
    if (status < 0)
        status = run(&a);
    free(a.inputs);
    return status;
}
