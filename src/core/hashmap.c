/* hashmap.c — open addressing with linear probing and backward-shift deletion.
 *
 * Slot layout: [used:1][pad to 8][key][pad][value], slot_size rounded to 8 bytes so
 * keys and values stay aligned for the structs callers store. */
#include "core/hashmap.h"

#include <stdlib.h>
#include <string.h>

#define SLOT_HEADER 8u
#define MIN_CAP 16u

static size_t round8(size_t n) { return (n + 7u) & ~(size_t)7u; }

uint64_t ng_hash_bytes(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (len * 0xFF51AFD7ED558CCDULL);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ (w * 0x87C37B91114253D5ULL)) * 0x4CF5AD432745937FULL;
        h ^= h >> 31;
        p += 8;
        len -= 8;
    }
    uint64_t tail = 0;
    memcpy(&tail, p, len);
    h = (h ^ (tail * 0x87C37B91114253D5ULL)) * 0x4CF5AD432745937FULL;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    return h;
}

void ng_hashmap_init(ng_hashmap *map, size_t key_size, size_t val_size)
{
    memset(map, 0, sizeof *map);
    map->key_size = key_size;
    map->val_size = val_size;
    map->slot_size = SLOT_HEADER + round8(key_size) + round8(val_size);
}

void ng_hashmap_free(ng_hashmap *map)
{
    free(map->slots);
    map->slots = NULL;
    map->cap = map->count = 0;
}

static uint8_t *slot_at(const ng_hashmap *map, size_t i) { return map->slots + i * map->slot_size; }
static void *slot_key(const ng_hashmap *map, uint8_t *slot) { (void)map; return slot + SLOT_HEADER; }
static void *slot_val(const ng_hashmap *map, uint8_t *slot) { return slot + SLOT_HEADER + round8(map->key_size); }
static size_t home_of(const ng_hashmap *map, const void *key)
{
    return (size_t)ng_hash_bytes(key, map->key_size) & (map->cap - 1);
}

/* Index of key's slot, or of the empty slot where it would go. */
static size_t probe(const ng_hashmap *map, const void *key)
{
    size_t i = home_of(map, key);
    for (;;) {
        uint8_t *slot = slot_at(map, i);
        if (!slot[0] || !memcmp(slot_key(map, slot), key, map->key_size))
            return i;
        i = (i + 1) & (map->cap - 1);
    }
}

void *ng_hashmap_get(const ng_hashmap *map, const void *key)
{
    if (!map->count)
        return NULL;
    uint8_t *slot = slot_at(map, probe(map, key));
    return slot[0] ? slot_val(map, slot) : NULL;
}

static bool grow(ng_hashmap *map)
{
    size_t new_cap = map->cap ? map->cap * 2 : MIN_CAP;
    uint8_t *old = map->slots;
    size_t old_cap = map->cap;
    uint8_t *fresh = calloc(new_cap, map->slot_size);
    if (!fresh)
        return false;
    map->slots = fresh;
    map->cap = new_cap;
    for (size_t i = 0; i < old_cap; i++) {
        uint8_t *src = old + i * map->slot_size;
        if (src[0])
            memcpy(slot_at(map, probe(map, slot_key(map, src))), src, map->slot_size);
    }
    free(old);
    return true;
}

void *ng_hashmap_put(ng_hashmap *map, const void *key, bool *inserted)
{
    if ((map->count + 1) * 10 > map->cap * 7 && !grow(map))
        return NULL;
    uint8_t *slot = slot_at(map, probe(map, key));
    bool is_new = !slot[0];
    if (is_new) {
        memset(slot, 0, map->slot_size);
        slot[0] = 1;
        memcpy(slot_key(map, slot), key, map->key_size);
        map->count++;
    }
    if (inserted)
        *inserted = is_new;
    return slot_val(map, slot);
}

bool ng_hashmap_remove(ng_hashmap *map, const void *key)
{
    if (!map->count)
        return false;
    size_t hole = probe(map, key);
    if (!slot_at(map, hole)[0])
        return false;
    size_t mask = map->cap - 1;
    /* Shift later members of the probe run back into the hole. */
    for (size_t i = (hole + 1) & mask;; i = (i + 1) & mask) {
        uint8_t *slot = slot_at(map, i);
        if (!slot[0])
            break;
        size_t home = home_of(map, slot_key(map, slot));
        bool movable = ((i - home) & mask) >= ((i - hole) & mask);
        if (movable) {
            memcpy(slot_at(map, hole), slot, map->slot_size);
            hole = i;
        }
    }
    slot_at(map, hole)[0] = 0;
    map->count--;
    return true;
}

bool ng_hashmap_next(const ng_hashmap *map, size_t *pos, const void **key, void **val)
{
    for (size_t i = *pos; i < map->cap; i++) {
        uint8_t *slot = slot_at(map, i);
        if (slot[0]) {
            if (key)
                *key = slot_key(map, slot);
            if (val)
                *val = slot_val(map, slot);
            *pos = i + 1;
            return true;
        }
    }
    *pos = map->cap;
    return false;
}
