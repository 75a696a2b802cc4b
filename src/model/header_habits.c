/* header_habits.c — counting TTLs, windows and SYN options per class and direction
 * (header_habits.h). */
#include "model/header_habits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FIELD_TTL, FIELD_WINDOW, FIELD_SYN_OPTS, FIELD_MSS, FIELD_WSCALE, N_FIELDS };

static const char *const field_names[N_FIELDS] = {"ttl", "window", "syn_opts", "mss", "wscale"};
static const uint64_t field_max[N_FIELDS] = {255, 65535, 255, 65535, 255};

static ng_top *field(ng_direction_habits *d, int f)
{
    ng_top *fields[N_FIELDS] = {&d->ttl, &d->window, &d->syn_opts, &d->mss, &d->wscale};
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

static ng_status count_packet(habit_tallies *h, const ng_packet_row *p, ng_error *err)
{
    ng_tally *t = h->t[p->app_class < NG_APP_COUNT ? p->app_class : 0][p->direction ? 1 : 0];
    ng_status st = NG_OK;
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
                ng_status st = ng_tally_top(&h->t[c][d][f], NG_HABIT_TOP,
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
    for (size_t i = 0; st == NG_OK && i < ds->n_packets; i++)
        st = count_packet(h, &ds->packets[i], err);
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
            char what[448];
            snprintf(what, sizeof what, "%s.%s.%s", where, dirs[d], field_names[f]);
            ng_status st = ng_top_from_json(field(&h->dir[d], f), json_object_get(obj, field_names[f]),
                                            field_max[f], what, err);
            if (st)
                return st;
        }
    }
    return NG_OK;
}
