/* tuple_set.h — the TCP connections (address/port 4-tuples) a run has already used.
 *
 * A tuple is the unordered pair of endpoints: (a, pa, b, pb) and (b, pb, a, pa) are the
 * same connection. Two TCP flows on one 4-tuple look like one connection to any checker
 * that keys flows by tuple (report/capture_summary.h has no timeout): the second flow's new sequence
 * numbers break seq/ack consistency, and overlapping ones interleave. The generator
 * therefore gives each TCP flow a tuple of its own: when the planned one was used
 * before (plans may reuse ports, and a followed capture can hold real port reuse), the
 * client port moves to a free one (up to 64 candidates drawn from the tuple's hash and
 * the claim's number, so the work per flow is bounded and every claim tries other ports;
 * when they are all taken the plan's port is kept). The
 * set stores a 64-bit hash per tuple in two generations of at most
 * NG_TUPLE_SET_GENERATION tuples: a tuple is taken when either holds it; when the recent
 * one fills up, the older one is dropped and the recent one becomes the older. So
 * uniqueness holds among any 32,768 consecutive TCP flows (and up to 65,536), a run that
 * outgrows that reuses tuples as real hosts do after TIME_WAIT, and the set stays small
 * enough for the caches (2 x 512 KB; one hash map of up to 2^20 tuples, 48 MB, had
 * every claim miss them: 5% of generation's time). A client's retry of a refused
 * connection is the exception: it keeps the refused attempt's tuple (retries.h), as
 * the real client does, and a checker sees the attempts as one conversation. */
#ifndef NG_SYNTH_TUPLE_SET_H
#define NG_SYNTH_TUPLE_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/packet.h"
#include "core/error.h"

#define NG_TUPLE_SET_GENERATION 32768u

/* One generation: the tuples' 64-bit hashes in an open-addressed table of twice as many
 * slots (0 marks an empty slot; a hash of 0 is stored as 1). */
typedef struct ng_tuple_generation {
    uint64_t *slot; /* [2 * NG_TUPLE_SET_GENERATION], allocated on first use */
    size_t count;
} ng_tuple_generation;

/* The latest claims that moved, by the hash of the tuple they asked for (a direct-mapped
 * cache: a retry looks up where its refused attempt went). */
#define NG_TUPLE_SET_MOVES 256u

typedef struct ng_tuple_move {
    uint64_t asked;           /* hash of the planned tuple; 0: empty */
    uint16_t port;            /* the client port it moved to */
} ng_tuple_move;

typedef struct ng_tuple_set {
    ng_tuple_generation recent, older;
    uint64_t claims;          /* so far: seeds each claim's candidate ports */
    ng_tuple_move moves[NG_TUPLE_SET_MOVES];
} ng_tuple_set;

void ng_tuple_set_init(ng_tuple_set *t);
void ng_tuple_set_free(ng_tuple_set *t);
/* Claim (client, *client_port, server, server_port); when taken, move *client_port to a
 * free port accepted by port_ok (may be NULL) in 1024..65535 and set *moved. */
ng_status ng_tuple_set_claim(ng_tuple_set *t, const ng_addr *client, uint16_t *client_port,
                             const ng_addr *server, uint16_t server_port,
                             bool (*port_ok)(uint16_t port), bool *moved, ng_error *err);
/* A retry of a refused attempt (flow_plan.h) is on that attempt's tuple, which is
 * claimed already: *client_port becomes the port the attempt's claim moved to, if it
 * moved (and is still among the last NG_TUPLE_SET_MOVES moves). */
void ng_tuple_set_retry(const ng_tuple_set *t, const ng_addr *client, uint16_t *client_port,
                        const ng_addr *server, uint16_t server_port);

#endif
