/* hashmap.h — an open-addressing hash map over fixed-size byte keys and values.
 *
 * Linear probing with backward-shift deletion (no tombstones), grows at 70% load.
 * Keys are compared with memcmp, so callers zero any padding in key structs.
 * Pointers returned by get/put stay valid until the next put or remove. */
#ifndef NG_CORE_HASHMAP_H
#define NG_CORE_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef struct ng_hashmap {
    size_t key_size, val_size, slot_size;
    size_t cap;   /* number of slots, a power of two (0 before the first put) */
    size_t count; /* live entries */
    uint8_t *slots; /* per slot: 1 byte used flag, padding, key, value */
} ng_hashmap;

/* 64-bit hash of a byte string (seeded multiply-xorshift; not cryptographic). */
uint64_t ng_hash_bytes(const void *data, size_t len);

void ng_hashmap_init(ng_hashmap *map, size_t key_size, size_t val_size);
void ng_hashmap_free(ng_hashmap *map);
/* Value for key, or NULL. */
void *ng_hashmap_get(const ng_hashmap *map, const void *key);
/* Value for key, inserting a zeroed value if absent (*inserted tells which; may be NULL).
 * Returns NULL only when memory runs out. */
void *ng_hashmap_put(ng_hashmap *map, const void *key, bool *inserted);
/* Remove key; true if it was present. */
bool ng_hashmap_remove(ng_hashmap *map, const void *key);
/* Iterate: start with *pos = 0; returns false when done. Do not modify during iteration. */
bool ng_hashmap_next(const ng_hashmap *map, size_t *pos, const void **key, void **val);

#endif
