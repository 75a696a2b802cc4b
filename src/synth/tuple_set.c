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

/* One endpoint of the key: family, address, port (19 bytes). */
static void put_endpoint(uint8_t *k, const ng_addr *a, uint16_t port)
{
    k[0] = a->family;
    memcpy(k + 1, a->bytes, 16);
    k[17] = (uint8_t)(port >> 8), k[18] = (uint8_t)port;
}

/* The connection's hash whichever side is called the client: a flow split by the idle
 * timeout comes back mid-stream with its first packet, often the server's, and so with
 * the roles the other way round (DARPA Thursday, `--follow`: an IRC session's second
 * half got the first half's 5-tuple and a new sequence space). */
static uint64_t tuple_hash(const ng_addr *c, uint16_t cport, const ng_addr *s, uint16_t sport)
{
    uint8_t a[19], b[19], key[38];
    put_endpoint(a, c, cport);
    put_endpoint(b, s, sport);
    bool swap = memcmp(a, b, sizeof a) > 0;
    memcpy(key, swap ? b : a, sizeof a);
    memcpy(key + sizeof a, swap ? a : b, sizeof b);
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
