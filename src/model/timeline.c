/* timeline.c — generation: flow plans in start-time order (aggregate_level.h).
 *
 * Three sources, merged by start time: the carried streams (carried.h), planned once at
 * the start at their fractions of the window; the arrivals; and the retries of refused
 * arrivals (retries.h), pending as chains (a copy of the refused plan, the retries left)
 * that each draw their next start — an idle time after the planned end of the attempt
 * before — when one is emitted. Each arrival step draws the next (gap component,
 * class) token from the arrivals n-gram given the last `order` tokens, advances the
 * clock by a gap from that component (divided by rate_scale), and — unless the class is
 * filtered out, in which case time still advances — samples the flow's endpoints and
 * protocol (endpoints.h), its shape and start/end for that class and protocol
 * (flow_shapes.h) and its TTLs (the hosts' own, else the class's habits). Every plan,
 * carried or not, then gets its Ethernet padding per direction from the class's habits
 * (fill_padding). */
#include "model/aggregate_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ng_timeline {
    const ng_aggregate *a;
    ng_timeline_options opt;
    ng_rng rng;
    int64_t now_ns;
    double offset_ns;     /* since the origin, fractional so sub-ns gaps still add up */
    uint64_t next_id;
    uint32_t history[NG_NGRAM_MAX_ORDER];
    size_t n_history;
    uint16_t *port_state; /* per host: its last ephemeral port */
    double elapsed_s;     /* unscaled model time since the origin */
    uint64_t tokens;      /* flows drawn, filtered ones included */
    bool done;            /* no more arrivals */
    ng_flow_plan arrival; /* the next arrival, drawn ahead to merge with carried plans */
    bool have_arrival;
    ng_flow_plan *carried; /* carried plans of kept classes, by start time */
    size_t n_carried, next_carried;
    struct pending_chain { ng_flow_plan next; uint32_t left; } *chains; /* retries due */
    size_t n_chains;
    ng_rng retry_rng;     /* chain lengths, idle times: the other draws stay as without */
};

/* Chains pending at once; a refused attempt beyond them gets no retries. */
#define MAX_PENDING_CHAINS 256

static bool kept(const ng_timeline_options *opt, uint8_t cls)
{
    return !opt->filter_classes || (cls < NG_APP_COUNT && opt->keep_class[cls]);
}

static bool any_kept_class(const ng_aggregate *a, const ng_timeline_options *opt)
{
    for (size_t c = 0; c < NG_APP_COUNT; c++)
        if (opt->keep_class[c] && a->class_flows[c] && !a->carried.only)
            return true;
    for (size_t i = 0; i < a->carried.n; i++)
        if (kept(opt, a->carried.s[i].app_class))
            return true;
    return false;
}

static int by_start_ns(const void *x, const void *y)
{
    const ng_flow_plan *a = x, *b = y;
    if (a->start_ns != b->start_ns)
        return a->start_ns < b->start_ns ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id; /* id: the stream's index until emitted */
}

/* TTLs the hosts do not have (a host that never sent): the class's habits. */
static void fill_ttls(const ng_aggregate *a, ng_rng *rng, ng_flow_plan *plan)
{
    uint8_t cls = plan->app_class;
    if (plan->ip_version && !plan->client_ttl)
        plan->client_ttl = ng_header_habits_sample_ttl(&a->habits[cls], NG_DIR_C2S, rng, 64);
    if (plan->ip_version && !plan->server_ttl)
        plan->server_ttl = ng_header_habits_sample_ttl(&a->habits[cls], NG_DIR_S2C, rng, 64);
}

/* The carried streams of kept classes, planned over the window: the requested duration,
 * else the training span compressed by the rate scale. Their TTL draws use a stream of
 * their own, so the arrivals are the same draws as without them. */
static ng_status plan_carried(ng_timeline *t, ng_error *err)
{
    const ng_aggregate *a = t->a;
    if (a->carried.n == 0)
        return NG_OK;
    t->carried = calloc(a->carried.n, sizeof *t->carried);
    if (!t->carried)
        return ng_fail(err, NG_ENOMEM, "timeline: out of memory");
    double window = t->opt.duration_ns > 0 ? (double)t->opt.duration_ns
                                            : (double)a->train_duration_ns / t->opt.rate_scale;
    ng_rng rng;
    ng_rng_stream(&rng, t->opt.seed, 0xca7717ed);
    for (size_t i = 0; i < a->carried.n; i++) {
        if (!kept(&t->opt, a->carried.s[i].app_class))
            continue;
        ng_flow_plan *p = &t->carried[t->n_carried++];
        ng_carried_plan(&a->carried, i, &a->endpoints, a->train_duration_ns, t->opt.start_ns,
                        window, p);
        fill_ttls(a, &rng, p);
        p->id = i;
    }
    qsort(t->carried, t->n_carried, sizeof *t->carried, by_start_ns);
    return NG_OK;
}

ng_status ng_timeline_new(const ng_aggregate *a, const ng_timeline_options *opt,
                          ng_timeline **out, ng_error *err)
{
    *out = NULL;
    if (!(opt->rate_scale > 0) || !isfinite(opt->rate_scale) || opt->duration_ns < 0)
        return ng_fail(err, NG_EINVAL, "timeline: rate scale must be > 0 and duration >= 0");
    if (opt->filter_classes && !any_kept_class(a, opt))
        return ng_fail(err, NG_EINVAL,
                       "timeline: none of the requested application classes is in the model");
    ng_timeline *t = calloc(1, sizeof *t);
    if (t) {
        t->port_state = calloc(a->endpoints.n_hosts ? a->endpoints.n_hosts : 1,
                               sizeof *t->port_state);
        t->chains = calloc(MAX_PENDING_CHAINS, sizeof *t->chains);
    }
    if (!t || !t->port_state || !t->chains) {
        ng_timeline_free(t);
        return ng_fail(err, NG_ENOMEM, "timeline: out of memory");
    }
    t->a = a;
    t->opt = *opt;
    ng_rng_seed(&t->rng, opt->seed);
    ng_rng_stream(&t->retry_rng, opt->seed, 0x7e7a1e5);
    t->now_ns = opt->start_ns;
    t->done = a->carried.only;
    ng_status st = plan_carried(t, err);
    if (st) {
        ng_timeline_free(t);
        return st;
    }
    *out = t;
    return NG_OK;
}

void ng_timeline_free(ng_timeline *t)
{
    if (!t)
        return;
    free(t->port_state);
    free(t->carried);
    free(t->chains);
    free(t);
}

static void remember(ng_timeline *t, uint32_t token)
{
    size_t order = ng_ngram_order(t->a->arrivals.ngram);
    if (order == 0)
        return;
    if (t->n_history == order) {
        memmove(t->history, t->history + 1, (order - 1) * sizeof *t->history);
        t->n_history--;
    }
    t->history[t->n_history++] = token;
}

/* Rate anchoring: the n-gram replays stretches of the real sequence, so lulls and
 * bursts come in runs and the flow count of a window wanders (sd 13% of the count
 * over a DARPA HTTP half hour without anchoring). `lag` counts how many mean gaps the
 * clock is ahead of the real long-run rate (negative: behind, too many flows); every
 * gap is multiplied by exp(-lag / tau), kept within [1 / NG_RATE_ANCHOR_MAX,
 * NG_RATE_ANCHOR_MAX], where tau is an eighth of the training's flow count, between 2
 * and NG_RATE_ANCHOR_FLOWS. Multiplying leaves a burst a burst (its tiny gaps stay
 * tiny) and stretches or shrinks lulls; a drift of a few dozen flows is pulled back.
 *
 * The first flow starts at the origin, as a capture starts with its first packet: a
 * model of one 600 s session puts that session inside a 600 s timeline. (A random
 * origin — a uniform fraction of a drawn gap — started the one flow of a 441-packet
 * QUIC capture or the three sessions of a Modbus one seconds late, and the end of the
 * timeline cut them: flow packets KS 1.0.) */
#define NG_RATE_ANCHOR_FLOWS 50.0
#define NG_RATE_ANCHOR_MAX 3.0

static double anchor_flows(const ng_aggregate *a)
{
    double tau = (double)a->n_flows / 8.0;
    return tau < 2.0 ? 2.0 : tau > NG_RATE_ANCHOR_FLOWS ? NG_RATE_ANCHOR_FLOWS : tau;
}

static double anchored_gap(const ng_timeline *t, double gap_s)
{
    double mean = t->a->arrivals.mean_gap_s;
    double expected = t->tokens ? ((double)t->tokens - 0.5) * mean : 0.0; /* first: half */
    double lag = (t->elapsed_s - expected) / mean;
    double m = exp(-lag / anchor_flows(t->a));
    m = m < 1.0 / NG_RATE_ANCHOR_MAX ? 1.0 / NG_RATE_ANCHOR_MAX : m;
    return gap_s * (m > NG_RATE_ANCHOR_MAX ? NG_RATE_ANCHOR_MAX : m);
}

/* Advance the clock by one drawn gap; false when past the duration. */
static bool advance(ng_timeline *t, size_t component)
{
    double gap_s = anchored_gap(t, ng_arrivals_sample_gap_s(&t->a->arrivals, component, &t->rng));
    if (t->tokens == 0)
        gap_s = 0.0;
    t->elapsed_s += gap_s;
    t->tokens++;
    t->offset_ns += gap_s * 1e9 / t->opt.rate_scale;
    if (!(t->offset_ns < 9e18) || t->opt.start_ns > INT64_MAX - (int64_t)t->offset_ns)
        return false;
    t->now_ns = t->opt.start_ns + (int64_t)t->offset_ns;
    if (t->opt.duration_ns > 0 && (double)t->opt.duration_ns <= t->offset_ns)
        return false;
    return true;
}

static void plan_flow(ng_timeline *t, uint8_t cls, ng_flow_plan *plan)
{
    const ng_aggregate *a = t->a;
    memset(plan, 0, sizeof *plan);
    plan->start_ns = t->now_ns;
    plan->app_class = cls;
    ng_endpoints_sample(&a->endpoints, cls, &t->rng, t->port_state, plan);
    ng_flow_shapes_sample(&a->shapes, &t->rng, plan); /* by (class, kind) */
    fill_ttls(a, &t->rng, plan);
}

/* The next arrival of a kept class; false when there is none before the end. */
static bool next_arrival(ng_timeline *t, ng_flow_plan *plan)
{
    while (!t->done) {
        uint32_t token = ng_ngram_sample(t->a->arrivals.ngram, t->history, t->n_history, &t->rng);
        remember(t, token);
        size_t component;
        uint8_t cls;
        ng_arrivals_token(&t->a->arrivals, token, &component, &cls);
        if (!advance(t, component))
            break;
        if (t->opt.filter_classes && !t->opt.keep_class[cls])
            continue;
        plan_flow(t, cls, plan);
        return true;
    }
    t->done = true;
    return false;
}

/* Whether each direction's short frames go out unpadded (padded only to the shortest
 * unpadded frame of training): drawn with the share of unpadded short frames its
 * (class, kind) had in training (DARPA: 1 for the LLC stream, 54 bytes; 0.01-0.03 for
 * ARP, 42 bytes; 0 for everything else). The draw comes from a stream of the plan's
 * own, so the other draws of the timeline are the same as without it; a share of 0 (a
 * model saved before padding was learned) pads as before. */
static void fill_padding(const ng_timeline *t, ng_flow_plan *plan)
{
    if (plan->app_class >= NG_APP_COUNT)
        return;
    const ng_header_habits *h = &t->a->habits[plan->app_class];
    uint32_t kind = ng_flow_kind(plan->is_noflow, plan->ethertype, plan->ip_proto);
    ng_rng rng;
    ng_rng_stream(&rng, t->opt.seed ^ 0xe7a9ad, plan->id);
    for (int d = 0; d < 2; d++) {
        uint8_t min_len;
        double share = ng_header_habits_unpadded_share(h, d, kind, &min_len);
        plan->eth_min_frame[d] = share > 0 && ng_rng_uniform(&rng) < share ? min_len : 0;
    }
}

/* Whether a plan starting at start_ns is still inside the window. */
static bool in_window(const ng_timeline *t, int64_t start_ns)
{
    return t->opt.duration_ns <= 0 || ng_ts_gap(start_ns, t->opt.start_ns) < t->opt.duration_ns;
}

/* Chain i's next retry starts a drawn idle time after the planned end of the attempt
 * before it; the chain ends when none is left or the next would start past the window. */
static void schedule_retry(ng_timeline *t, size_t i)
{
    struct pending_chain *c = &t->chains[i];
    int64_t idle = ng_retries_draw_idle_ns(&t->a->retries, &t->retry_rng);
    int64_t duration = c->next.target_duration_ns > 0 ? c->next.target_duration_ns : 0;
    int64_t gap = duration <= INT64_MAX - idle ? duration + idle : INT64_MAX;
    bool fits = c->left > 0 && c->next.start_ns <= INT64_MAX - gap &&
                in_window(t, c->next.start_ns + gap);
    if (fits) {
        c->next.start_ns += gap;
        return;
    }
    t->chains[i] = t->chains[--t->n_chains];
}

/* A refused arrival: its client's retries, if its class retries (a drawn chain length). */
static void start_chain(ng_timeline *t, const ng_flow_plan *refused)
{
    if (t->a->retries.flows == 0 || !ng_retry_refused_plan(refused) ||
        t->n_chains == MAX_PENDING_CHAINS)
        return;
    uint32_t left = ng_retries_draw_chain(&t->a->retries, refused->app_class, &t->retry_rng);
    if (left == 0)
        return;
    struct pending_chain *c = &t->chains[t->n_chains];
    c->next = *refused;
    c->next.retry = true;
    c->left = left;
    schedule_retry(t, t->n_chains++);
}

/* The pending chain whose next retry starts first; n_chains when none is pending. */
static size_t first_chain(const ng_timeline *t)
{
    size_t best = t->n_chains;
    for (size_t i = 0; i < t->n_chains; i++)
        if (best == t->n_chains || t->chains[i].next.start_ns < t->chains[best].next.start_ns)
            best = i;
    return best;
}

enum source { FROM_NONE, FROM_CARRIED, FROM_ARRIVAL, FROM_RETRY };

/* Which source starts next (ties: carried, then arrival, then retry). */
static enum source next_source(const ng_timeline *t, size_t chain)
{
    enum source src = FROM_NONE;
    int64_t when = INT64_MAX;
    if (t->next_carried < t->n_carried)
        src = FROM_CARRIED, when = t->carried[t->next_carried].start_ns;
    if (t->have_arrival && (src == FROM_NONE || t->arrival.start_ns < when))
        src = FROM_ARRIVAL, when = t->arrival.start_ns;
    if (chain < t->n_chains && (src == FROM_NONE || t->chains[chain].next.start_ns < when))
        src = FROM_RETRY;
    return src;
}

bool ng_timeline_next(ng_timeline *t, ng_flow_plan *plan)
{
    if (t->opt.max_flows && t->next_id >= t->opt.max_flows)
        return false;
    if (!t->have_arrival)
        t->have_arrival = next_arrival(t, &t->arrival);
    size_t chain = first_chain(t);
    switch (next_source(t, chain)) {
    case FROM_CARRIED:
        *plan = t->carried[t->next_carried++];
        break;
    case FROM_ARRIVAL:
        *plan = t->arrival;
        t->have_arrival = false;
        start_chain(t, plan);
        break;
    case FROM_RETRY:
        *plan = t->chains[chain].next;
        t->chains[chain].left--;
        schedule_retry(t, chain);
        break;
    case FROM_NONE:
        return false;
    }
    plan->id = t->next_id++;
    fill_padding(t, plan);
    return true;
}
