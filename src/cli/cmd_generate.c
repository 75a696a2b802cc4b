/* cmd_generate.c — `necstgen generate`: a model in, a valid synthetic capture out.
 *
 * Parses and checks every option before anything is read or written, loads the model
 * (-m, else the default: cli/default_model.h), builds the plan source (the aggregate
 * level's timeline, or --follow REAL) and runs the engine (synth/generator.h) into the
 * output (synth/packet_output.h), which appears whole or not at all. Levels:
 *   all (default)  timeline → flow level → headers, one merged time-ordered capture;
 *   flow           the flow level decides each flow's length (the aggregate's packet
 *                  targets are dropped; with --follow the real flows' sizes are kept);
 *   aggregate      only the flow table (flows.csv columns), no packets;
 *   packet         packets from the packet level alone (synth/packet_stream.h).
 * Prints a summary on stderr (not with -q). Exit: 0 ok, 1 failure, 2 usage. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/default_model.h"
#include "core/log.h"
#include "core/progress.h"
#include "features/csv_writer.h"
#include "model/model.h"
#include "synth/follow.h"
#include "synth/generator.h"
#include "synth/packet_stream.h"
#include "synth/tcp_habits.h"

enum { LEVEL_ALL, LEVEL_PACKET, LEVEL_FLOW, LEVEL_AGGREGATE };
static const char *const level_names[] = {"all", "packet", "flow", "aggregate"};

typedef struct gen_args {
    const char *model, *out, *follow;
    double duration_s;
    bool has_duration, has_start;
    uint64_t flows, packets, seed;
    int64_t start_ns;
    double rate_scale;
    bool keep_class[NG_APP_COUNT];
    bool filter_classes;
    ng_ip_prefix prefix[2];
    int n_prefixes;
    ng_output_format format;
    int level;
} gen_args;

static void usage(FILE *out)
{
    fprintf(out,
        "usage: necstgen generate [-m MODEL.ngm] -o OUT [--duration SECONDS | --flows N |\n"
        "                         --packets N] [--seed S] [--app CLASS,...] [--start TIME]\n"
        "                         [--rate-scale X] [--ip-prefix CIDR] [--format FORMAT]\n"
        "                         [--level LEVEL] [--follow REAL]\n"
        "\n"
        "Generate synthetic traffic from a trained model into a capture ('-o -' writes\n"
        "to standard output, e.g. into tshark or tcpreplay).\n"
        "\n"
        "  -m, --model FILE     model from `necstgen train` (default: $NECSTGEN_MODEL,\n"
        "                       else the model built into the binary)\n"
        "  -o, --output OUT     output file, '-' for standard output\n"
        "  --duration SECONDS   traffic span (default: the training traffic's span)\n"
        "  --flows N            stop after N flows\n"
        "  --packets N          stop after N packets\n"
        "  --seed S             random seed (default 1); same seed, same bytes\n"
        "  --app CLASS,...      only these application classes (e.g. http,dns)\n"
        "  --start TIME         first timestamp: seconds since 1970 or\n"
        "                       YYYY-MM-DDTHH:MM:SS[Z] (default: the training start)\n"
        "  --rate-scale X       flows arrive X times as often (default 1; with --follow\n"
        "                       the real start times are compressed by X)\n"
        "  --ip-prefix CIDR     map addresses into this prefix (once per IP version)\n"
        "  --format FORMAT      pcap (microseconds, default), pcap-ns, pcapng, csv\n"
        "                       (packets.csv columns)\n"
        "  --level LEVEL        all (default), flow, aggregate (flows.csv, no packets),\n"
        "                       packet (packet level alone, no flow structure)\n"
        "  --follow REAL        flows at the start times, classes, endpoints and sizes of\n"
        "                       the flows of a real capture\n"
        "  -h, --help           show this help\n");
}

/* ---- option values ---- */

static bool parse_start(const char *s, int64_t *ns)
{
    double secs;
    if (ng_parse_double(s, &secs))
        return secs >= 0 && secs < 4294967296.0 ? (*ns = (int64_t)llround(secs * 1e9), true)
                                                 : false;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int used = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec, &used) != 6 || (s[used] && strcmp(s + used, "Z")))
        return false;
    if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
        tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    if (t < 0 || t >= 4294967296LL)
        return false;
    *ns = (int64_t)t * 1000000000LL;
    return true;
}

static bool parse_classes(const char *list, gen_args *g, char *bad, size_t bad_len)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", list);
    char *save = NULL;
    bool any = false;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int c = ng_app_class_from_name(tok);
        if (c < 0) {
            snprintf(bad, bad_len, "%s", tok);
            return false;
        }
        g->keep_class[c] = true;
        any = true;
    }
    g->filter_classes = true;
    if (!any)
        snprintf(bad, bad_len, "%s", list);
    return any;
}

static int parse_level(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, level_names[i]))
            return i;
    return -1;
}

/* One option at a->i; returns -1 to go on, else the exit status. */
static int parse_option(ng_args *a, gen_args *g)
{
    const char *v;
    char bad[256];
    ng_error err;
#define VALUE(what) if (!(v = ng_arg_value(a))) return ng_usage_error(a, "%s needs %s", a->argv[a->i], what)
    if (ng_arg_is(a, "--help", "-h")) {
        usage(stdout);
        return 0;
    } else if (ng_arg_is(a, "--model", "-m")) {
        VALUE("a model file");
        g->model = v;
    } else if (ng_arg_is(a, "--output", "-o")) {
        VALUE("a file name");
        g->out = v;
    } else if (ng_arg_is(a, "--duration", NULL)) {
        VALUE("a number of seconds");
        if (!ng_parse_double(v, &g->duration_s) || !(g->duration_s > 0) || g->duration_s > 1e9)
            return ng_usage_error(a, "--duration needs a positive number of seconds, got '%s'", v);
        g->has_duration = true;
    } else if (ng_arg_is(a, "--flows", NULL)) {
        VALUE("a number");
        if (!ng_parse_u64(v, &g->flows) || g->flows == 0)
            return ng_usage_error(a, "--flows needs a positive integer, got '%s'", v);
    } else if (ng_arg_is(a, "--packets", NULL)) {
        VALUE("a number");
        if (!ng_parse_u64(v, &g->packets) || g->packets == 0)
            return ng_usage_error(a, "--packets needs a positive integer, got '%s'", v);
    } else if (ng_arg_is(a, "--seed", NULL)) {
        VALUE("a number");
        if (!ng_parse_u64(v, &g->seed))
            return ng_usage_error(a, "--seed needs a non-negative integer, got '%s'", v);
    } else if (ng_arg_is(a, "--app", NULL)) {
        VALUE("a list of classes");
        if (!parse_classes(v, g, bad, sizeof bad))
            return ng_usage_error(a, "--app: unknown application class '%s'", bad);
    } else if (ng_arg_is(a, "--start", NULL)) {
        VALUE("a time");
        if (!parse_start(v, &g->start_ns))
            return ng_usage_error(a, "--start needs seconds since 1970 or YYYY-MM-DDTHH:MM:SS[Z] "
                                  "(1970..2106), got '%s'", v);
        g->has_start = true;
    } else if (ng_arg_is(a, "--rate-scale", NULL)) {
        VALUE("a number");
        if (!ng_parse_double(v, &g->rate_scale) || !(g->rate_scale > 0) || g->rate_scale > 1e6)
            return ng_usage_error(a, "--rate-scale needs a positive number, got '%s'", v);
    } else if (ng_arg_is(a, "--ip-prefix", NULL)) {
        VALUE("a prefix");
        if (g->n_prefixes == 2 || ng_ip_prefix_parse(v, &g->prefix[g->n_prefixes], &err) != NG_OK)
            return ng_usage_error(a, "%s", g->n_prefixes == 2 ? "--ip-prefix: at most one IPv4 "
                                  "and one IPv6 prefix" : err.msg);
        if (g->n_prefixes == 1 && g->prefix[0].base.family == g->prefix[1].base.family)
            return ng_usage_error(a, "--ip-prefix: only one IPv%d prefix may be given",
                                  g->prefix[0].base.family);
        g->n_prefixes++;
    } else if (ng_arg_is(a, "--format", NULL)) {
        VALUE("a format");
        if (ng_output_format_parse(v, &g->format, &err) != NG_OK)
            return ng_usage_error(a, "%s", err.msg);
    } else if (ng_arg_is(a, "--level", NULL)) {
        VALUE("a level");
        if ((g->level = parse_level(v)) < 0)
            return ng_usage_error(a, "--level '%s': expected all, packet, flow or aggregate", v);
    } else if (ng_arg_is(a, "--follow", NULL)) {
        VALUE("a capture");
        g->follow = v;
    } else {
        return ng_usage_error(a, "unknown option or argument '%s'", a->argv[a->i]);
    }
#undef VALUE
    return -1;
}

static int parse_args(int argc, char **argv, gen_args *g)
{
    memset(g, 0, sizeof *g);
    g->seed = 1;
    g->rate_scale = 1.0;
    ng_args a = {.argc = argc, .argv = argv, .i = 1, .cmd = "generate", .usage = usage};
    for (; a.i < argc; a.i++) {
        int status = parse_option(&a, g);
        if (status >= 0)
            return status;
    }
    int limits = g->has_duration + (g->flows > 0) + (g->packets > 0);
    if (limits > 1)
        return ng_usage_error(&a, "--duration, --flows and --packets exclude each other");
    if (!g->out)
        return ng_usage_error(&a, "no output given (-o FILE, or -o - for standard output)");
    if (g->follow && g->level == LEVEL_PACKET)
        return ng_usage_error(&a, "--follow places flows: it does not apply to --level packet");
    if (g->level == LEVEL_PACKET && g->flows)
        return ng_usage_error(&a, "--level packet makes no flows: use --packets or --duration");
    if (g->level == LEVEL_AGGREGATE && g->packets)
        return ng_usage_error(&a, "--level aggregate writes no packets: use --flows or --duration");
    return -1;
}

/* ---- plan sources ---- */

typedef struct flow_only {
    ng_plan_source inner;
} flow_only;

/* --level flow: the flow level decides each flow's length. */
static bool next_without_packet_target(void *user, ng_flow_plan *plan)
{
    flow_only *f = user;
    if (!f->inner.next(f->inner.user, plan))
        return false;
    plan->target_packets = 0;
    return true;
}

static bool timeline_next(void *user, ng_flow_plan *plan)
{
    return ng_timeline_next(user, plan);
}

typedef struct run_state {
    const gen_args *g;
    ng_model *model;
    ng_timeline *timeline;
    ng_follow_plans follow;
    ng_plan_source source;
    flow_only flow_only;
    uint64_t flows_taken;   /* for --flows with --follow */
    int64_t start_ns, end_ns;
    ng_address_map addresses;
    ng_tcp_config tcp[NG_APP_COUNT];
} run_state;

static bool follow_next_limited(void *user, ng_flow_plan *plan)
{
    run_state *r = user;
    if (r->g->flows && r->flows_taken >= r->g->flows)
        return false;
    if (!ng_follow_next(&r->follow, plan))
        return false;
    if (r->g->filter_classes && (plan->app_class >= NG_APP_COUNT ||
                                 !r->g->keep_class[plan->app_class]))
        return follow_next_limited(user, plan);
    r->flows_taken++;
    return true;
}

static ng_status open_plans(run_state *r, ng_error *err)
{
    const gen_args *g = r->g;
    const ng_aggregate *agg = r->model->aggregate;
    r->start_ns = g->has_start ? g->start_ns : ng_aggregate_train_start_ns(agg);
    int64_t duration = g->has_duration ? (int64_t)llround(g->duration_s * 1e9)
                     : (g->flows || g->packets) ? 0 : ng_aggregate_train_duration_ns(agg);
    if (g->follow) {
        ng_status st = ng_follow_load(&r->follow, g->follow, g->has_start ? g->start_ns : 0, err);
        if (st != NG_OK)
            return st;
        r->start_ns = r->follow.plans[0].start_ns;
        for (size_t i = 0; i < r->follow.n && g->rate_scale != 1.0; i++) {
            ng_flow_plan *p = &r->follow.plans[i]; /* compress or stretch the real timeline */
            p->start_ns = r->start_ns + (int64_t)((double)(p->start_ns - r->start_ns) / g->rate_scale);
        }
        r->source = (ng_plan_source){follow_next_limited, r};
        r->end_ns = g->has_duration ? r->start_ns + duration : INT64_MAX;
    } else {
        ng_timeline_options o = {.seed = g->seed, .start_ns = r->start_ns,
                                 .duration_ns = duration, .max_flows = g->flows,
                                 .rate_scale = g->rate_scale,
                                 .filter_classes = g->filter_classes};
        memcpy(o.keep_class, g->keep_class, sizeof o.keep_class);
        ng_status st = ng_timeline_new(agg, &o, &r->timeline, err);
        if (st != NG_OK)
            return st;
        r->source = (ng_plan_source){timeline_next, r->timeline};
        r->end_ns = duration ? r->start_ns + duration : INT64_MAX;
    }
    if (g->level == LEVEL_FLOW && !g->follow) {
        r->flow_only.inner = r->source;
        r->source = (ng_plan_source){next_without_packet_target, &r->flow_only};
    }
    return NG_OK;
}

static ng_status setup(run_state *r, ng_error *err)
{
    ng_address_map_init(&r->addresses);
    for (int i = 0; i < r->g->n_prefixes; i++) {
        ng_status st = ng_address_map_add(&r->addresses, &r->g->prefix[i], err);
        if (st != NG_OK)
            return st;
    }
    for (int c = 0; c < NG_APP_COUNT; c++)
        ng_tcp_config_from_habits(ng_aggregate_habits(r->model->aggregate, (uint8_t)c), &r->tcp[c]);
    return NG_OK;
}

/* ---- summary ---- */

static void print_time(FILE *out, int64_t ns)
{
    time_t secs = (time_t)(ns / 1000000000);
    struct tm tm;
    char buf[32];
    if (gmtime_r(&secs, &tm) && strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm))
        fprintf(out, "%s UTC", buf);
}

static void print_classes(FILE *out, const uint64_t *flows, const uint64_t *packets)
{
    fprintf(out, "  %-12s", "classes:");
    int shown = 0;
    for (int c = 0; c < NG_APP_COUNT; c++) {
        if (!flows[c])
            continue;
        if (shown && shown % 4 == 0)
            fprintf(out, ",\n  %-12s", "");
        fprintf(out, "%s%s %" PRIu64, shown % 4 ? ", " : " ", ng_app_class_name((ng_app_class)c),
                flows[c]);
        if (packets)
            fprintf(out, " (%" PRIu64 " pkt)", packets[c]);
        shown++;
    }
    fprintf(out, "\n");
}

static void print_corrections(FILE *out, const ng_generate_stats *s)
{
    uint64_t total = ng_generate_corrections(s);
    fprintf(out, "  %-12s %" PRIu64, "corrections:", total);
    if (s->packets)
        fprintf(out, " (%.2f per 100 packets)", 100.0 * (double)total / (double)s->packets);
    const char *sep = ": ";
    for (int k = 0; k < NG_TCP_FIX_COUNT; k++)
        if (s->tcp_fixes.n[k]) {
            fprintf(out, "%s%s %" PRIu64, sep, ng_tcp_fix_name((ng_tcp_fix)k), s->tcp_fixes.n[k]);
            sep = ", ";
        }
    const char *names[5] = {"payload_clamped_non_tcp", "payload_adjusted_for_protocol",
                            "direction_fixed_group_address", "port_moved_off_dissector",
                            "client_port_moved_tuple_reused"};
    uint64_t counts[5] = {s->fixes.payload_clamped, s->fixes.payload_adjusted,
                          s->fixes.direction_fixed, s->fixes.port_moved,
                          s->fixes.tuple_reuse_moved};
    for (int k = 0; k < 5; k++)
        if (counts[k]) {
            fprintf(out, "%s%s %" PRIu64, sep, names[k], counts[k]);
            sep = ", ";
        }
    fprintf(out, "\n");
}

static void print_summary(const gen_args *g, const ng_generate_stats *s, double secs,
                          uint64_t collisions)
{
    FILE *out = stderr;
    double span = s->packets ? (double)(s->last_ns - s->first_ns) / 1e9 : 0.0;
    fprintf(out, "generate: %" PRIu64 " flows, %" PRIu64 " packets, %.2f MB, %.3f s of traffic",
            s->flows, s->packets, (double)s->bytes / 1e6, span);
    if (s->packets) {
        fprintf(out, " (");
        print_time(out, s->first_ns);
        fprintf(out, " .. ");
        print_time(out, s->last_ns);
        fprintf(out, ")");
    }
    const char *target = strcmp(g->out, "-") ? g->out : "stdout";
    if (g->level == LEVEL_AGGREGATE) {
        fprintf(out, "\n  %-12s %s (flows.csv, level aggregate: packets and bytes are the "
                     "plans' targets)\n", "wrote", target);
        print_classes(out, s->flows_by_class, NULL);
        return;
    }
    fprintf(out, "\n  %-12s %s (%s, level %s)\n", "wrote", target,
            ng_output_format_name(g->format), level_names[g->level]);
    print_classes(out, s->flows_by_class, s->packets_by_class);
    print_corrections(out, s);
    if (s->flows_unsupported)
        fprintf(out, "  %-12s %" PRIu64 " flows of protocols necstgen does not write\n",
                "skipped:", s->flows_unsupported);
    if (s->flows_cut_in_handshake)
        fprintf(out, "  %-12s %" PRIu64 " flows whose handshake would end after the end time\n",
                "not started:", s->flows_cut_in_handshake);
    if (collisions)
        fprintf(out, "  %-12s %" PRIu64 " addresses share a host (--ip-prefix too small)\n",
                "ip-prefix:", collisions);
    fprintf(out, "  %-12s %.3f s (%.0f packets/s), at most %" PRIu64 " flows active at once\n",
            "took", secs, secs > 0 ? (double)s->packets / secs : 0.0, s->max_active);
}

/* ---- running ---- */

static ng_status run_packets(run_state *r, ng_generate_stats *stats, ng_error *err)
{
    const gen_args *g = r->g;
    ng_packet_output out;
    ng_status st = ng_packet_output_open(&out, g->out, g->format, err);
    if (st != NG_OK)
        return st;
    if (g->level == LEVEL_PACKET) {
        ng_packet_stream_options po = {.seed = g->seed, .start_ns = r->start_ns,
                                       .end_ns = r->end_ns, .max_packets = g->packets,
                                       .addresses = &r->addresses};
        st = ng_packet_stream_generate(r->model->packet, &po, &out, stats, err);
    } else {
        ng_generate_options o;
        ng_generate_options_default(&o);
        o.seed = g->seed;
        o.end_ns = r->end_ns;
        o.max_packets = g->packets;
        o.addresses = &r->addresses;
        for (int c = 0; c < NG_APP_COUNT; c++)
            o.tcp_config[c] = &r->tcp[c];
        o.progress = ng_log_get_level() >= NG_LOG_INFO;
        o.progress_total = g->packets;
        st = ng_generate(r->model->flow, &r->source, &o, &out, stats, err);
    }
    if (st == NG_OK)
        return ng_packet_output_close(&out, err);
    ng_packet_output_abort(&out);
    return st;
}

static void flow_row_of_plan(const ng_flow_plan *p, ng_flow *f)
{
    memset(f, 0, sizeof *f);
    f->id = p->id;
    f->start_ns = p->start_ns;
    f->last_ns = p->start_ns + p->target_duration_ns;
    f->packets[0] = (p->target_packets + 1) / 2;
    f->packets[1] = p->target_packets / 2;
    f->bytes[0] = (p->target_bytes + 1) / 2;
    f->bytes[1] = p->target_bytes / 2;
    f->client = p->client, f->server = p->server;
    f->client_port = p->client_port, f->server_port = p->server_port;
    f->ethertype = p->ethertype;
    memcpy(f->client_mac, p->client_mac, 6);
    memcpy(f->server_mac, p->server_mac, 6);
    f->has_mac = true;
    f->ip_proto = p->ip_proto, f->ip_version = p->ip_version;
    f->app_class = p->app_class;
    f->start_reason = p->start_reason, f->end_reason = p->end_reason;
    f->is_noflow = p->is_noflow;
}

/* --level aggregate: the plans themselves as flows.csv rows. */
static ng_status run_aggregate(run_state *r, ng_generate_stats *stats, ng_error *err)
{
    ng_csv_writer w;
    ng_status st = ng_csv_open(&w, r->g->out, NG_CSV_FLOW_HEADER, err);
    ng_flow_plan plan;
    while (st == NG_OK && r->source.next(r->source.user, &plan)) {
        if (plan.start_ns >= r->end_ns)
            break;
        st = ng_address_map_apply(&r->addresses, &plan.client, err);
        if (st == NG_OK)
            st = ng_address_map_apply(&r->addresses, &plan.server, err);
        ng_flow row;
        flow_row_of_plan(&plan, &row);
        if (st == NG_OK)
            st = ng_csv_write_flow(&w, &row, err);
        stats->flows++;
        stats->packets += plan.target_packets;
        stats->bytes += plan.target_bytes;
        if (plan.app_class < NG_APP_COUNT)
            stats->flows_by_class[plan.app_class]++;
        if (stats->flows == 1)
            stats->first_ns = plan.start_ns;
        stats->last_ns = plan.start_ns;
    }
    if (st == NG_OK)
        return ng_csv_commit(&w, err);
    if (w.is_open)
        ng_csv_abort(&w);
    return st;
}

static void cleanup(run_state *r)
{
    ng_timeline_free(r->timeline);
    ng_follow_free(&r->follow);
    ng_address_map_free(&r->addresses);
    ng_model_free(r->model);
}

static int run(const gen_args *g)
{
    ng_error err;
    ng_error_clear(&err);
    run_state r;
    memset(&r, 0, sizeof r);
    r.g = g;
    double t0 = ng_now_seconds();
    ng_status st = g->model ? ng_model_load(g->model, &r.model, &err)
                            : ng_default_model_load(&r.model, &err);
    if (st == NG_OK)
        st = setup(&r, &err);
    if (st == NG_OK && g->level != LEVEL_PACKET)
        st = open_plans(&r, &err);
    else if (st == NG_OK) {
        r.start_ns = g->has_start ? g->start_ns : ng_aggregate_train_start_ns(r.model->aggregate);
        int64_t d = g->has_duration ? (int64_t)llround(g->duration_s * 1e9)
                  : (g->flows || g->packets) ? 0 : ng_aggregate_train_duration_ns(r.model->aggregate);
        r.end_ns = d ? r.start_ns + d : INT64_MAX;
    }
    ng_generate_stats stats;
    memset(&stats, 0, sizeof stats);
    if (st == NG_OK)
        st = g->level == LEVEL_AGGREGATE ? run_aggregate(&r, &stats, &err)
                                         : run_packets(&r, &stats, &err);
    uint64_t collisions = r.addresses.collisions;
    cleanup(&r);
    if (st != NG_OK) {
        fprintf(stderr, "necstgen generate: %s\n", err.msg);
        return 1;
    }
    if (ng_log_get_level() >= NG_LOG_INFO)
        print_summary(g, &stats, ng_now_seconds() - t0, collisions);
    return 0;
}

int ng_cmd_generate(int argc, char **argv)
{
    gen_args g;
    int status = parse_args(argc, argv, &g);
    return status >= 0 ? status : run(&g);
}
