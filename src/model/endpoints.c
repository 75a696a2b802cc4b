/* endpoints.c — learning and sampling hosts, ports and no-flow device pairs (endpoints.h). */
#include "model/endpoints.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hashmap.h"
#include "model/aggregate_json.h"

#define MAX_STEP 1024

typedef struct host_key {
    ng_addr addr;
    uint8_t mac[6]; /* only for non-IP stations */
} host_key;

typedef struct class_tallies {
    ng_tally protos, servers, clients, pairs, server_ports, client_ports, streams;
} class_tallies;

/* ---- stream templates packed into one value ---- */

static uint64_t stream_pack(uint32_t client, uint32_t server, uint16_t ethertype, uint8_t proto)
{
    return (uint64_t)client << 44 | (uint64_t)server << 24 | (uint64_t)ethertype << 8 | proto;
}

static void stream_unpack(uint64_t v, uint32_t *client, uint32_t *server, uint16_t *ethertype,
                          uint8_t *proto)
{
    *client = (uint32_t)(v >> 44);
    *server = (uint32_t)(v >> 24) & (NG_ENDPOINT_MAX_HOSTS - 1);
    *ethertype = (uint16_t)(v >> 8);
    *proto = (uint8_t)v;
}

/* ---- training ---- */

typedef struct trainer {
    ng_endpoints *e;
    ng_hashmap index; /* host_key -> uint32 */
    size_t cap;
    uint32_t *flow_client, *flow_server;
    class_tallies t[NG_APP_COUNT];
    ng_tally steps, ttls;
} trainer;

static ng_status host_of(trainer *tr, const ng_addr *addr, const uint8_t *mac, bool has_mac,
                         uint32_t *out, ng_error *err)
{
    host_key k;
    memset(&k, 0, sizeof k);
    k.addr = *addr;
    if (addr->family == 0 && has_mac)
        memcpy(k.mac, mac, 6);
    bool inserted;
    uint32_t *idx = ng_hashmap_put(&tr->index, &k, &inserted);
    if (!idx)
        return ng_fail(err, NG_ENOMEM, "aggregate level: out of memory for hosts");
    ng_endpoints *e = tr->e;
    if (inserted) {
        if (e->n_hosts >= NG_ENDPOINT_MAX_HOSTS)
            return ng_fail(err, NG_EUNSUPPORTED, "aggregate level: more than %u hosts",
                           NG_ENDPOINT_MAX_HOSTS);
        if (e->n_hosts == tr->cap) {
            size_t cap = tr->cap ? 2 * tr->cap : 64;
            ng_host *h = realloc(e->hosts, cap * sizeof *h);
            if (!h)
                return ng_fail(err, NG_ENOMEM, "aggregate level: out of memory for hosts");
            e->hosts = h;
            tr->cap = cap;
        }
        *idx = (uint32_t)e->n_hosts;
        memset(&e->hosts[e->n_hosts], 0, sizeof e->hosts[0]);
        e->hosts[e->n_hosts++].addr = *addr;
    }
    ng_host *h = &e->hosts[*idx];
    if (has_mac && !h->has_mac) {
        memcpy(h->mac, mac, 6);
        h->has_mac = true;
    }
    *out = *idx;
    return NG_OK;
}

static ng_status count_flow(trainer *tr, const ng_flow *f, uint32_t c, uint32_t s,
                            uint16_t *last_port, ng_error *err)
{
    class_tallies *t = &tr->t[f->app_class < NG_APP_COUNT ? f->app_class : NG_APP_NOFLOW];
    if (f->is_noflow)
        return ng_tally_add(&t->streams, stream_pack(c, s, f->ethertype, f->ip_proto), 1, err);
    ng_status st = ng_tally_add(&t->protos, f->ip_proto, 1, err);
    if (!st)
        st = ng_tally_add(&t->servers, s, 1, err);
    if (!st)
        st = ng_tally_add(&t->clients, c, 1, err);
    if (!st)
        st = ng_tally_add(&t->pairs, (uint64_t)c << 20 | s, 1, err);
    if (!st)
        st = ng_tally_add(&t->server_ports, f->server_port, 1, err);
    if (!st && f->client_port < 1024)
        return ng_tally_add(&t->client_ports, f->client_port, 1, err);
    ng_endpoints *e = tr->e;
    if (e->eph_hi == 0 || f->client_port < e->eph_lo)
        e->eph_lo = f->client_port;
    if (f->client_port > e->eph_hi)
        e->eph_hi = f->client_port;
    if (!st && last_port[c] && f->client_port > last_port[c] &&
        f->client_port - last_port[c] <= MAX_STEP)
        st = ng_tally_add(&tr->steps, (uint64_t)(f->client_port - last_port[c]), 1, err);
    last_port[c] = f->client_port;
    return st;
}

static ng_status count_ttls(trainer *tr, const ng_dataset *ds, ng_error *err)
{
    for (size_t i = 0; i < ds->n_flows; i++) {
        size_t n;
        const ng_packet_row *p = ng_dataset_flow_packets(ds, i, &n);
        for (size_t j = 0; j < n; j++) {
            if (!p[j].ttl)
                continue;
            uint32_t h = p[j].direction == NG_DIR_C2S ? tr->flow_client[i] : tr->flow_server[i];
            ng_status st = ng_tally_add(&tr->ttls, (uint64_t)h << 8 | p[j].ttl, 1, err);
            if (st)
                return st;
        }
    }
    return NG_OK;
}

static ng_status assign_host_ttls(trainer *tr, ng_error *err)
{
    ng_top top;
    ng_status st = ng_tally_top(&tr->ttls, 0, &top, err);
    if (st)
        return st;
    for (size_t i = 0; i < top.n; i++) { /* most frequent first: the first hit is the mode */
        ng_host *h = &tr->e->hosts[top.values[i] >> 8];
        if (!h->ttl)
            h->ttl = (uint8_t)top.values[i];
    }
    ng_top_free(&top);
    return NG_OK;
}

static bool port_kept(const ng_top *ports, uint16_t port)
{
    for (size_t k = 0; k < ports->n; k++)
        if (ports->values[k] == port)
            return true;
    return false;
}

/* One pass: the range of the server ports each class did not keep. */
static void other_port_ranges(ng_endpoints *e, const ng_dataset *ds, const bool *skip)
{
    bool any[NG_APP_COUNT] = {false};
    for (size_t i = 0; i < ds->n_flows; i++) {
        const ng_flow *f = &ds->flows[i];
        if (f->is_noflow || f->app_class >= NG_APP_COUNT || (skip && skip[i]))
            continue;
        ng_class_endpoints *c = &e->cls[f->app_class];
        if (port_kept(&c->server_ports, f->server_port))
            continue;
        if (!any[f->app_class] || f->server_port < c->other_port_lo)
            c->other_port_lo = f->server_port;
        if (!any[f->app_class] || f->server_port > c->other_port_hi)
            c->other_port_hi = f->server_port;
        any[f->app_class] = true;
    }
}

static ng_status build_class(trainer *tr, uint8_t cls, ng_error *err)
{
    class_tallies *t = &tr->t[cls];
    ng_class_endpoints *c = &tr->e->cls[cls];
    ng_status st = ng_tally_top(&t->protos, 0, &c->protos, err);
    if (!st)
        st = ng_tally_top(&t->servers, 0, &c->servers, err);
    if (!st)
        st = ng_tally_top(&t->clients, 0, &c->clients, err);
    if (!st)
        st = ng_tally_top(&t->pairs, 0, &c->pairs, err);
    if (!st)
        st = ng_tally_top(&t->server_ports, NG_ENDPOINT_TOP_PORTS, &c->server_ports, err);
    if (!st)
        st = ng_tally_top(&t->client_ports, NG_ENDPOINT_TOP_PORTS, &c->client_ports, err);
    if (!st)
        st = ng_tally_top(&t->streams, 0, &c->streams, err);
    return st;
}

static ng_status count_flows(trainer *tr, const ng_dataset *ds, const bool *skip, ng_error *err)
{
    uint16_t *last_port = NULL;
    ng_status st = NG_OK;
    for (size_t i = 0; st == NG_OK && i < ds->n_flows; i++) {
        const ng_flow *f = &ds->flows[i];
        st = host_of(tr, &f->client, f->client_mac, f->has_mac, &tr->flow_client[i], err);
        if (!st)
            st = host_of(tr, &f->server, f->server_mac, f->has_mac, &tr->flow_server[i], err);
        uint16_t *grown = st ? NULL : realloc(last_port, tr->cap * sizeof *last_port);
        if (!st && !grown)
            st = ng_fail(err, NG_ENOMEM, "aggregate level: out of memory for client ports");
        if (st)
            break;
        if (!last_port)
            memset(grown, 0, tr->cap * sizeof *grown);
        last_port = grown;
        if (!skip || !skip[i])
            st = count_flow(tr, f, tr->flow_client[i], tr->flow_server[i], last_port, err);
    }
    free(last_port);
    return st;
}

static void trainer_free(trainer *tr)
{
    ng_hashmap_free(&tr->index);
    free(tr->flow_client);
    free(tr->flow_server);
    for (size_t c = 0; c < NG_APP_COUNT; c++) {
        class_tallies *t = &tr->t[c];
        ng_tally_free(&t->protos);
        ng_tally_free(&t->servers);
        ng_tally_free(&t->clients);
        ng_tally_free(&t->pairs);
        ng_tally_free(&t->server_ports);
        ng_tally_free(&t->client_ports);
        ng_tally_free(&t->streams);
    }
    ng_tally_free(&tr->steps);
    ng_tally_free(&tr->ttls);
}

static void trainer_init(trainer *tr, ng_endpoints *e)
{
    memset(tr, 0, sizeof *tr);
    tr->e = e;
    ng_hashmap_init(&tr->index, sizeof(host_key), sizeof(uint32_t));
    for (size_t c = 0; c < NG_APP_COUNT; c++) {
        class_tallies *t = &tr->t[c];
        ng_tally_init(&t->protos);
        ng_tally_init(&t->servers);
        ng_tally_init(&t->clients);
        ng_tally_init(&t->pairs);
        ng_tally_init(&t->server_ports);
        ng_tally_init(&t->client_ports);
        ng_tally_init(&t->streams);
    }
    ng_tally_init(&tr->steps);
    ng_tally_init(&tr->ttls);
}

static ng_status finish(trainer *tr, const ng_dataset *ds, const bool *skip, ng_error *err)
{
    ng_top steps;
    ng_status st = ng_tally_top(&tr->steps, 1, &steps, err);
    if (st)
        return st;
    tr->e->eph_step = (uint16_t)ng_top_mode(&steps, 1);
    ng_top_free(&steps);
    if (tr->e->eph_hi == 0) {
        tr->e->eph_lo = 49152;
        tr->e->eph_hi = 65535;
    }
    for (uint8_t cls = 0; st == NG_OK && cls < NG_APP_COUNT; cls++)
        st = build_class(tr, cls, err);
    if (!st)
        other_port_ranges(tr->e, ds, skip);
    return st;
}

ng_status ng_endpoints_train(ng_endpoints *e, const ng_dataset *ds, const bool *skip,
                             ng_error *err)
{
    memset(e, 0, sizeof *e);
    trainer tr;
    trainer_init(&tr, e);
    size_t n = ds->n_flows ? ds->n_flows : 1;
    tr.flow_client = calloc(n, sizeof *tr.flow_client);
    tr.flow_server = calloc(n, sizeof *tr.flow_server);
    ng_status st = tr.flow_client && tr.flow_server
                       ? NG_OK
                       : ng_fail(err, NG_ENOMEM, "aggregate level: out of memory for hosts");
    if (!st)
        st = count_flows(&tr, ds, skip, err);
    if (!st)
        st = count_ttls(&tr, ds, err);
    if (!st)
        st = assign_host_ttls(&tr, err);
    if (!st)
        st = finish(&tr, ds, skip, err);
    trainer_free(&tr);
    if (st)
        ng_endpoints_free(e);
    return st;
}

void ng_endpoints_free(ng_endpoints *e)
{
    free(e->hosts);
    for (size_t c = 0; c < NG_APP_COUNT; c++) {
        ng_class_endpoints *k = &e->cls[c];
        ng_top_free(&k->protos);
        ng_top_free(&k->servers);
        ng_top_free(&k->clients);
        ng_top_free(&k->pairs);
        ng_top_free(&k->server_ports);
        ng_top_free(&k->client_ports);
        ng_top_free(&k->streams);
    }
    memset(e, 0, sizeof *e);
}

bool ng_endpoints_find_host(const ng_endpoints *e, const ng_addr *addr, const uint8_t *mac,
                            bool has_mac, uint32_t *out)
{
    for (size_t i = 0; i < e->n_hosts; i++) {
        const ng_host *h = &e->hosts[i];
        bool same = addr->family ? !memcmp(&h->addr, addr, sizeof *addr)
                  : h->addr.family == 0 && h->has_mac == has_mac &&
                        (!has_mac || !memcmp(h->mac, mac, 6));
        if (same) {
            *out = (uint32_t)i;
            return true;
        }
    }
    return false;
}

/* ---- sampling ---- */

bool ng_endpoints_class_ready(const ng_endpoints *e, uint8_t cls)
{
    const ng_class_endpoints *c = &e->cls[cls];
    return c->streams.n > 0 || (c->protos.n > 0 && c->pairs.n > 0);
}

static void copy_host(const ng_host *h, ng_addr *addr, uint8_t *mac)
{
    *addr = h->addr;
    if (h->has_mac)
        memcpy(mac, h->mac, 6);
    else
        memset(mac, 0, 6);
}

static void sample_stream(const ng_endpoints *e, const ng_class_endpoints *c, ng_rng *rng,
                          ng_flow_plan *plan)
{
    uint32_t client, server;
    uint16_t ethertype;
    uint8_t proto;
    stream_unpack(ng_top_sample_value(&c->streams, rng, 0), &client, &server, &ethertype, &proto);
    copy_host(&e->hosts[client], &plan->client, plan->client_mac);
    copy_host(&e->hosts[server], &plan->server, plan->server_mac);
    plan->is_noflow = true;
    plan->ethertype = ethertype;
    plan->ip_proto = proto;
    plan->ip_version = plan->client.family;
    plan->client_ttl = e->hosts[client].ttl;
    plan->server_ttl = e->hosts[server].ttl;
}

static uint16_t server_port(const ng_class_endpoints *c, ng_rng *rng)
{
    size_t i = ng_top_sample(&c->server_ports, rng);
    if (i < c->server_ports.n)
        return (uint16_t)c->server_ports.values[i];
    uint32_t span = (uint32_t)c->other_port_hi - c->other_port_lo + 1;
    return (uint16_t)(c->other_port_lo + ng_rng_below(rng, span));
}

static uint16_t client_port(const ng_endpoints *e, const ng_class_endpoints *c, uint32_t client,
                            ng_rng *rng, uint16_t *port_state)
{
    size_t i = ng_top_sample(&c->client_ports, rng);
    if (i < c->client_ports.n)
        return (uint16_t)c->client_ports.values[i];
    uint32_t span = (uint32_t)e->eph_hi - e->eph_lo + 1;
    uint32_t next = port_state[client]
                        ? (uint32_t)port_state[client] + e->eph_step
                        : e->eph_lo + (uint32_t)ng_rng_below(rng, span);
    if (next > e->eph_hi || next < e->eph_lo)
        next = e->eph_lo + (next - e->eph_lo) % span;
    port_state[client] = (uint16_t)next;
    return (uint16_t)next;
}

void ng_endpoints_sample(const ng_endpoints *e, uint8_t cls, ng_rng *rng, uint16_t *port_state,
                         ng_flow_plan *plan)
{
    const ng_class_endpoints *c = &e->cls[cls];
    uint64_t n_streams = ng_top_total(&c->streams), n_ip = ng_top_total(&c->protos);
    if (c->streams.n && (!n_ip || ng_rng_below(rng, n_streams + n_ip) < n_streams)) {
        sample_stream(e, c, rng, plan);
        return;
    }
    uint64_t pair = ng_top_sample_value(&c->pairs, rng, 0);
    uint32_t client = (uint32_t)(pair >> 20), server = (uint32_t)pair & (NG_ENDPOINT_MAX_HOSTS - 1);
    copy_host(&e->hosts[client], &plan->client, plan->client_mac);
    copy_host(&e->hosts[server], &plan->server, plan->server_mac);
    plan->is_noflow = false;
    plan->ip_proto = (uint8_t)ng_top_sample_value(&c->protos, rng, 6);
    plan->ip_version = plan->server.family;
    plan->ethertype = plan->ip_version == 6 ? 0x86DD : 0x0800;
    plan->server_port = server_port(c, rng);
    plan->client_port = client_port(e, c, client, rng, port_state);
    plan->client_ttl = e->hosts[client].ttl;
    plan->server_ttl = e->hosts[server].ttl;
}

/* ---- JSON ---- */

static void hex(char *out, const uint8_t *bytes, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = 0;
}

static bool unhex(const char *s, uint8_t *bytes, size_t n)
{
    if (!s || strlen(s) != 2 * n)
        return false;
    for (size_t i = 0; i < 2 * n; i++) {
        char ch = s[i];
        int v = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
        if (v < 0)
            return false;
        bytes[i / 2] = (uint8_t)(i % 2 ? bytes[i / 2] | v : v << 4);
    }
    return true;
}

static size_t addr_len(uint8_t family) { return family == 4 ? 4 : family == 6 ? 16 : 0; }

static json_t *host_json(const ng_host *h)
{
    char addr[33], mac[13];
    hex(addr, h->addr.bytes, addr_len(h->addr.family));
    hex(mac, h->mac, h->has_mac ? 6 : 0);
    return json_pack("{s:i, s:s, s:s, s:i}", "family", h->addr.family, "addr", addr, "mac", mac,
                     "ttl", h->ttl);
}

json_t *ng_endpoints_to_json(const ng_endpoints *e)
{
    json_t *hosts = json_array();
    for (size_t i = 0; i < e->n_hosts; i++)
        json_array_append_new(hosts, host_json(&e->hosts[i]));
    return json_pack("{s:o, s:{s:i, s:i, s:i}}", "hosts", hosts, "ephemeral", "lo", e->eph_lo,
                     "hi", e->eph_hi, "step", e->eph_step);
}

json_t *ng_endpoints_class_to_json(const ng_endpoints *e, uint8_t cls)
{
    const ng_class_endpoints *c = &e->cls[cls];
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:i, s:i, s:o, s:o}", "protos",
                     ng_top_to_json(&c->protos), "servers", ng_top_to_json(&c->servers),
                     "clients", ng_top_to_json(&c->clients), "pairs", ng_top_to_json(&c->pairs),
                     "server_ports",
                     ng_top_to_json(&c->server_ports), "other_port_lo", c->other_port_lo,
                     "other_port_hi", c->other_port_hi, "client_ports",
                     ng_top_to_json(&c->client_ports), "streams", ng_top_to_json(&c->streams));
}

static void read_host(ng_json_reader *r, const json_t *obj, ng_host *h)
{
    h->addr.family = (uint8_t)ng_json_read_int(r, obj, "family", 0, 6);
    h->ttl = (uint8_t)ng_json_read_int(r, obj, "ttl", 0, 255);
    const char *addr = json_string_value(json_object_get(obj, "addr"));
    const char *mac = json_string_value(json_object_get(obj, "mac"));
    if (r->st)
        return;
    if (h->addr.family != 0 && h->addr.family != 4 && h->addr.family != 6)
        ng_json_reader_fail(r, "'family' must be 0, 4 or 6");
    else if (!unhex(addr, h->addr.bytes, addr_len(h->addr.family)))
        ng_json_reader_fail(r, "'addr' is not %zu hex bytes", addr_len(h->addr.family));
    else if (mac && !*mac)
        h->has_mac = false;
    else if (unhex(mac, h->mac, 6))
        h->has_mac = true;
    else
        ng_json_reader_fail(r, "'mac' is neither empty nor 6 hex bytes");
}

ng_status ng_endpoints_from_json(ng_endpoints *e, const json_t *section, const char *where,
                                 ng_error *err)
{
    ng_json_reader r;
    ng_json_reader_init(&r, err, "%s", where);
    const json_t *hosts = ng_json_read_array(&r, section, "hosts");
    const json_t *eph = ng_json_read_object(&r, section, "ephemeral");
    e->eph_lo = (uint16_t)ng_json_read_int(&r, eph, "lo", 0, 65535);
    e->eph_hi = (uint16_t)ng_json_read_int(&r, eph, "hi", e->eph_lo, 65535);
    e->eph_step = (uint16_t)ng_json_read_int(&r, eph, "step", 1, MAX_STEP);
    if (r.st)
        return r.st;
    if (json_array_size(hosts) > NG_ENDPOINT_MAX_HOSTS)
        return ng_fail(err, NG_EFORMAT, "%s: 'hosts' holds more than %u hosts", where,
                       NG_ENDPOINT_MAX_HOSTS);
    e->n_hosts = json_array_size(hosts);
    e->hosts = calloc(e->n_hosts ? e->n_hosts : 1, sizeof *e->hosts);
    if (!e->hosts)
        return ng_fail(err, NG_ENOMEM, "out of memory for %zu hosts", e->n_hosts);
    for (size_t i = 0; i < e->n_hosts && !r.st; i++) {
        ng_json_reader_init(&r, err, "%s.hosts[%zu]", where, i);
        read_host(&r, json_array_get(hosts, i), &e->hosts[i]);
    }
    return r.st;
}

static ng_status read_top(ng_top *top, const json_t *obj, const char *key, uint64_t max,
                          const char *where, ng_error *err)
{
    char what[448];
    snprintf(what, sizeof what, "%s.%s", where, key);
    return ng_top_from_json(top, json_object_get(obj, key), max, what, err);
}

static ng_status check_streams(const ng_endpoints *e, const ng_top *streams, const char *where,
                               ng_error *err)
{
    for (size_t i = 0; i < streams->n; i++) {
        uint32_t c, s;
        uint16_t ethertype;
        uint8_t proto;
        stream_unpack(streams->values[i], &c, &s, &ethertype, &proto);
        if (c >= e->n_hosts || s >= e->n_hosts)
            return ng_fail(err, NG_EFORMAT, "%s.streams: value %zu names a host beyond the %zu known",
                           where, i, e->n_hosts);
    }
    return NG_OK;
}

static ng_status check_ip_class(const ng_endpoints *e, const ng_class_endpoints *c,
                                const char *where, ng_error *err)
{
    const ng_top *lists[2] = {&c->servers, &c->clients};
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; i < lists[l]->n; i++)
            if (e->hosts[lists[l]->values[i]].addr.family == 0)
                return ng_fail(err, NG_EFORMAT, "%s.%s: host %llu has no IP address", where,
                               l ? "clients" : "servers",
                               (unsigned long long)lists[l]->values[i]);
    for (size_t i = 0; i < c->pairs.n; i++) {
        uint64_t client = c->pairs.values[i] >> 20;
        uint64_t server = c->pairs.values[i] & (NG_ENDPOINT_MAX_HOSTS - 1);
        if (client >= e->n_hosts || server >= e->n_hosts ||
            e->hosts[client].addr.family != e->hosts[server].addr.family ||
            e->hosts[server].addr.family == 0)
            return ng_fail(err, NG_EFORMAT,
                           "%s.pairs: value %zu names unknown hosts or hosts without a common "
                           "IP family",
                           where, i);
    }
    if (c->protos.n && (!c->pairs.n || c->pairs.other))
        return ng_fail(err, NG_EFORMAT, "%s: a class with IP flows needs its client-server pairs",
                       where);
    if (c->server_ports.other && c->other_port_lo > c->other_port_hi)
        return ng_fail(err, NG_EFORMAT, "%s: 'other_port_lo' is above 'other_port_hi'", where);
    return NG_OK;
}

ng_status ng_endpoints_class_from_json(ng_endpoints *e, uint8_t cls, const json_t *json,
                                       const char *where, ng_error *err)
{
    ng_class_endpoints *c = &e->cls[cls];
    if (!json_is_object(json))
        return ng_fail(err, NG_EFORMAT, "%s: missing or not an object", where);
    uint64_t host_max = e->n_hosts ? e->n_hosts - 1 : 0;
    ng_status st = read_top(&c->protos, json, "protos", 255, where, err);
    if (!st)
        st = read_top(&c->servers, json, "servers", host_max, where, err);
    if (!st)
        st = read_top(&c->clients, json, "clients", host_max, where, err);
    if (!st)
        st = read_top(&c->pairs, json, "pairs", (uint64_t)host_max << 20 | (NG_ENDPOINT_MAX_HOSTS - 1),
                      where, err);
    if (!st)
        st = read_top(&c->server_ports, json, "server_ports", 65535, where, err);
    if (!st)
        st = read_top(&c->client_ports, json, "client_ports", 1023, where, err);
    if (!st)
        st = read_top(&c->streams, json, "streams", UINT64_MAX, where, err);
    ng_json_reader r;
    ng_json_reader_init(&r, err, "%s", where);
    if (!st) {
        c->other_port_lo = (uint16_t)ng_json_read_int(&r, json, "other_port_lo", 0, 65535);
        c->other_port_hi = (uint16_t)ng_json_read_int(&r, json, "other_port_hi", 0, 65535);
        st = r.st;
    }
    if (!st && (c->servers.n || c->clients.n || c->streams.n) && e->n_hosts == 0)
        st = ng_fail(err, NG_EFORMAT, "%s: refers to hosts but 'hosts' is empty", where);
    if (!st)
        st = check_streams(e, &c->streams, where, err);
    if (!st)
        st = check_ip_class(e, c, where, err);
    if (!st && c->streams.other)
        st = ng_fail(err, NG_EFORMAT, "%s.streams: 'other' must be 0", where);
    return st;
}
