/* host_state.h — per-host IPv4 identification counters.
 *
 * Real IPv4 stacks number the datagrams a host sends with one incrementing 16-bit
 * counter (per host here, as in the DARPA captures). ng_host_ids_next returns the id
 * for the next datagram sent by `src` and advances its counter; a host's first id is a
 * hash of the seed and its address, so ids do not all start at 0 and the same seed
 * and address always start at the same place. IPv6 has no id: callers skip it.
 * A caller that sends many datagrams from one address looks its slot up once
 * (ng_host_ids_slot) and then takes ids by slot, without hashing per packet. */
#ifndef NG_SYNTH_HOST_STATE_H
#define NG_SYNTH_HOST_STATE_H

#include <stdint.h>

#include "capture/packet.h"
#include "core/error.h"
#include "core/hashmap.h"

typedef struct ng_host_ids {
    uint64_t seed;
    ng_hashmap slot_of; /* ng_addr (zero-padded) -> uint32_t slot */
    uint16_t *next;     /* per slot: the next id */
    uint32_t n, cap;
} ng_host_ids;

void ng_host_ids_init(ng_host_ids *h, uint64_t seed);
void ng_host_ids_free(ng_host_ids *h);
/* The slot of src's counter (created on first use). NG_ENOMEM when the table cannot grow. */
ng_status ng_host_ids_slot(ng_host_ids *h, const ng_addr *src, uint32_t *slot, ng_error *err);
/* Id for the next datagram of the host in slot. */
static inline uint16_t ng_host_ids_take(ng_host_ids *h, uint32_t slot)
{
    return h->next[slot]++;
}
/* Id for src's next datagram (slot lookup + take). */
ng_status ng_host_ids_next(ng_host_ids *h, const ng_addr *src, uint16_t *id, ng_error *err);

#endif
