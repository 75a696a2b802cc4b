/* address_map.h — `--ip-prefix CIDR`: map every generated address into a chosen range.
 *
 * An address map holds at most one IPv4 and one IPv6 prefix. An address of a family
 * with a prefix is mapped into it; an address of a family without one is left as it
 * is (so `--ip-prefix 10.0.0.0/8` keeps IPv6 traffic unchanged). The mapping is
 * deterministic and needs no seed: hosts get host numbers in the order they are first
 * mapped (the generator's order, itself deterministic), spread over the prefix by a
 * fixed odd-multiplier permutation so neighbours do not look sequential. Distinct
 * addresses stay distinct while the prefix has room (an IPv4 /L holds 2^(32-L) - 2 hosts:
 * the network and broadcast addresses are never used when L <= 30); past that, host
 * numbers wrap and hosts share addresses (ng_address_map_collisions counts them).
 * IPv6 prefixes use at most the low 64 host bits. */
#ifndef NG_SYNTH_ADDRESS_MAP_H
#define NG_SYNTH_ADDRESS_MAP_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/packet.h"
#include "core/error.h"
#include "core/hashmap.h"

typedef struct ng_ip_prefix {
    ng_addr base;       /* network address (host bits zero) */
    uint8_t length;     /* prefix length in bits */
} ng_ip_prefix;

typedef struct ng_address_map {
    bool has[2];               /* [0] IPv4, [1] IPv6 prefix present */
    ng_ip_prefix prefix[2];
    uint64_t next_host[2];     /* host numbers handed out so far */
    uint64_t collisions;       /* addresses that had to share a host number */
    ng_hashmap assigned;       /* ng_addr -> ng_addr */
} ng_address_map;

/* Parse "a.b.c.d/L" (L 0..32) or an IPv6 "x::y/L" (L 0..128). Host bits set in the
 * address are cleared. Errors name the text and what is wrong with it. */
ng_status ng_ip_prefix_parse(const char *text, ng_ip_prefix *out, ng_error *err);

void ng_address_map_init(ng_address_map *map);
void ng_address_map_free(ng_address_map *map);
/* Add a prefix; a second prefix of the same family is refused. */
ng_status ng_address_map_add(ng_address_map *map, const ng_ip_prefix *prefix, ng_error *err);
/* True when the map changes anything at all. */
bool ng_address_map_active(const ng_address_map *map);
/* Map addr in place (same input → same output for the map's lifetime). Returns
 * NG_ENOMEM only when memory runs out. */
ng_status ng_address_map_apply(ng_address_map *map, ng_addr *addr, ng_error *err);

#endif
