/* quantities.c — continuous samples, categorical counts and structure shares of a capture. */
#include "report/quantities.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/metrics.h"

#define MAX_TPUT_BINS 1000000

static const ng_quantity_def cont_defs[NG_Q_CONT_COUNT] = {
    {"frame_len", "Frame length", "B", false},
    {"iat", "Inter-arrival time", "s", true},
    {"flow_iat", "Inter-arrival in flow", "s", true},
    {"flow_packets", "Packets per flow", "pkt", true},
    {"flow_bytes", "Bytes per flow", "B", true},
    {"flow_duration", "Flow duration", "s", true},
    {"tput_bytes", "Throughput (bytes/s)", "B/s", false},
    {"tput_packets", "Throughput (packets/s)", "pkt/s", false},
};

static const ng_quantity_def cat_defs[NG_Q_CAT_COUNT] = {
    {"ip_proto", "IP protocol", "", false},
    {"server_port", "Server port (per flow)", "", false},
    {"tcp_flags", "TCP flags", "", false},
    {"src_port", "Source port", "", false},
    {"dst_port", "Destination port", "", false},
    {"host_rank", "Host popularity (rank)", "", true},
    {"ngram", "Direction/size 3-grams", "", false},
};

static const ng_quantity_def struct_defs[NG_S_COUNT] = {
    {"syn_start", "TCP flows starting with SYN", "", false},
    {"handshake", "TCP flows with 3-way handshake", "", false},
    {"fin_rst_end", "TCP flows ending with FIN/RST", "", false},
    {"seqack_ok", "TCP packets with consistent seq/ack", "", false},
    {"checksum_ok", "Valid checksums", "", false},
};

const ng_quantity_def *ng_cont_def(ng_cont_id id) { return &cont_defs[id]; }
const ng_quantity_def *ng_cat_def(ng_cat_id id) { return &cat_defs[id]; }
const ng_quantity_def *ng_struct_def(ng_struct_id id) { return &struct_defs[id]; }

double ng_share_value(ng_share share)
{
    return share.den > 0 ? share.num / share.den : NAN;
}

double ng_quantities_median(const ng_quantities *q, ng_cont_id id)
{
    return ng_median_sorted(q->cont[id], q->n_cont[id]);
}

void ng_quantities_free(ng_quantities *q)
{
    for (int i = 0; i < NG_Q_CONT_COUNT; i++)
        free(q->cont[i]);
    for (int i = 0; i < NG_Q_CAT_COUNT; i++) {
        free(q->cat[i].keys);
        free(q->cat[i].counts);
    }
    free(q->tput_bytes);
    free(q->tput_packets);
    memset(q, 0, sizeof *q);
}

/* ---- continuous ---- */

static double *alloc_doubles(size_t n)
{
    return malloc((n ? n : 1) * sizeof(double));
}

static void set_sorted(ng_quantities *q, ng_cont_id id, double *x, size_t n)
{
    ng_sort_doubles(x, n);
    q->cont[id] = x;
    q->n_cont[id] = n;
}

static bool build_packet_samples(const ng_capture_summary *s, ng_quantities *q)
{
    double *len = alloc_doubles(s->n_pkts), *iat = alloc_doubles(s->n_pkts);
    double *fiat = alloc_doubles(s->n_flow_iat);
    if (!len || !iat || !fiat) {
        free(len), free(iat), free(fiat);
        return false;
    }
    for (size_t i = 0; i < s->n_pkts; i++)
        len[i] = s->pkts[i].wirelen;
    size_t n_iat = 0;
    for (size_t i = 1; i < s->n_pkts; i++)
        iat[n_iat++] = (double)(s->pkts[i].ts_ns - s->pkts[i - 1].ts_ns) * 1e-9;
    if (s->n_flow_iat)
        memcpy(fiat, s->flow_iat, s->n_flow_iat * sizeof *fiat);
    set_sorted(q, NG_Q_FRAME_LEN, len, s->n_pkts);
    set_sorted(q, NG_Q_IAT, iat, n_iat);
    set_sorted(q, NG_Q_FLOW_IAT, fiat, s->n_flow_iat);
    return true;
}

static bool build_flow_samples(const ng_capture_summary *s, ng_quantities *q)
{
    double *pk = alloc_doubles(s->n_flows), *by = alloc_doubles(s->n_flows);
    double *du = alloc_doubles(s->n_flows);
    if (!pk || !by || !du) {
        free(pk), free(by), free(du);
        return false;
    }
    for (size_t f = 0; f < s->n_flows; f++) {
        pk[f] = (double)s->flows[f].packets;
        by[f] = (double)s->flows[f].bytes;
        du[f] = (double)(s->flows[f].last_ns - s->flows[f].first_ns) * 1e-9;
    }
    set_sorted(q, NG_Q_FLOW_PACKETS, pk, s->n_flows);
    set_sorted(q, NG_Q_FLOW_BYTES, by, s->n_flows);
    set_sorted(q, NG_Q_FLOW_DURATION, du, s->n_flows);
    return true;
}

static bool build_throughput(const ng_capture_summary *s, ng_quantities *q)
{
    if (s->n_pkts == 0) {
        q->bin_s = 1.0;
        return true;
    }
    double span_s = (double)(s->last_ns - s->first_ns) * 1e-9;
    q->bin_s = span_s < MAX_TPUT_BINS ? 1.0 : ceil(span_s / MAX_TPUT_BINS);
    int64_t bin_ns = (int64_t)(q->bin_s * 1e9);
    q->n_bins = (size_t)((s->last_ns - s->first_ns) / bin_ns) + 1;
    q->tput_bytes = calloc(q->n_bins, sizeof(double));
    q->tput_packets = calloc(q->n_bins, sizeof(double));
    double *sb = alloc_doubles(q->n_bins), *sp = alloc_doubles(q->n_bins);
    if (!q->tput_bytes || !q->tput_packets || !sb || !sp) {
        free(sb), free(sp);
        return false;
    }
    for (size_t i = 0; i < s->n_pkts; i++) {
        size_t b = (size_t)((s->pkts[i].ts_ns - s->first_ns) / bin_ns);
        q->tput_bytes[b] += s->pkts[i].wirelen / q->bin_s;
        q->tput_packets[b] += 1.0 / q->bin_s;
    }
    memcpy(sb, q->tput_bytes, q->n_bins * sizeof *sb);
    memcpy(sp, q->tput_packets, q->n_bins * sizeof *sp);
    set_sorted(q, NG_Q_TPUT_BYTES, sb, q->n_bins);
    set_sorted(q, NG_Q_TPUT_PACKETS, sp, q->n_bins);
    return true;
}

/* ---- categorical ---- */

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

/* Sort the values in place and run-length them into dist. */
static bool dist_from_values(uint64_t *v, size_t n, ng_cat_dist *dist)
{
    qsort(v, n, sizeof *v, cmp_u64);
    dist->keys = malloc((n ? n : 1) * sizeof *dist->keys);
    dist->counts = malloc((n ? n : 1) * sizeof *dist->counts);
    if (!dist->keys || !dist->counts)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (dist->k == 0 || dist->keys[dist->k - 1] != v[i]) {
            dist->keys[dist->k] = v[i];
            dist->counts[dist->k++] = 0.0;
        }
        dist->counts[dist->k - 1] += 1.0;
    }
    dist->total = (double)n;
    return true;
}

/* Compress a dense count table (index = value) into a dist. */
static bool dist_from_table(const double *table, size_t size, ng_cat_dist *dist)
{
    size_t k = 0;
    for (size_t v = 0; v < size; v++)
        k += table[v] > 0;
    dist->keys = malloc((k ? k : 1) * sizeof *dist->keys);
    dist->counts = malloc((k ? k : 1) * sizeof *dist->counts);
    if (!dist->keys || !dist->counts)
        return false;
    for (size_t v = 0; v < size; v++) {
        if (table[v] > 0) {
            dist->keys[dist->k] = v;
            dist->counts[dist->k++] = table[v];
            dist->total += table[v];
        }
    }
    return true;
}

/* Per-packet categories are small integers: count them in dense tables, no sorting. */
static bool build_packet_categories(const ng_capture_summary *s, ng_quantities *q)
{
    enum { PORTS = 65536 };
    double *proto = calloc(256, sizeof *proto), *flags = calloc(256, sizeof *flags);
    double *sport = calloc(PORTS, sizeof *sport), *dport = calloc(PORTS, sizeof *dport);
    bool ok = proto && flags && sport && dport;
    for (size_t i = 0; ok && i < s->n_pkts; i++) {
        const ng_pkt_rec *p = &s->pkts[i];
        if (p->flow == NG_NO_FLOW)
            continue;
        proto[p->ip_proto] += 1.0;
        if (p->ip_proto == 6)
            flags[p->tcp_flags] += 1.0;
        if (p->ip_proto == 6 || p->ip_proto == 17) {
            sport[p->sport] += 1.0;
            dport[p->dport] += 1.0;
        }
    }
    ok = ok && dist_from_table(proto, 256, &q->cat[NG_Q_IP_PROTO])
         && dist_from_table(flags, 256, &q->cat[NG_Q_TCP_FLAGS])
         && dist_from_table(sport, PORTS, &q->cat[NG_Q_SRC_PORT])
         && dist_from_table(dport, PORTS, &q->cat[NG_Q_DST_PORT]);
    free(proto), free(flags), free(sport), free(dport);
    return ok;
}

static bool build_flow_categories(const ng_capture_summary *s, ng_quantities *q)
{
    uint64_t *v = malloc((s->n_flows + 1) * sizeof *v);
    if (!v)
        return false;
    size_t n = 0;
    for (size_t f = 0; f < s->n_flows; f++)
        if (s->flows[f].proto == 6 || s->flows[f].proto == 17)
            v[n++] = s->flows[f].server_port;
    bool ok = dist_from_values(v, n, &q->cat[NG_Q_SERVER_PORT]);
    free(v);
    return ok;
}

static bool dist_from_counts(const double *counts, size_t n, bool rank_keys, ng_cat_dist *d)
{
    d->keys = malloc((n ? n : 1) * sizeof *d->keys);
    d->counts = malloc((n ? n : 1) * sizeof *d->counts);
    if (!d->keys || !d->counts)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!rank_keys && counts[i] == 0.0)
            continue;
        d->keys[d->k] = rank_keys ? i + 1 : i;
        d->counts[d->k++] = counts[i];
        d->total += counts[i];
    }
    return true;
}

static void build_structure(const ng_capture_summary *s, ng_quantities *q)
{
    for (size_t f = 0; f < s->n_flows; f++) {
        const ng_flow_rec *fl = &s->flows[f];
        if (fl->proto != 6)
            continue;
        for (int i = NG_S_SYN_START; i <= NG_S_FIN_RST_END; i++)
            q->structure[i].den += 1.0;
        q->structure[NG_S_SYN_START].num += fl->syn_start;
        q->structure[NG_S_HANDSHAKE].num += fl->handshake;
        q->structure[NG_S_FIN_RST_END].num += fl->fin_rst_end;
    }
    q->structure[NG_S_SEQACK_OK] = (ng_share){(double)s->seqack.consistent,
                                              (double)s->seqack.checked};
    for (int k = 0; k < NG_CSUM_KINDS; k++) {
        q->structure[NG_S_CHECKSUM_OK].num += (double)s->csum.valid[k];
        q->structure[NG_S_CHECKSUM_OK].den += (double)s->csum.checked[k];
    }
}

ng_status ng_quantities_build(const ng_capture_summary *s, ng_quantities *q, ng_error *err)
{
    memset(q, 0, sizeof *q);
    bool ok = build_packet_samples(s, q) && build_flow_samples(s, q) && build_throughput(s, q)
              && build_packet_categories(s, q) && build_flow_categories(s, q)
              && dist_from_counts(s->host_freq, s->n_hosts, true, &q->cat[NG_Q_HOST_RANK])
              && dist_from_counts(s->ngrams, NG_NGRAM_COUNT, false, &q->cat[NG_Q_NGRAM]);
    if (!ok) {
        ng_quantities_free(q);
        return ng_fail(err, NG_ENOMEM, "%s: out of memory computing quantities (%zu packets)",
                       s->label, s->n_pkts);
    }
    build_structure(s, q);
    return NG_OK;
}
