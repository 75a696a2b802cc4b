/* capture_summary.c — a capture read once into time-sorted packet records, 5-tuple flows
 * without timeout, host counts, 3-grams, checksum and seq/ack tallies. */
#include "report/capture_summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/reader.h"
#include "core/progress.h"

typedef struct flow_key {
    uint8_t proto, family;
    uint16_t port_lo, port_hi;
    uint8_t addr_lo[16], addr_hi[16];
} flow_key;

typedef struct host_key {
    uint8_t family;
    uint8_t bytes[16];
} host_key;

ng_status ng_summary_init(ng_capture_summary *s, const char *label, ng_error *err)
{
    memset(s, 0, sizeof *s);
    s->label = strdup(label ? label : "");
    if (!s->label)
        return ng_fail(err, NG_ENOMEM, "%s: out of memory", label);
    ng_hashmap_init(&s->flow_index, sizeof(flow_key), sizeof(uint32_t));
    ng_hashmap_init(&s->host_count, sizeof(host_key), sizeof(uint64_t));
    return NG_OK;
}

void ng_summary_free(ng_capture_summary *s)
{
    free(s->label);
    free(s->pkts);
    free(s->flows);
    free(s->flow_iat);
    free(s->host_freq);
    ng_hashmap_free(&s->flow_index);
    ng_hashmap_free(&s->host_count);
    memset(s, 0, sizeof *s);
}

static ng_status grow_packets(ng_capture_summary *s, ng_error *err)
{
    size_t cap = s->cap_pkts ? s->cap_pkts * 2 : 4096;
    ng_pkt_rec *p = realloc(s->pkts, cap * sizeof *p);
    if (!p)
        return ng_fail(err, NG_ENOMEM, "%s: out of memory at packet %zu", s->label,
                       s->n_pkts + 1);
    s->pkts = p;
    s->cap_pkts = cap;
    return NG_OK;
}

static bool has_ports(uint8_t proto)
{
    return proto == 6 || proto == 17;
}

/* Build the canonical key; returns whether the source is the lower endpoint. */
static bool make_flow_key(const ng_packet *pkt, flow_key *key)
{
    memset(key, 0, sizeof *key);
    uint16_t sport = has_ports(pkt->ip_proto) ? pkt->sport : 0;
    uint16_t dport = has_ports(pkt->ip_proto) ? pkt->dport : 0;
    int cmp = memcmp(pkt->src.bytes, pkt->dst.bytes, 16);
    bool src_lo = cmp < 0 || (cmp == 0 && sport <= dport);
    key->proto = pkt->ip_proto;
    key->family = pkt->ip_version;
    memcpy(key->addr_lo, src_lo ? pkt->src.bytes : pkt->dst.bytes, 16);
    memcpy(key->addr_hi, src_lo ? pkt->dst.bytes : pkt->src.bytes, 16);
    key->port_lo = src_lo ? sport : dport;
    key->port_hi = src_lo ? dport : sport;
    return src_lo;
}

static ng_status new_flow(ng_capture_summary *s, const flow_key *key, ng_error *err)
{
    if ((s->n_flows & (s->n_flows - 1)) == 0) { /* grow at powers of two */
        size_t cap = s->n_flows ? s->n_flows * 2 : 256;
        ng_flow_rec *f = realloc(s->flows, cap * sizeof *f);
        if (!f)
            return ng_fail(err, NG_ENOMEM, "%s: out of memory for flow %zu", s->label,
                           s->n_flows + 1);
        s->flows = f;
    }
    ng_flow_rec *f = &s->flows[s->n_flows++];
    memset(f, 0, sizeof *f);
    f->proto = key->proto;
    f->server_port = key->port_lo < key->port_hi ? key->port_lo : key->port_hi;
    return NG_OK;
}

static ng_status assign_flow(ng_capture_summary *s, const ng_packet *pkt, ng_pkt_rec *rec,
                             ng_error *err)
{
    flow_key key;
    rec->src_is_lo = make_flow_key(pkt, &key);
    bool inserted;
    uint32_t *idx = ng_hashmap_put(&s->flow_index, &key, &inserted);
    if (!idx)
        return ng_fail(err, NG_ENOMEM, "%s: out of memory in the flow table", s->label);
    if (inserted) {
        *idx = (uint32_t)s->n_flows;
        ng_status st = new_flow(s, &key, err);
        if (st != NG_OK)
            return st;
    }
    rec->flow = *idx;
    return NG_OK;
}

static ng_status count_host(ng_capture_summary *s, const ng_addr *addr, ng_error *err)
{
    host_key key;
    memset(&key, 0, sizeof key);
    key.family = addr->family;
    memcpy(key.bytes, addr->bytes, 16);
    uint64_t *count = ng_hashmap_put(&s->host_count, &key, NULL);
    if (!count)
        return ng_fail(err, NG_ENOMEM, "%s: out of memory in the host table", s->label);
    (*count)++;
    return NG_OK;
}

ng_status ng_summary_add(ng_capture_summary *s, const ng_packet *pkt, const uint8_t *data,
                         ng_error *err)
{
    ng_status st;
    if (s->n_pkts == s->cap_pkts && (st = grow_packets(s, err)) != NG_OK)
        return st;
    ng_pkt_rec *rec = &s->pkts[s->n_pkts];
    memset(rec, 0, sizeof *rec);
    rec->ts_ns = pkt->ts_ns;
    rec->wirelen = pkt->wirelen;
    rec->flow = NG_NO_FLOW;
    if (s->n_pkts && pkt->ts_ns < s->pkts[s->n_pkts - 1].ts_ns)
        s->out_of_order++;
    s->n_pkts++;
    s->total_bytes += pkt->wirelen;
    s->truncated += pkt->caplen < pkt->wirelen;
    if (pkt->ip_version != 4 && pkt->ip_version != 6) {
        s->non_ip_packets++;
        return NG_OK;
    }
    rec->ip_version = pkt->ip_version;
    rec->ip_proto = pkt->ip_proto;
    rec->payload_len = pkt->payload_len;
    if (has_ports(pkt->ip_proto)) {
        rec->sport = pkt->sport;
        rec->dport = pkt->dport;
    }
    if (pkt->ip_proto == 6) {
        rec->tcp_flags = pkt->tcp_flags;
        rec->seq = pkt->seq;
        rec->ack = pkt->ack;
    }
    ng_checksum_count(pkt, data, &s->csum);
    if ((st = assign_flow(s, pkt, rec, err)) != NG_OK || (st = count_host(s, &pkt->src, err))
        || (st = count_host(s, &pkt->dst, err)))
        return st;
    return NG_OK;
}

/* ---- finish: time order, then one walk over the packets ---- */

typedef struct order_key {
    int64_t ts_ns;
    size_t idx;
} order_key;

static int cmp_order(const void *pa, const void *pb)
{
    const order_key *a = pa, *b = pb;
    if (a->ts_ns != b->ts_ns)
        return a->ts_ns < b->ts_ns ? -1 : 1;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

static ng_status sort_by_time(ng_capture_summary *s, ng_error *err)
{
    if (s->out_of_order == 0)
        return NG_OK;
    order_key *keys = malloc(s->n_pkts * sizeof *keys);
    ng_pkt_rec *sorted = malloc(s->n_pkts * sizeof *sorted);
    if (!keys || !sorted) {
        free(keys), free(sorted);
        return ng_fail(err, NG_ENOMEM, "%s: out of memory sorting %zu packets", s->label,
                       s->n_pkts);
    }
    for (size_t i = 0; i < s->n_pkts; i++)
        keys[i] = (order_key){s->pkts[i].ts_ns, i};
    qsort(keys, s->n_pkts, sizeof *keys, cmp_order);
    for (size_t i = 0; i < s->n_pkts; i++)
        sorted[i] = s->pkts[keys[i].idx];
    free(keys);
    free(s->pkts);
    s->pkts = sorted;
    s->cap_pkts = s->n_pkts;
    return NG_OK;
}

typedef struct flow_walk {
    int64_t prev_ns;
    uint8_t initiator_is_lo;
    uint8_t first_flags[3], first_dir[3];
    uint8_t last_flags[3];
    uint8_t sym[2];             /* the two previous 3-gram symbols */
    ng_seqack_state seqack;
} flow_walk;

static unsigned size_bucket(uint32_t frame_len)
{
    return frame_len <= 100 ? 0 : frame_len <= 500 ? 1 : frame_len <= 1000 ? 2 : 3;
}

static void walk_packet(ng_capture_summary *s, flow_walk *w, const ng_pkt_rec *p)
{
    ng_flow_rec *f = &s->flows[p->flow];
    uint64_t k = f->packets;
    if (k == 0) {
        w->initiator_is_lo = p->src_is_lo;
        f->first_ns = p->ts_ns;
    } else {
        s->flow_iat[s->n_flow_iat++] = (double)(p->ts_ns - w->prev_ns) * 1e-9;
    }
    int dir = p->src_is_lo != w->initiator_is_lo;
    unsigned sym = (unsigned)dir * 4 + size_bucket(p->wirelen);
    if (k >= 2)
        s->ngrams[w->sym[0] * 64 + w->sym[1] * 8 + sym] += 1.0;
    w->sym[0] = w->sym[1];
    w->sym[1] = (uint8_t)sym;
    if (k < 3) {
        w->first_flags[k] = p->tcp_flags;
        w->first_dir[k] = (uint8_t)dir;
    }
    w->last_flags[k % 3] = p->tcp_flags;
    w->prev_ns = p->ts_ns;
    f->last_ns = p->ts_ns;
    f->packets++;
    f->bytes += p->wirelen;
    if (p->ip_proto == 6)
        ng_seqack_update(&w->seqack, dir, p->tcp_flags, p->seq, p->ack, p->payload_len,
                         &s->seqack);
}

static void close_tcp_flow(ng_flow_rec *f, const flow_walk *w)
{
    const uint8_t *fl = w->first_flags, *d = w->first_dir;
    f->syn_start = (fl[0] & NG_TCP_SYN) && !(fl[0] & NG_TCP_ACK);
    f->handshake = f->packets >= 3 && f->syn_start && d[1] == 1 && (fl[1] & NG_TCP_SYN)
                   && (fl[1] & NG_TCP_ACK) && d[2] == 0 && (fl[2] & NG_TCP_ACK)
                   && !(fl[2] & (NG_TCP_SYN | NG_TCP_RST));
    uint64_t last = f->packets < 3 ? f->packets : 3;
    for (uint64_t i = 0; i < last; i++)
        if (w->last_flags[(f->packets - 1 - i) % 3] & (NG_TCP_FIN | NG_TCP_RST))
            f->fin_rst_end = true;
}

static int cmp_desc(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a < b) - (a > b);
}

static ng_status collect_hosts(ng_capture_summary *s, ng_error *err)
{
    s->host_freq = malloc((s->host_count.count + 1) * sizeof *s->host_freq);
    if (!s->host_freq)
        return ng_fail(err, NG_ENOMEM, "%s: out of memory for %zu hosts", s->label,
                       s->host_count.count);
    size_t pos = 0;
    const void *key;
    void *val;
    while (ng_hashmap_next(&s->host_count, &pos, &key, &val))
        s->host_freq[s->n_hosts++] = (double)*(const uint64_t *)val;
    qsort(s->host_freq, s->n_hosts, sizeof *s->host_freq, cmp_desc);
    return NG_OK;
}

ng_status ng_summary_finish(ng_capture_summary *s, ng_error *err)
{
    ng_status st = sort_by_time(s, err);
    if (st != NG_OK)
        return st;
    if (s->n_pkts) {
        s->first_ns = s->pkts[0].ts_ns;
        s->last_ns = s->pkts[s->n_pkts - 1].ts_ns;
    }
    flow_walk *walk = calloc(s->n_flows + 1, sizeof *walk);
    s->flow_iat = malloc((s->n_pkts + 1) * sizeof *s->flow_iat);
    if (!walk || !s->flow_iat) {
        free(walk);
        return ng_fail(err, NG_ENOMEM, "%s: out of memory for %zu flows", s->label,
                       s->n_flows);
    }
    for (size_t i = 0; i < s->n_pkts; i++)
        if (s->pkts[i].flow != NG_NO_FLOW)
            walk_packet(s, &walk[s->pkts[i].flow], &s->pkts[i]);
    for (size_t f = 0; f < s->n_flows; f++)
        if (s->flows[f].proto == 6)
            close_tcp_flow(&s->flows[f], &walk[f]);
    free(walk);
    ng_hashmap_free(&s->flow_index);
    ng_hashmap_init(&s->flow_index, sizeof(flow_key), sizeof(uint32_t));
    if ((st = collect_hosts(s, err)) != NG_OK)
        return st;
    s->finished = true;
    return NG_OK;
}

ng_status ng_summary_read(ng_capture_summary *s, const char *path, bool progress,
                          ng_error *err)
{
    ng_status st = ng_summary_init(s, path, err);
    if (st != NG_OK)
        return st;
    ng_reader *r;
    if ((st = ng_reader_open(&r, path, err)) != NG_OK)
        return st;
    ng_progress bar;
    ng_progress_start(&bar, "reading", "B", ng_reader_file_size(r));
    bar.enabled = bar.enabled && progress;
    for (;;) {
        ng_packet pkt;
        const uint8_t *data;
        bool got;
        if ((st = ng_reader_next(r, &pkt, &data, &got, err)) != NG_OK || !got)
            break;
        if ((st = ng_summary_add(s, &pkt, data, err)) != NG_OK)
            break;
        if (bar.enabled)
            ng_progress_update(&bar, ng_reader_get_stats(r)->bytes_read);
    }
    ng_progress_finish(&bar);
    ng_reader_close(r);
    return st != NG_OK ? st : ng_summary_finish(s, err);
}

size_t ng_summary_tcp_flows(const ng_capture_summary *s)
{
    size_t n = 0;
    for (size_t f = 0; f < s->n_flows; f++)
        n += s->flows[f].proto == 6;
    return n;
}

void ng_ngram_label(unsigned gram, char *buf, size_t len)
{
    static const char size_letter[4] = {'S', 'M', 'L', 'X'};
    unsigned sym[3] = {gram / 64 % 8, gram / 8 % 8, gram % 8};
    snprintf(buf, len, "%u%c %u%c %u%c", sym[0] / 4, size_letter[sym[0] % 4], sym[1] / 4,
             size_letter[sym[1] % 4], sym[2] / 4, size_letter[sym[2] % 4]);
}
