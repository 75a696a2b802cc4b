/* dataset.c — collecting feature rows into memory and grouping them by flow.
 *
 * Rows arrive from the extractor in time order (packets) and ending order (flows).
 * After the last row, a counting sort by flow id turns the packet list into CSR
 * groups while keeping time order inside each flow (the scatter is stable). */
#include "model/dataset.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/grow.h"
#include "features/extract.h"

typedef struct row_collector {
    ng_packet_row *packets;
    size_t n_packets, cap_packets;
    ng_flow *flows;
    size_t n_flows, cap_flows;
} row_collector;

static ng_status collect_packet(void *user, const ng_packet_row *row, ng_error *err)
{
    row_collector *c = user;
    if (!ng_grow(&c->packets, &c->cap_packets, c->n_packets + 1, sizeof *row))
        return ng_fail(err, NG_ENOMEM, "out of memory after %zu packets", c->n_packets);
    c->packets[c->n_packets++] = *row;
    return NG_OK;
}

static ng_status collect_flow(void *user, const ng_flow_row *flow, ng_error *err)
{
    row_collector *c = user;
    if (!ng_grow(&c->flows, &c->cap_flows, c->n_flows + 1, sizeof *flow))
        return ng_fail(err, NG_ENOMEM, "out of memory after %zu flows", c->n_flows);
    c->flows[c->n_flows++] = *flow;
    return NG_OK;
}

static bool keep_flow(const ng_flow *flow, const ng_dataset_options *opt)
{
    return !opt || !opt->filter_classes ||
           (flow->app_class < NG_APP_COUNT && opt->keep_class[flow->app_class]);
}

/* new_id[old flow id] = renumbered id or SIZE_MAX for dropped flows; ids ordered by
 * first packet, i.e. by (start_ns, old id). */
static int by_old_id(const void *a, const void *b)
{
    const ng_flow *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static ng_status group_rows(ng_dataset *ds, const ng_packet_row *packets, size_t n_packets,
                            ng_flow *flows, size_t n_flows, const ng_dataset_options *opt,
                            ng_error *err)
{
    qsort(flows, n_flows, sizeof *flows, by_old_id);
    uint64_t max_id = n_flows ? flows[n_flows - 1].id : 0;
    size_t *new_id = malloc((size_t)(max_id + 1) * sizeof *new_id);
    ds->flows = malloc((n_flows ? n_flows : 1) * sizeof *ds->flows);
    ds->first = calloc(n_flows + 2, sizeof *ds->first);
    if (!new_id || !ds->flows || !ds->first) {
        free(new_id);
        return ng_fail(err, NG_ENOMEM, "out of memory grouping %zu flows", n_flows);
    }
    for (uint64_t i = 0; i <= max_id; i++)
        new_id[i] = SIZE_MAX;
    for (size_t i = 0; i < n_flows; i++) {
        if (!keep_flow(&flows[i], opt))
            continue;
        new_id[flows[i].id] = ds->n_flows;
        ds->flows[ds->n_flows] = flows[i];
        ds->flows[ds->n_flows].id = ds->n_flows;
        ds->n_flows++;
    }
    /* Count, prefix-sum, stable scatter. */
    for (size_t p = 0; p < n_packets; p++) {
        uint64_t id = packets[p].flow_id;
        if (id <= max_id && new_id[id] != SIZE_MAX)
            ds->first[new_id[id] + 1]++;
    }
    for (size_t i = 0; i < ds->n_flows; i++)
        ds->first[i + 1] += ds->first[i];
    ds->n_packets = ds->first[ds->n_flows];
    ds->packets = malloc((ds->n_packets ? ds->n_packets : 1) * sizeof *ds->packets);
    size_t *fill = malloc((ds->n_flows + 1) * sizeof *fill);
    if (!ds->packets || !fill) {
        free(new_id);
        free(fill);
        return ng_fail(err, NG_ENOMEM, "out of memory grouping %zu packets", n_packets);
    }
    memcpy(fill, ds->first, (ds->n_flows + 1) * sizeof *fill);
    for (size_t p = 0; p < n_packets; p++) {
        uint64_t id = packets[p].flow_id;
        if (id > max_id || new_id[id] == SIZE_MAX)
            continue;
        ng_packet_row *row = &ds->packets[fill[new_id[id]]++];
        *row = packets[p];
        row->flow_id = new_id[id];
    }
    free(fill);
    free(new_id);
    return NG_OK;
}

ng_status ng_dataset_from_rows(ng_dataset *ds, const ng_packet_row *packets, size_t n_packets,
                               const ng_flow *flows, size_t n_flows,
                               const ng_dataset_options *opt, ng_error *err)
{
    memset(ds, 0, sizeof *ds);
    ng_flow *copy = malloc((n_flows ? n_flows : 1) * sizeof *copy);
    if (!copy)
        return ng_fail(err, NG_ENOMEM, "out of memory copying %zu flows", n_flows);
    if (n_flows)
        memcpy(copy, flows, n_flows * sizeof *copy);
    ng_status st = group_rows(ds, packets, n_packets, copy, n_flows, opt, err);
    free(copy);
    if (st != NG_OK)
        ng_dataset_free(ds);
    return st;
}

static ng_status record_inputs(ng_dataset *ds, const char *const *paths, size_t n,
                               ng_error *err)
{
    ds->inputs = calloc(n ? n : 1, sizeof *ds->inputs);
    if (!ds->inputs)
        return ng_fail(err, NG_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        ng_dataset_input *in = &ds->inputs[i];
        ds->n_inputs = i + 1;
        in->path = strdup(paths[i]);
        if (!in->path)
            return ng_fail(err, NG_ENOMEM, "out of memory");
        struct stat st;
        in->size = stat(paths[i], &st) == 0 ? (uint64_t)st.st_size : 0;
        ng_status s = ng_sha256_file(paths[i], in->sha256, err);
        if (s != NG_OK)
            return s;
    }
    return NG_OK;
}

ng_status ng_dataset_load(ng_dataset *ds, const char *const *paths, size_t n,
                          const ng_dataset_options *opt, ng_error *err)
{
    memset(ds, 0, sizeof *ds);
    row_collector c = {0};
    ng_feature_sink sink = {collect_packet, collect_flow, &c};
    ng_status st = ng_extract_files(paths, n, opt ? &opt->extract : NULL, &sink, &ds->stats, err);
    if (st == NG_OK)
        st = group_rows(ds, c.packets, c.n_packets, c.flows, c.n_flows, opt, err);
    if (st == NG_OK)
        st = record_inputs(ds, paths, n, err);
    free(c.packets);
    free(c.flows);
    if (st != NG_OK)
        ng_dataset_free(ds);
    return st;
}

int64_t ng_dataset_span_ns(const ng_dataset *ds, int64_t *start_ns)
{
    int64_t first = INT64_MAX, last = INT64_MIN;
    for (size_t i = 0; i < ds->n_flows; i++) {
        if (ds->flows[i].start_ns < first)
            first = ds->flows[i].start_ns;
        if (ds->flows[i].last_ns > last)
            last = ds->flows[i].last_ns;
    }
    if (start_ns)
        *start_ns = ds->n_flows ? first : 0;
    return last > first ? ng_ts_gap(last, first) : 0;
}

void ng_dataset_free(ng_dataset *ds)
{
    free(ds->packets);
    free(ds->flows);
    free(ds->first);
    for (size_t i = 0; i < ds->n_inputs; i++)
        free(ds->inputs[i].path);
    free(ds->inputs);
    memset(ds, 0, sizeof *ds);
}
