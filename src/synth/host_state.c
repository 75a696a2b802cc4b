/* host_state.c — a hash map from source address to a slot of an array of next ids. */
#include "synth/host_state.h"

#include <stdlib.h>
#include <string.h>

void ng_host_ids_init(ng_host_ids *h, uint64_t seed)
{
    memset(h, 0, sizeof *h);
    h->seed = seed;
    ng_hashmap_init(&h->slot_of, sizeof(ng_addr), sizeof(uint32_t));
}

void ng_host_ids_free(ng_host_ids *h)
{
    ng_hashmap_free(&h->slot_of);
    free(h->next);
    memset(h, 0, sizeof *h);
}

static bool grow(ng_host_ids *h)
{
    if (h->n < h->cap)
        return true;
    uint32_t cap = h->cap ? h->cap * 2 : 256;
    uint16_t *next = realloc(h->next, cap * sizeof *next);
    if (!next)
        return false;
    h->next = next;
    h->cap = cap;
    return true;
}

ng_status ng_host_ids_slot(ng_host_ids *h, const ng_addr *src, uint32_t *slot, ng_error *err)
{
    ng_addr key;
    memset(&key, 0, sizeof key);
    key.family = src->family;
    memcpy(key.bytes, src->bytes, sizeof key.bytes);
    bool inserted;
    uint32_t *found = ng_hashmap_put(&h->slot_of, &key, &inserted);
    if (!found || (inserted && !grow(h)))
        return ng_fail(err, NG_ENOMEM, "out of memory counting IP ids");
    if (inserted) {
        uint64_t mix[2] = {h->seed, ng_hash_bytes(&key, sizeof key)};
        h->next[h->n] = (uint16_t)ng_hash_bytes(mix, sizeof mix);
        *found = h->n++;
    }
    *slot = *found;
    return NG_OK;
}

ng_status ng_host_ids_next(ng_host_ids *h, const ng_addr *src, uint16_t *id, ng_error *err)
{
    uint32_t slot;
    ng_status st = ng_host_ids_slot(h, src, &slot, err);
    if (st == NG_OK)
        *id = ng_host_ids_take(h, slot);
    return st;
}
