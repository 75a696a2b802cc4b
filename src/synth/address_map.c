/* address_map.c — prefixes parsed with inet_pton; host numbers in first-seen order,
 * permuted over the prefix by an affine map i -> (a * i) mod capacity with a coprime
 * to the capacity (a bijection, so distinct numbers give distinct hosts). */
#include "synth/address_map.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#define MULTIPLIER 0x9E3779B97F4A7C15ull /* 2^64 / golden ratio, odd */

static int family_slot(uint8_t family) { return family == 6 ? 1 : 0; }
static unsigned family_bits(uint8_t family) { return family == 6 ? 128u : 32u; }

static void clear_host_bits(ng_addr *a, unsigned length)
{
    unsigned bytes = family_bits(a->family) / 8;
    for (unsigned i = 0; i < bytes; i++) {
        unsigned first_bit = i * 8;
        if (first_bit >= length)
            a->bytes[i] = 0;
        else if (first_bit + 8 > length)
            a->bytes[i] &= (uint8_t)(0xFFu << (8 - (length - first_bit)));
    }
}

static bool parse_length(const char *s, unsigned max, unsigned *out)
{
    if (!*s || strlen(s) > 3)
        return false;
    unsigned v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (unsigned)(*s - '0');
    }
    *out = v;
    return v <= max;
}

ng_status ng_ip_prefix_parse(const char *text, ng_ip_prefix *out, ng_error *err)
{
    memset(out, 0, sizeof *out);
    const char *slash = text ? strchr(text, '/') : NULL;
    if (!slash || slash == text || slash - text >= 64)
        return ng_fail(err, NG_EINVAL, "--ip-prefix '%s': expected ADDRESS/LENGTH, e.g. "
                       "10.0.0.0/8 or fd00::/64", text ? text : "");
    char host[64];
    memcpy(host, text, (size_t)(slash - text));
    host[slash - text] = '\0';
    if (inet_pton(AF_INET, host, out->base.bytes) == 1)
        out->base.family = 4;
    else if (inet_pton(AF_INET6, host, out->base.bytes) == 1)
        out->base.family = 6;
    else
        return ng_fail(err, NG_EINVAL, "--ip-prefix '%s': '%s' is not an IPv4 or IPv6 address",
                       text, host);
    unsigned length, max = family_bits(out->base.family);
    if (!parse_length(slash + 1, max, &length))
        return ng_fail(err, NG_EINVAL, "--ip-prefix '%s': prefix length must be 0..%u", text, max);
    out->length = (uint8_t)length;
    clear_host_bits(&out->base, length);
    return NG_OK;
}

void ng_address_map_init(ng_address_map *map)
{
    memset(map, 0, sizeof *map);
    ng_hashmap_init(&map->assigned, sizeof(ng_addr), sizeof(ng_addr));
}

void ng_address_map_free(ng_address_map *map)
{
    ng_hashmap_free(&map->assigned);
    memset(map, 0, sizeof *map);
}

ng_status ng_address_map_add(ng_address_map *map, const ng_ip_prefix *prefix, ng_error *err)
{
    int slot = family_slot(prefix->base.family);
    if (map->has[slot])
        return ng_fail(err, NG_EINVAL, "--ip-prefix: only one IPv%d prefix may be given",
                       prefix->base.family);
    map->has[slot] = true;
    map->prefix[slot] = *prefix;
    return NG_OK;
}

bool ng_address_map_active(const ng_address_map *map)
{
    return map->has[0] || map->has[1];
}

/* Host values usable in a prefix with `bits` host bits (bits <= 64): the first one and
 * how many. IPv4 skips the network and broadcast addresses when the prefix allows. */
static void host_range(uint8_t family, unsigned bits, uint64_t *first, uint64_t *count)
{
    uint64_t all_ones = bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;
    if (bits == 0) {
        *first = 0, *count = 1;
    } else if (family == 4 && bits >= 2) {
        *first = 1, *count = all_ones - 1;          /* 1 .. 2^bits - 2 */
    } else if (family == 6) {
        *first = 1, *count = all_ones;              /* 1 .. 2^bits - 1 */
    } else {
        *first = 0, *count = all_ones + 1;          /* /31: both addresses */
    }
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b, b = t;
    }
    return a;
}

/* The index-th host of a range of `count` values, permuted. */
static uint64_t permute(uint64_t index, uint64_t count)
{
    if (count <= 2)
        return index % count;
    uint64_t a = MULTIPLIER % count;
    while (a < 2 || gcd_u64(a, count) != 1)
        a = a + 1 >= count ? 2 : a + 1;
    return (uint64_t)(((unsigned __int128)index * a) % count);
}

static void put_host(ng_addr *a, unsigned bits, uint64_t value)
{
    unsigned total = family_bits(a->family);
    for (unsigned b = 0; b < bits; b++) {
        unsigned pos = total - 1 - b; /* bit index from the top */
        if (value >> b & 1)
            a->bytes[pos / 8] |= (uint8_t)(0x80u >> (pos % 8));
    }
}

ng_status ng_address_map_apply(ng_address_map *map, ng_addr *addr, ng_error *err)
{
    if (addr->family != 4 && addr->family != 6)
        return NG_OK;
    int slot = family_slot(addr->family);
    if (!map->has[slot])
        return NG_OK;
    ng_addr key;
    memset(&key, 0, sizeof key);
    key.family = addr->family;
    memcpy(key.bytes, addr->bytes, addr->family == 4 ? 4 : 16);
    bool inserted;
    ng_addr *mapped = ng_hashmap_put(&map->assigned, &key, &inserted);
    if (!mapped)
        return ng_fail(err, NG_ENOMEM, "--ip-prefix: out of memory mapping addresses");
    if (inserted) {
        const ng_ip_prefix *p = &map->prefix[slot];
        unsigned bits = family_bits(p->base.family) - p->length;
        if (bits > 64)
            bits = 64;
        uint64_t first, count;
        host_range(p->base.family, bits, &first, &count);
        uint64_t index = map->next_host[slot]++;
        if (index >= count)
            map->collisions++;
        *mapped = p->base;
        put_host(mapped, bits, first + permute(index % count, count));
    }
    *addr = *mapped;
    return NG_OK;
}
