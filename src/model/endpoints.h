/* endpoints.h — who talks to whom: hosts, their MACs and TTLs, server ports per class,
 * client port habits, and the device pairs of no-flow streams.
 *
 * Learned from the flows: a host table (IP address → the MAC it was seen with and its
 * most common TTL; non-IP stations are known by MAC alone); per class the server hosts
 * and client hosts with their flow counts (popularity) and the (client, server) pairs
 * that really talked — generation draws a pair, so a client only talks to servers it
 * talked to, with the real popularity — the IP protocol of its flows,
 * the server ports (the NG_ENDPOINT_TOP_PORTS most frequent, the rest drawn uniformly
 * from the range of the others), client ports below 1024 (e.g. NTP 123 ↔ 123) against
 * ephemeral ones, and for no-flow streams the (client, server, ethertype, protocol)
 * templates with counts. Ephemeral client ports: the observed range and the typical
 * step between a client's successive flows; generation keeps a counter per client host
 * that starts at a random point of the range and advances by that step.
 *
 * JSON: top-level "hosts" and "ephemeral" (ng_endpoints_to_json) and, per class,
 * "endpoints" (ng_endpoints_class_to_json). Loading checks every host index, port,
 * protocol and family. */
#ifndef NG_MODEL_ENDPOINTS_H
#define NG_MODEL_ENDPOINTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "capture/packet.h"
#include "core/error.h"
#include "core/rng.h"
#include "flow/app_class.h"
#include "model/dataset.h"
#include "model/flow_plan.h"
#include "model/tally.h"

#define NG_ENDPOINT_TOP_PORTS 32
#define NG_ENDPOINT_MAX_HOSTS (1u << 20)

typedef struct ng_host {
    ng_addr addr;   /* family 0: a non-IP station known by its MAC */
    uint8_t mac[6];
    bool has_mac;
    uint8_t ttl;    /* most common TTL of the packets it sent (0: unknown) */
} ng_host;

typedef struct ng_class_endpoints {
    ng_top protos;            /* IP protocol of the class's TCP/UDP flows */
    ng_top servers, clients;  /* host indices, with flow counts */
    ng_top pairs;             /* conversations: client << 20 | server, with flow counts */
    ng_top server_ports;      /* top ports; other: uniform in [other_lo, other_hi] */
    uint16_t other_port_lo, other_port_hi;
    ng_top client_ports;      /* client ports < 1024; other: ephemeral ports */
    ng_top streams;           /* no-flow templates, ng_stream_pack values */
} ng_class_endpoints;

typedef struct ng_endpoints {
    ng_host *hosts;
    size_t n_hosts;
    uint16_t eph_lo, eph_hi, eph_step;
    ng_class_endpoints cls[NG_APP_COUNT];
} ng_endpoints;

/* skip (NULL: none) marks flows whose hosts are learned but that count in no class
 * tally (no pair, port or stream template): the carried streams (carried.h). */
ng_status ng_endpoints_train(ng_endpoints *e, const ng_dataset *ds, const bool *skip,
                             ng_error *err);
void ng_endpoints_free(ng_endpoints *e);

/* Fill plan's protocol, addresses, ports, MACs and (host) TTLs for class cls.
 * port_state (n_hosts entries, zeroed at first) carries each client's port counter. */
void ng_endpoints_sample(const ng_endpoints *e, uint8_t cls, ng_rng *rng, uint16_t *port_state,
                         ng_flow_plan *plan);
/* The index of a host (an IP address; a non-IP station by its MAC); false if unknown. */
bool ng_endpoints_find_host(const ng_endpoints *e, const ng_addr *addr, const uint8_t *mac,
                            bool has_mac, uint32_t *out);
/* True when the class has something to sample (IP flows or no-flow streams). */
bool ng_endpoints_class_ready(const ng_endpoints *e, uint8_t cls);

json_t *ng_endpoints_to_json(const ng_endpoints *e);
json_t *ng_endpoints_class_to_json(const ng_endpoints *e, uint8_t cls);
/* `where` names the header place in messages ("model.ngm: header 'aggregate'"). */
ng_status ng_endpoints_from_json(ng_endpoints *e, const json_t *section, const char *where,
                                 ng_error *err);
ng_status ng_endpoints_class_from_json(ng_endpoints *e, uint8_t cls, const json_t *json,
                                       const char *where, ng_error *err);

#endif
