/* header_habits.c — counting TTLs, windows and SYN options per class and direction
 * (header_habits.h). */
#include "model/header_habits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/flow_shapes.h"

enum { FIELD_TTL, FIELD_WINDOW, FIELD_SYN_OPTS, FIELD_MSS, FIELD_WSCALE, FIELD_UNPADDED,
       FIELD_PADDED, N_FIELDS };
/* Fields from here on may be missing in a saved model (older files). */
#define FIRST_OPTIONAL_FIELD FIELD_UNPADDED
#define MAX_KIND 0x1FFFFFFu /* ng_flow_kind(true, 0xFFFF, 0xFF) */
#define LEN_SLOTS 64u       /* unpadded values: kind * LEN_SLOTS + frame length (< 60) */
#define ETH_MIN_FRAME 60u   /* without FCS, as captured */

static const char *const field_names[N_FIELDS] = {"ttl", "window", "syn_opts", "mss", "wscale",
                                                  "unpadded", "padded"};
static const uint64_t field_max[N_FIELDS] = {255, 65535, 255, 65535, 255,
                                             MAX_KIND * LEN_SLOTS + LEN_SLOTS - 1, MAX_KIND};

static ng_top *field(ng_direction_habits *d, int f)
{
    ng_top *fields[N_FIELDS] = {&d->ttl, &d->window, &d->syn_opts, &d->mss, &d->wscale,
                                &d->unpadded, &d->padded};
    return fields[f];
}

static const ng_top *cfield(const ng_direction_habits *d, int f)
{
    return field((ng_direction_habits *)d, f);
}

typedef struct habit_tallies {
    ng_tally t[NG_APP_COUNT][2][N_FIELDS];
} habit_tallies;

static bool is_handshake(const ng_packet_row *p)
{
    uint8_t want = p->direction == NG_DIR_C2S ? NG_TCP_SYN : NG_TCP_SYN | NG_TCP_ACK;
    return (p->tcp_flags & (NG_TCP_SYN | NG_TCP_ACK | NG_TCP_RST)) == want;
}

static ng_status count_packet(habit_tallies *h, const ng_packet_row *p, uint32_t kind,
                              ng_error *err)
{
    ng_tally *t = h->t[p->app_class < NG_APP_COUNT ? p->app_class : 0][p->direction ? 1 : 0];
    ng_status st = NG_OK;
    /* A short frame: below 60 bytes before padding (payload_len excludes the padding of
     * IP and LLC frames; of other ethertypes it includes it, and they never count). */
    if (p->frame_len < ETH_MIN_FRAME)
        st = ng_tally_add(&t[FIELD_UNPADDED], (uint64_t)kind * LEN_SLOTS + p->frame_len, 1, err);
    else if (p->frame_len == ETH_MIN_FRAME && (uint64_t)p->header_len + p->payload_len < ETH_MIN_FRAME)
        st = ng_tally_add(&t[FIELD_PADDED], kind, 1, err);
    if (st)
        return st;
    if (p->ip_version && p->ttl)
        st = ng_tally_add(&t[FIELD_TTL], p->ttl, 1, err);
    if (st || p->ip_proto != 6)
        return st;
    st = ng_tally_add(&t[FIELD_WINDOW], p->tcp_window, 1, err);
    if (st || !is_handshake(p))
        return st;
    st = ng_tally_add(&t[FIELD_SYN_OPTS], p->tcp_opts, 1, err);
    if (!st && (p->tcp_opts & NG_TCPOPT_MSS))
        st = ng_tally_add(&t[FIELD_MSS], p->tcp_mss, 1, err);
    if (!st && (p->tcp_opts & NG_TCPOPT_WSCALE))
        st = ng_tally_add(&t[FIELD_WSCALE], p->tcp_wscale, 1, err);
    return st;
}

static ng_status build(ng_header_habits *habits, const habit_tallies *h, ng_error *err)
{
    for (size_t c = 0; c < NG_APP_COUNT; c++)
        for (int d = 0; d < 2; d++)
            for (int f = 0; f < N_FIELDS; f++) {
                ng_status st = ng_tally_top(&h->t[c][d][f],
                                            f >= FIRST_OPTIONAL_FIELD ? 0 : NG_HABIT_TOP,
                                            field(&habits[c].dir[d], f), err);
                if (st)
                    return st;
            }
    return NG_OK;
}

ng_status ng_header_habits_train(ng_header_habits *habits, const ng_dataset *ds, ng_error *err)
{
    memset(habits, 0, NG_APP_COUNT * sizeof *habits);
    habit_tallies *h = calloc(1, sizeof *h);
    if (!h)
        return ng_fail(err, NG_ENOMEM, "aggregate level: out of memory for header habits");
    ng_tally *all = &h->t[0][0][0];
    for (size_t i = 0; i < NG_APP_COUNT * 2 * N_FIELDS; i++)
        ng_tally_init(&all[i]);
    ng_status st = NG_OK;
    for (size_t i = 0; st == NG_OK && i < ds->n_flows; i++) {
        const ng_flow *f = &ds->flows[i];
        uint32_t kind = ng_flow_kind(f->is_noflow, f->ethertype, f->ip_proto);
        size_t n;
        const ng_packet_row *rows = ng_dataset_flow_packets(ds, i, &n);
        for (size_t j = 0; st == NG_OK && j < n; j++)
            st = count_packet(h, &rows[j], kind, err);
    }
    if (!st)
        st = build(habits, h, err);
    for (size_t i = 0; i < NG_APP_COUNT * 2 * N_FIELDS; i++)
        ng_tally_free(&all[i]);
    free(h);
    if (st)
        ng_header_habits_free(habits);
    return st;
}

void ng_header_habits_free(ng_header_habits *habits)
{
    for (size_t c = 0; c < NG_APP_COUNT; c++)
        for (int d = 0; d < 2; d++)
            for (int f = 0; f < N_FIELDS; f++)
                ng_top_free(field(&habits[c].dir[d], f));
}

uint8_t ng_header_habits_sample_ttl(const ng_header_habits *h, int dir, ng_rng *rng,
                                    uint8_t fallback)
{
    return (uint8_t)ng_top_sample_value(&h->dir[dir ? 1 : 0].ttl, rng, fallback);
}

double ng_header_habits_unpadded_share(const ng_header_habits *h, int dir, uint32_t kind,
                                       uint8_t *min_len)
{
    const ng_direction_habits *d = &h->dir[dir ? 1 : 0];
    uint64_t unpadded = 0, padded = 0;
    *min_len = 0;
    for (size_t i = 0; i < d->unpadded.n; i++) {
        uint64_t v = d->unpadded.values[i], len = v % LEN_SLOTS;
        if (v / LEN_SLOTS != kind || len >= ETH_MIN_FRAME || len == 0)
            continue;
        unpadded += d->unpadded.counts[i];
        if (*min_len == 0 || len < *min_len)
            *min_len = (uint8_t)len;
    }
    for (size_t i = 0; i < d->padded.n; i++)
        if (d->padded.values[i] == kind)
            padded = d->padded.counts[i];
    return unpadded ? (double)unpadded / (double)(unpadded + padded) : 0.0;
}

static json_t *direction_json(const ng_direction_habits *d)
{
    json_t *obj = json_object();
    for (int f = 0; f < N_FIELDS; f++)
        json_object_set_new(obj, field_names[f], ng_top_to_json(cfield(d, f)));
    return obj;
}

json_t *ng_header_habits_to_json(const ng_header_habits *h)
{
    return json_pack("{s:o, s:o}", "c2s", direction_json(&h->dir[0]), "s2c",
                     direction_json(&h->dir[1]));
}

ng_status ng_header_habits_from_json(ng_header_habits *h, const json_t *json, const char *where,
                                     ng_error *err)
{
    static const char *const dirs[2] = {"c2s", "s2c"};
    for (int d = 0; d < 2; d++) {
        const json_t *obj = json_object_get(json, dirs[d]);
        for (int f = 0; f < N_FIELDS; f++) {
            const json_t *value = json_object_get(obj, field_names[f]);
            if (f >= FIRST_OPTIONAL_FIELD && obj && !value) {
                memset(field(&h->dir[d], f), 0, sizeof(ng_top)); /* saved before it existed */
                continue;
            }
            char what[448];
            snprintf(what, sizeof what, "%s.%s.%s", where, dirs[d], field_names[f]);
            ng_status st = ng_top_from_json(field(&h->dir[d], f), value, field_max[f], what,
                                            err);
            if (st)
                return st;
        }
    }
    return NG_OK;
}
