/* tuple_set.c — hashes of used 4-tuples in a hash map. */
#include "synth/tuple_set.h"

#include <string.h>

void ng_tuple_set_init(ng_tuple_set *t)
{
    t->claims = 0;
    ng_hashmap_init(&t->recent, sizeof(uint64_t), 1);
    ng_hashmap_init(&t->older, sizeof(uint64_t), 1);
}

void ng_tuple_set_free(ng_tuple_set *t)
{
    ng_hashmap_free(&t->recent);
    ng_hashmap_free(&t->older);
}

/* The recent generation is full: it becomes the older one, and a new one starts. */
static void next_generation(ng_tuple_set *t)
{
    ng_hashmap_free(&t->older);
    t->older = t->recent;
    ng_hashmap_init(&t->recent, sizeof(uint64_t), 1);
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
        bool inserted = false;
        if (!ng_hashmap_get(&t->older, &h) && !ng_hashmap_put(&t->recent, &h, &inserted))
            return ng_fail(err, NG_ENOMEM, "out of memory remembering TCP connections");
        if (inserted) {
            *moved = port != *client_port;
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
