/* generator.c — the heap merge over active flows (see generator.h). */
#include "synth/generator.h"

#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "core/progress.h"
#include "synth/flow_emitter.h"
#include "synth/host_state.h"

#define FRAME_CAP (NG_FRAME_MAX_HEADERS + 65536u + 64u)

typedef struct engine {
    const ng_flow_level *fl;
    const ng_generate_options *opt;
    ng_packet_output *out;
    ng_generate_stats *st;
    ng_flow_emitter **heap;   /* min-heap on (head time, flow id) */
    size_t n, cap;
    ng_flow_emitter **spare;  /* finished emitters, sampler memory kept for reuse */
    size_t n_spare, cap_spare;
    ng_host_ids ids;
    ng_tuple_set tuples;
    uint32_t unsupported_in_a_row;
    ng_tcp_config default_tcp;
    uint8_t *payload;         /* 65536 zero bytes for payload templates */
    ng_progress progress;
} engine;

void ng_generate_options_default(ng_generate_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->end_ns = INT64_MAX;
}

uint64_t ng_generate_corrections(const ng_generate_stats *stats)
{
    return ng_tcp_fixes_total(&stats->tcp_fixes) + stats->fixes.payload_clamped +
           stats->fixes.payload_adjusted + stats->fixes.direction_fixed +
           stats->fixes.port_moved + stats->fixes.tuple_reuse_moved;
}

/* ---- the heap ---- */

static bool earlier(const ng_flow_emitter *a, const ng_flow_emitter *b)
{
    int64_t ta = ng_flow_emitter_head_ts(a), tb = ng_flow_emitter_head_ts(b);
    return ta < tb || (ta == tb && a->heap_key_id < b->heap_key_id);
}

static void sift_up(engine *g, size_t i)
{
    ng_flow_emitter *e = g->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!earlier(e, g->heap[parent]))
            break;
        g->heap[i] = g->heap[parent];
        i = parent;
    }
    g->heap[i] = e;
}

static void sift_down(engine *g, size_t i)
{
    ng_flow_emitter *e = g->heap[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= g->n)
            break;
        if (child + 1 < g->n && earlier(g->heap[child + 1], g->heap[child]))
            child++;
        if (!earlier(g->heap[child], e))
            break;
        g->heap[i] = g->heap[child];
        i = child;
    }
    g->heap[i] = e;
}

static ng_status heap_push(engine *g, ng_flow_emitter *e, ng_error *err)
{
    if (!ng_grow(&g->heap, &g->cap, g->n + 1, sizeof *g->heap))
        return ng_fail(err, NG_ENOMEM, "out of memory with %zu active flows", g->n);
    g->heap[g->n++] = e;
    sift_up(g, g->n - 1);
    if (g->n > g->st->max_active)
        g->st->max_active = g->n;
    return NG_OK;
}

/* ---- emitters ---- */

static ng_flow_emitter *take_emitter(engine *g)
{
    if (g->n_spare)
        return g->spare[--g->n_spare];
    ng_flow_emitter *e = calloc(1, sizeof *e);
    if (e)
        ng_flow_sampler_init(&e->sampler);
    return e;
}

static void release_emitter(engine *g, ng_flow_emitter *e)
{
    if (ng_grow(&g->spare, &g->cap_spare, g->n_spare + 1, sizeof *g->spare)) {
        g->spare[g->n_spare++] = e;
    } else {
        ng_flow_emitter_free(e);
        free(e);
    }
}

static const ng_tcp_config *tcp_config_of(const engine *g, uint8_t app_class)
{
    const ng_tcp_config *cfg = app_class < NG_APP_COUNT ? g->opt->tcp_config[app_class] : NULL;
    return cfg ? cfg : &g->default_tcp;
}

/* Plans in a row that the engine cannot write before it gives up: a model of only such
 * traffic (e.g. PTP over Ethernet) would otherwise plan forever under --packets. */
#define MAX_UNSUPPORTED_IN_A_ROW 100000u

static ng_status skip_unsupported(engine *g, const ng_flow_plan *plan, ng_error *err)
{
    g->st->flows_unsupported++;
    if (++g->unsupported_in_a_row < MAX_UNSUPPORTED_IN_A_ROW)
        return NG_OK;
    if (plan->ip_version)
        return ng_fail(err, NG_EUNSUPPORTED, "%u flows in a row of IP protocol %u, which "
                       "necstgen cannot write: giving up", MAX_UNSUPPORTED_IN_A_ROW,
                       plan->ip_proto);
    return ng_fail(err, NG_EUNSUPPORTED, "%u flows in a row of ethertype 0x%04x, which "
                   "necstgen cannot write: giving up", MAX_UNSUPPORTED_IN_A_ROW, plan->ethertype);
}

static ng_status start_flow(engine *g, const ng_flow_plan *plan, ng_error *err)
{
    if (ng_emit_kind_of(plan) == NG_EMIT_UNSUPPORTED)
        return skip_unsupported(g, plan, err);
    g->unsupported_in_a_row = 0;
    ng_flow_emitter *e = take_emitter(g);
    if (!e)
        return ng_fail(err, NG_ENOMEM, "out of memory starting flow %llu",
                       (unsigned long long)plan->id);
    ng_emit_context ctx = {g->opt->addresses, &g->tuples, &g->st->fixes};
    ng_status st = ng_flow_emitter_begin(e, g->fl, plan, tcp_config_of(g, plan->app_class),
                                         g->opt->seed, &ctx, err);
    if (st != NG_OK) {
        release_emitter(g, e);
        return st;
    }
    e->has_host_slots = e->spec[0].src.family == 4 && e->kind != NG_EMIT_ARP &&
                        e->kind != NG_EMIT_LLC;
    for (int d = 0; d < 2 && e->has_host_slots && st == NG_OK; d++)
        st = ng_host_ids_slot(&g->ids, &e->spec[d].src, &e->host_slot[d], err);
    if (st != NG_OK) {
        release_emitter(g, e);
        return st;
    }
    g->st->flows++;
    if (plan->app_class < NG_APP_COUNT)
        g->st->flows_by_class[plan->app_class]++;
    size_t want = g->opt->end_ns != INT64_MAX ? 3 : 1;
    if (!ng_flow_emitter_prefetch(e, g->fl, want, &g->st->tcp_fixes, &g->st->fixes)) {
        release_emitter(g, e);
        return NG_OK;
    }
    int64_t done;
    if (want > 1 && ng_flow_emitter_handshake_done(e, &done) && done >= g->opt->end_ns) {
        g->st->flows_cut_in_handshake++; /* would leave a half handshake at the end */
        g->st->flows--;
        if (plan->app_class < NG_APP_COUNT)
            g->st->flows_by_class[plan->app_class]--;
        release_emitter(g, e);
        return NG_OK;
    }
    return heap_push(g, e, err);
}

/* ---- writing ---- */

/* The frame is built where the output writes it (no copy); a frame the builder refuses
 * is simply not put. */
static ng_status write_head(engine *g, ng_flow_emitter *e, ng_error *err)
{
    uint8_t *frame;
    ng_status st = ng_packet_output_room(g->out, FRAME_CAP, &frame, err);
    if (st != NG_OK)
        return st;
    uint16_t ip_id = 0;
    if (e->has_host_slots)
        ip_id = ng_host_ids_take(&g->ids, e->host_slot[ng_flow_emitter_head(e)->dir]);
    size_t len = ng_flow_emitter_build_head(e, ip_id, frame, FRAME_CAP, g->payload,
                                            &g->st->fixes);
    const ng_tcp_segment *seg = ng_flow_emitter_head(e);
    ng_out_packet p = {
        .ts_ns = seg->ts_ns, .frame = frame, .len = (uint32_t)len, .flow_id = e->plan.id,
        .index = e->written, .flow_iat_ns = e->written ? seg->ts_ns - e->last_out_ns : 0,
        .direction = seg->dir, .app_class = e->plan.app_class,
    };
    ng_flow_emitter_pop(e);
    if (len == 0) {
        g->st->build_failures++;
        return NG_OK;
    }
    st = ng_packet_output_put(g->out, &p, err);
    if (st != NG_OK)
        return st;
    ng_generate_stats *s = g->st;
    if (!s->packets)
        s->first_ns = p.ts_ns;
    s->last_ns = p.ts_ns;
    s->packets++;
    s->bytes += len;
    if (e->plan.app_class < NG_APP_COUNT)
        s->packets_by_class[e->plan.app_class]++;
    if (g->opt->progress)
        ng_progress_update(&g->progress, s->packets);
    return NG_OK;
}

/* Write the earliest packet; refill its flow and re-key it, or retire it. */
static ng_status advance(engine *g, ng_error *err)
{
    ng_flow_emitter *e = g->heap[0];
    ng_status st = write_head(g, e, err);
    if (st != NG_OK)
        return st;
    if (ng_flow_emitter_refill(e, g->fl, &g->st->tcp_fixes, &g->st->fixes)) {
        sift_down(g, 0);
    } else {
        g->heap[0] = g->heap[--g->n];
        if (g->n)
            sift_down(g, 0);
        release_emitter(g, e);
    }
    return NG_OK;
}

static ng_status run(engine *g, const ng_plan_source *plans, ng_error *err)
{
    ng_flow_plan plan;
    bool have_plan = plans->next(plans->user, &plan);
    int64_t end = g->opt->end_ns;
    for (;;) {
        if (g->opt->max_packets && g->st->packets >= g->opt->max_packets) {
            g->st->stopped_at_packets = true;
            return NG_OK;
        }
        if (have_plan && (g->n == 0 || plan.start_ns <= ng_flow_emitter_head_ts(g->heap[0]))) {
            if (plan.start_ns >= end) {
                have_plan = false;
                continue;
            }
            if (g->st->packets && plan.start_ns < g->st->last_ns)
                plan.start_ns = g->st->last_ns; /* a source out of order: never write back */
            ng_status st = start_flow(g, &plan, err);
            if (st != NG_OK)
                return st;
            have_plan = plans->next(plans->user, &plan);
            continue;
        }
        if (g->n == 0)
            return NG_OK;
        if (ng_flow_emitter_head_ts(g->heap[0]) >= end) {
            g->st->stopped_at_end = true;
            return NG_OK;
        }
        ng_status st = advance(g, err);
        if (st != NG_OK)
            return st;
    }
}

static void engine_free(engine *g)
{
    for (size_t i = 0; i < g->n; i++) {
        ng_flow_emitter_free(g->heap[i]);
        free(g->heap[i]);
    }
    for (size_t i = 0; i < g->n_spare; i++) {
        ng_flow_emitter_free(g->spare[i]);
        free(g->spare[i]);
    }
    free(g->heap);
    free(g->spare);
    free(g->payload);
    ng_host_ids_free(&g->ids);
    ng_tuple_set_free(&g->tuples);
}

ng_status ng_generate(const ng_flow_level *fl, const ng_plan_source *plans,
                      const ng_generate_options *opt, ng_packet_output *out,
                      ng_generate_stats *stats, ng_error *err)
{
    memset(stats, 0, sizeof *stats);
    engine g;
    memset(&g, 0, sizeof g);
    g.fl = fl, g.opt = opt, g.out = out, g.st = stats;
    ng_tcp_config_default(&g.default_tcp);
    ng_host_ids_init(&g.ids, opt->seed);
    ng_tuple_set_init(&g.tuples);
    g.payload = calloc(1, 65536);
    if (!g.payload) {
        engine_free(&g);
        return ng_fail(err, NG_ENOMEM, "out of memory for the payload scratch");
    }
    if (opt->progress)
        ng_progress_start(&g.progress, "generate", "pkt", opt->progress_total);
    ng_status st = run(&g, plans, err);
    if (opt->progress)
        ng_progress_finish(&g.progress);
    engine_free(&g);
    return st;
}
