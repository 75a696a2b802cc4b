/* host_state.c — a hash map from source address to its next IPv4 id. */
#include "synth/host_state.h"

#include <string.h>

void ng_host_ids_init(ng_host_ids *h, uint64_t seed)
{
    h->seed = seed;
    ng_hashmap_init(&h->next, sizeof(ng_addr), sizeof(uint16_t));
}

void ng_host_ids_free(ng_host_ids *h)
{
    ng_hashmap_free(&h->next);
}

ng_status ng_host_ids_next(ng_host_ids *h, const ng_addr *src, uint16_t *id, ng_error *err)
{
    ng_addr key;
    memset(&key, 0, sizeof key);
    key.family = src->family;
    memcpy(key.bytes, src->bytes, sizeof key.bytes);
    bool inserted;
    uint16_t *next = ng_hashmap_put(&h->next, &key, &inserted);
    if (!next)
        return ng_fail(err, NG_ENOMEM, "out of memory counting IP ids");
    if (inserted) {
        uint64_t mix[2] = {h->seed, ng_hash_bytes(&key, sizeof key)};
        *next = (uint16_t)ng_hash_bytes(mix, sizeof mix);
    }
    *id = (*next)++;
    return NG_OK;
}
