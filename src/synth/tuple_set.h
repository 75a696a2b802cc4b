/* tuple_set.h — the TCP connections (address/port 4-tuples) a run has already used.
 *
 * Two TCP flows on one 4-tuple look like one connection to any checker that keys flows
 * by tuple (report/capture_summary.h has no timeout): the second flow's new sequence
 * numbers break seq/ack consistency, and overlapping ones interleave. The generator
 * therefore gives each TCP flow a tuple of its own: when the planned one was used
 * before (plans may reuse ports, and a followed capture can hold real port reuse), the
 * client port moves to a free one (up to 64 candidates drawn from the tuple's hash, so
 * the work per flow is bounded; when they are all taken the plan's port is kept). The
 * set stores a 64-bit hash per tuple and starts over after 2^20 tuples, so memory stays
 * below ~25 MB and uniqueness holds within windows of a million TCP flows. */
#ifndef NG_SYNTH_TUPLE_SET_H
#define NG_SYNTH_TUPLE_SET_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/packet.h"
#include "core/error.h"
#include "core/hashmap.h"

typedef struct ng_tuple_set {
    ng_hashmap used; /* uint64 tuple hash -> uint8 */
} ng_tuple_set;

void ng_tuple_set_init(ng_tuple_set *t);
void ng_tuple_set_free(ng_tuple_set *t);
/* Claim (client, *client_port, server, server_port); when taken, move *client_port to a
 * free port accepted by port_ok (may be NULL) in 1024..65535 and set *moved. */
ng_status ng_tuple_set_claim(ng_tuple_set *t, const ng_addr *client, uint16_t *client_port,
                             const ng_addr *server, uint16_t server_port,
                             bool (*port_ok)(uint16_t port), bool *moved, ng_error *err);

#endif
