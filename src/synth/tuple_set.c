/* tuple_set.c — hashes of the recent flows' 4-tuples, in two fixed-size generations. */
#include "synth/tuple_set.h"

#include <stdlib.h>
#include <string.h>

#include "core/hashmap.h"

#define SLOTS (2 * (size_t)NG_TUPLE_SET_GENERATION) /* a power of two: load <= 1/2 */

void ng_tuple_set_init(ng_tuple_set *t)
{
    memset(t, 0, sizeof *t);
}

void ng_tuple_set_free(ng_tuple_set *t)
{
    free(t->recent.slot);
    free(t->older.slot);
    memset(t, 0, sizeof *t);
}

/* The slot holding h, or the empty one where it would go. */
static size_t probe(const ng_tuple_generation *g, uint64_t h)
{
    size_t i = (size_t)h & (SLOTS - 1);
    while (g->slot[i] && g->slot[i] != h)
        i = (i + 1) & (SLOTS - 1);
    return i;
}

static bool holds(const ng_tuple_generation *g, uint64_t h)
{
    return g->slot && g->slot[probe(g, h)] == h;
}

/* Adds h unless present; *added says which. False: no memory. */
static bool add(ng_tuple_generation *g, uint64_t h, bool *added)
{
    if (!g->slot && !(g->slot = calloc(SLOTS, sizeof *g->slot)))
        return false;
    size_t i = probe(g, h);
    *added = g->slot[i] != h;
    if (*added)
        g->slot[i] = h, g->count++;
    return true;
}

/* The recent generation is full: it becomes the older one, and the older one's table,
 * emptied, the recent one. */
static void next_generation(ng_tuple_set *t)
{
    ng_tuple_generation old = t->older;
    t->older = t->recent;
    t->recent = old;
    if (t->recent.slot)
        memset(t->recent.slot, 0, SLOTS * sizeof *t->recent.slot);
    t->recent.count = 0;
}

static uint64_t tuple_hash(const ng_addr *c, uint16_t cport, const ng_addr *s, uint16_t sport)
{
    uint8_t key[2 * 17 + 4];
    memset(key, 0, sizeof key);
    key[0] = c->family;
    memcpy(key + 1, c->bytes, 16);
    key[17] = s->family;
    memcpy(key + 18, s->bytes, 16);
    key[34] = (uint8_t)(cport >> 8), key[35] = (uint8_t)cport;
    key[36] = (uint8_t)(sport >> 8), key[37] = (uint8_t)sport;
    return ng_hash_bytes(key, sizeof key);
}

/* Bounded work per flow: a few candidate ports drawn from the tuple's hash. */
#define MAX_TRIES 64

ng_status ng_tuple_set_claim(ng_tuple_set *t, const ng_addr *client, uint16_t *client_port,
                             const ng_addr *server, uint16_t server_port,
                             bool (*port_ok)(uint16_t port), bool *moved, ng_error *err)
{
    *moved = false;
    t->claims++;
    if (t->recent.count >= NG_TUPLE_SET_GENERATION)
        next_generation(t);
    uint16_t port = *client_port;
    uint64_t first = tuple_hash(client, port, server, server_port);
    for (uint32_t tries = 0; tries < MAX_TRIES; tries++) {
        uint64_t h = tries ? tuple_hash(client, port, server, server_port) : first;
        h += (uint64_t)(h == 0); /* 0 marks an empty slot */
        bool added = false;
        if (!holds(&t->older, h) && !add(&t->recent, h, &added))
            return ng_fail(err, NG_ENOMEM, "out of memory remembering TCP connections");
        if (added) {
            *moved = port != *client_port;
            if (*moved)
                t->moves[first % NG_TUPLE_SET_MOVES] = (ng_tuple_move){first, port};
            *client_port = port;
            return NG_OK;
        }
        uint64_t mix[2] = {first ^ t->claims, tries}; /* each claim its own candidates */
        do {
            mix[1] += 0x10000;
            port = (uint16_t)(1024 + ng_hash_bytes(mix, sizeof mix) % 64512);
        } while (port_ok && !port_ok(port));
    }
    return NG_OK; /* this pair's ports are nearly all taken: keep the plan's */
}

void ng_tuple_set_retry(const ng_tuple_set *t, const ng_addr *client, uint16_t *client_port,
                        const ng_addr *server, uint16_t server_port)
{
    uint64_t asked = tuple_hash(client, *client_port, server, server_port);
    const ng_tuple_move *m = &t->moves[asked % NG_TUPLE_SET_MOVES];
    if (m->asked == asked)
        *client_port = m->port;
}
