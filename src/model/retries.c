/* retries.c — finding a client's retries of a refused connection, learning their chains
 * and idle times, drawing them (retries.h). */
#include "model/retries.h"

#include <stdlib.h>
#include <string.h>

#include "model/aggregate_json.h"
#include "stats/metrics.h"

bool ng_retry_refused_flow(const ng_flow *f)
{
    return f->ip_proto == 6 && !f->is_noflow && f->start_reason == NG_FLOW_START_SYN &&
           f->end_reason == NG_FLOW_END_RST && ng_flow_packets(f) <= NG_RETRY_MAX_PACKETS &&
           f->payload_bytes[0] + f->payload_bytes[1] == 0;
}

bool ng_retry_refused_plan(const ng_flow_plan *p)
{
    return p->ip_proto == 6 && !p->is_noflow && p->start_reason == NG_FLOW_START_SYN &&
           p->end_reason == NG_FLOW_END_RST && p->target_packets <= NG_RETRY_MAX_PACKETS;
}

/* ---- finding chains ---- */

static int addr_cmp(const ng_addr *a, const ng_addr *b)
{
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    return memcmp(a->bytes, b->bytes, sizeof a->bytes);
}

/* Flows by tuple (protocol, client, client port, server, server port), then start. */
static int by_tuple_then_start(const void *x, const void *y)
{
    const ng_flow *a = *(const ng_flow *const *)x, *b = *(const ng_flow *const *)y;
    int c = (a->ip_proto > b->ip_proto) - (a->ip_proto < b->ip_proto);
    if (!c)
        c = addr_cmp(&a->client, &b->client);
    if (!c)
        c = (a->client_port > b->client_port) - (a->client_port < b->client_port);
    if (!c)
        c = addr_cmp(&a->server, &b->server);
    if (!c)
        c = (a->server_port > b->server_port) - (a->server_port < b->server_port);
    if (!c)
        c = (a->start_ns > b->start_ns) - (a->start_ns < b->start_ns);
    if (!c)
        c = (a > b) - (a < b);
    return c;
}

static bool same_tuple(const ng_flow *a, const ng_flow *b)
{
    return a->ip_proto == b->ip_proto && a->client_port == b->client_port &&
           a->server_port == b->server_port && !addr_cmp(&a->client, &b->client) &&
           !addr_cmp(&a->server, &b->server);
}

/* next retries prev: both refused, on one tuple, next after prev and soon after it. */
static bool retries(const ng_flow *prev, const ng_flow *next)
{
    int64_t gap = ng_ts_gap(next->start_ns, prev->start_ns);
    return same_tuple(prev, next) && ng_retry_refused_flow(prev) && ng_retry_refused_flow(next) &&
           next->start_ns > prev->last_ns && gap > 0 && gap <= NG_RETRY_MAX_GAP_NS;
}

/* The flows not skipped, by tuple then start; *m of them. NULL: out of memory. */
static const ng_flow **tuple_order(const ng_flow *flows, size_t n, const bool *skip, size_t *m)
{
    const ng_flow **order = malloc((n ? n : 1) * sizeof *order);
    *m = 0;
    if (!order)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!skip || !skip[i])
            order[(*m)++] = &flows[i];
    qsort(order, *m, sizeof *order, by_tuple_then_start);
    return order;
}

size_t ng_retries_mark(const ng_flow *flows, size_t n, const bool *skip, bool *is_retry,
                       uint32_t *chain_len)
{
    memset(is_retry, 0, n * sizeof *is_retry);
    if (chain_len)
        memset(chain_len, 0, n * sizeof *chain_len);
    size_t m;
    const ng_flow **order = tuple_order(flows, n, skip, &m);
    if (!order)
        return (size_t)-1;
    size_t marked = 0, head = 0;
    for (size_t k = 0; k < m; k++) {
        if (k == 0 || !retries(order[k - 1], order[k])) {
            head = (size_t)(order[k] - flows);
            continue;
        }
        is_retry[order[k] - flows] = true;
        marked++;
        if (chain_len)
            chain_len[head]++;
    }
    free(order);
    return marked;
}

/* ---- training ---- */

static ng_status add_chain(ng_retry_class *c, uint32_t len, ng_error *err)
{
    uint32_t *grown = realloc(c->chains, (c->n_chains + 1) * sizeof *grown);
    if (!grown)
        return ng_fail(err, NG_ENOMEM, "retries: out of memory");
    c->chains = grown;
    c->chains[c->n_chains++] = len;
    return NG_OK;
}

static ng_status count_chains(ng_retries *r, const ng_flow *flows, size_t n, const bool *skip,
                              const bool *is_retry, const uint32_t *chain_len, ng_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const ng_flow *f = &flows[i];
        if ((skip && skip[i]) || is_retry[i] || !ng_retry_refused_flow(f) ||
            f->app_class >= NG_APP_COUNT)
            continue;
        ng_retry_class *c = &r->cls[f->app_class];
        c->refused++;
        ng_status st = chain_len[i] ? add_chain(c, chain_len[i], err) : NG_OK;
        if (st)
            return st;
    }
    return NG_OK;
}

/* Idle times between consecutive attempts of every chain: a retry's start minus the last
 * packet of the attempt before it on its tuple. */
static ng_status learn_idle(ng_retries *r, const ng_flow *flows, size_t n, const bool *skip,
                            const bool *is_retry, ng_error *err)
{
    size_t in_order;
    const ng_flow **order = tuple_order(flows, n, skip, &in_order);
    double *idle = malloc((r->flows ? r->flows : 1) * sizeof *idle);
    if (!order || !idle) {
        free(order);
        free(idle);
        return ng_fail(err, NG_ENOMEM, "retries: out of memory");
    }
    size_t m = 0;
    for (size_t k = 1; k < in_order && m < r->flows; k++)
        if (is_retry[order[k] - flows])
            idle[m++] = (double)ng_ts_gap(order[k]->start_ns, order[k - 1]->last_ns) * 1e-9;
    ng_sort_doubles(idle, m);
    for (size_t q = 0; q < NG_RETRY_IDLE_QUANTILES; q++)
        r->idle_s[q] = ng_quantile_sorted(idle, m, (double)q / (NG_RETRY_IDLE_QUANTILES - 1));
    free(order);
    free(idle);
    return NG_OK;
}

ng_status ng_retries_train(ng_retries *r, const ng_flow *flows, size_t n, const bool *skip,
                           ng_error *err)
{
    memset(r, 0, sizeof *r);
    bool *is_retry = malloc((n ? n : 1) * sizeof *is_retry);
    uint32_t *chain_len = malloc((n ? n : 1) * sizeof *chain_len);
    size_t marked = is_retry && chain_len ? ng_retries_mark(flows, n, skip, is_retry, chain_len)
                                          : (size_t)-1;
    ng_status st = NG_OK;
    if (marked == (size_t)-1)
        st = ng_fail(err, NG_ENOMEM, "retries: out of memory");
    r->flows = st ? 0 : marked;
    if (!st && r->flows)
        st = count_chains(r, flows, n, skip, is_retry, chain_len, err);
    if (!st && r->flows)
        st = learn_idle(r, flows, n, skip, is_retry, err);
    free(is_retry);
    free(chain_len);
    if (st)
        ng_retries_free(r);
    return st;
}

void ng_retries_free(ng_retries *r)
{
    for (size_t c = 0; c < NG_APP_COUNT; c++)
        free(r->cls[c].chains);
    memset(r, 0, sizeof *r);
}

uint64_t ng_retries_class_flows(const ng_retries *r, uint8_t cls)
{
    uint64_t n = 0;
    for (size_t i = 0; cls < NG_APP_COUNT && i < r->cls[cls].n_chains; i++)
        n += r->cls[cls].chains[i];
    return n;
}

/* ---- drawing ---- */

uint32_t ng_retries_draw_chain(const ng_retries *r, uint8_t cls, ng_rng *rng)
{
    if (cls >= NG_APP_COUNT || r->cls[cls].n_chains == 0)
        return 0;
    const ng_retry_class *c = &r->cls[cls];
    uint64_t pick = ng_rng_below(rng, c->refused);
    return pick < c->n_chains ? c->chains[pick] : 0;
}

int64_t ng_retries_draw_idle_ns(const ng_retries *r, ng_rng *rng)
{
    double at = ng_rng_uniform(rng) * (NG_RETRY_IDLE_QUANTILES - 1);
    size_t q = (size_t)at;
    if (q >= NG_RETRY_IDLE_QUANTILES - 1)
        q = NG_RETRY_IDLE_QUANTILES - 2;
    double frac = at - (double)q;
    double idle_s = r->idle_s[q] + frac * (r->idle_s[q + 1] - r->idle_s[q]);
    int64_t ns = (int64_t)(idle_s * 1e9);
    return ns > NG_RETRY_MIN_IDLE_NS ? ns : NG_RETRY_MIN_IDLE_NS;
}

/* ---- JSON ---- */

static json_t *class_json(const ng_retry_class *c, uint8_t cls)
{
    json_t *chains = json_array();
    for (size_t i = 0; i < c->n_chains; i++)
        json_array_append_new(chains, json_integer(c->chains[i]));
    return json_pack("{s:s, s:I, s:o}", "class", ng_app_class_name((ng_app_class)cls), "refused",
                     (json_int_t)c->refused, "chains", chains);
}

json_t *ng_retries_to_json(const ng_retries *r)
{
    if (r->flows == 0)
        return NULL;
    json_t *idle = json_array(), *classes = json_array();
    for (size_t q = 0; q < NG_RETRY_IDLE_QUANTILES; q++)
        json_array_append_new(idle, json_real(r->idle_s[q]));
    for (uint8_t c = 0; c < NG_APP_COUNT; c++)
        if (r->cls[c].n_chains)
            json_array_append_new(classes, class_json(&r->cls[c], c));
    return json_pack("{s:I, s:o, s:o}", "flows", (json_int_t)r->flows, "idle_s", idle, "classes",
                     classes);
}

static void read_idle(ng_json_reader *rd, const json_t *json, ng_retries *r)
{
    const json_t *idle = ng_json_read_array(rd, json, "idle_s");
    if (!rd->st && json_array_size(idle) != NG_RETRY_IDLE_QUANTILES)
        ng_json_reader_fail(rd, "'idle_s' must hold %d numbers", NG_RETRY_IDLE_QUANTILES);
    for (size_t q = 0; q < NG_RETRY_IDLE_QUANTILES && !rd->st; q++) {
        const json_t *v = json_array_get(idle, q);
        double x = json_number_value(v);
        if (!json_is_number(v) || !(x >= 0 && x <= NG_RETRY_MAX_GAP_NS * 1e-9) ||
            (q && x < r->idle_s[q - 1]))
            ng_json_reader_fail(rd, "'idle_s[%zu]' must be a number of seconds in [0, %g], "
                                    "not below the one before",
                                q, NG_RETRY_MAX_GAP_NS * 1e-9);
        r->idle_s[q] = x;
    }
}

static void read_class(ng_json_reader *rd, const json_t *o, ng_retries *r)
{
    int cls = ng_app_class_from_name(json_string_value(json_object_get(o, "class")));
    if (cls < 0) {
        ng_json_reader_fail(rd, "'class' is missing or not a known class name");
        return;
    }
    ng_retry_class *c = &r->cls[cls];
    if (c->n_chains) {
        ng_json_reader_fail(rd, "class '%s' appears twice", ng_app_class_name((ng_app_class)cls));
        return;
    }
    c->refused = (uint64_t)ng_json_read_int(rd, o, "refused", 1, INT64_MAX);
    const json_t *chains = ng_json_read_array(rd, o, "chains");
    size_t n = json_array_size(chains);
    if (!rd->st && (n == 0 || n > c->refused))
        ng_json_reader_fail(rd, "'chains' must hold 1 to 'refused' (%llu) lengths",
                            (unsigned long long)c->refused);
    if (!rd->st && !(c->chains = calloc(n, sizeof *c->chains)))
        ng_json_reader_fail(rd, "out of memory");
    for (size_t i = 0; i < n && !rd->st; i++) {
        const json_t *v = json_array_get(chains, i);
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > UINT32_MAX)
            ng_json_reader_fail(rd, "'chains[%zu]' must be a whole number >= 1", i);
        else
            c->chains[c->n_chains++] = (uint32_t)json_integer_value(v);
    }
}

ng_status ng_retries_from_json(ng_retries *r, const json_t *json, const char *where,
                               ng_error *err)
{
    memset(r, 0, sizeof *r);
    if (!json)
        return NG_OK;
    ng_json_reader rd;
    ng_json_reader_init(&rd, err, "%s.retries", where);
    r->flows = (uint64_t)ng_json_read_int(&rd, json, "flows", 1, INT64_MAX);
    read_idle(&rd, json, r);
    const json_t *classes = ng_json_read_array(&rd, json, "classes");
    if (!rd.st && json_array_size(classes) == 0)
        ng_json_reader_fail(&rd, "'classes' must name at least one class");
    for (size_t i = 0; i < json_array_size(classes) && !rd.st; i++) {
        ng_json_reader_init(&rd, err, "%s.retries.classes[%zu]", where, i);
        const json_t *o = json_array_get(classes, i);
        if (!json_is_object(o))
            ng_json_reader_fail(&rd, "not an object");
        else
            read_class(&rd, o, r);
    }
    if (rd.st)
        ng_retries_free(r);
    return rd.st;
}
