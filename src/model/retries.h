/* retries.h — a client that retries a refused TCP connection from the same port.
 *
 * When a server answers a SYN with a RST, some clients send the SYN again after a
 * fraction of a second from the same port (Windows retries a refused connect from the
 * same source port). DARPA 1999 Thursday: one client retries HTTP from port 4092 79
 * times, 0.55 s apart, over 37 s; three others 11, 3 and 2 times: 95 of the 414
 * connections are retries. Training splits flows at a SYN on a tuple that has closed
 * (flows.md), so it sees 414 two-packet flows; anything that keys flows by their
 * 5-tuple without a timeout (Wireshark's conversations, `compare`) sees 319, one of them
 * 160 packets long. Drawn as independent arrivals, each retry got a port of its own and
 * the generated capture had 95 flows too many (packets per flow KS 0.20).
 *
 * So retries are not arrivals. A *refused attempt* is a TCP flow that starts with a SYN,
 * ends with a RST and has at most NG_RETRY_MAX_PACKETS packets (and, in training, no
 * payload). A *retry* is a refused attempt on the tuple of the refused attempt before it,
 * starting after that one's last packet and within NG_RETRY_MAX_GAP_NS of its start. A
 * *chain* is a first refused attempt and its retries. Training keeps, per application
 * class, how many first refused attempts there were and the number of retries of each
 * chain that had some, and the idle time from an attempt's last packet to the next
 * one's first (17 quantiles, all classes). The retries are left out of the arrivals,
 * shapes and endpoint tallies (aggregate_level.c); generation draws, for each refused
 * attempt the timeline plans, a chain length from its class (a uniform pick over the
 * class's first refused attempts), and plans that many copies of it, each starting a
 * drawn idle time after the planned end of the one before (at least
 * NG_RETRY_MIN_IDLE_NS: synth may end a flow a little after its plan), flagged `retry`
 * so synth keeps their tuple (flow_plan.h). Drawing start-to-start gaps instead let a
 * long attempt (gnutella's and an SMB capture's last many seconds) still be open when
 * its retry began on the same tuple: invalid TCP.
 *
 * JSON (header "aggregate", key "retries", absent when training saw no retry, so older
 * models load as "no retries"): {"flows": retries, "idle_s": [NG_RETRY_IDLE_QUANTILES],
 * "classes": [{"class", "refused", "chains": [retries of each chain]}]}. */
#ifndef NG_MODEL_RETRIES_H
#define NG_MODEL_RETRIES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"
#include "flow/app_class.h"
#include "flow/flow.h"
#include "model/flow_plan.h"

#define NG_RETRY_MAX_PACKETS 3
#define NG_RETRY_MAX_GAP_NS 60000000000LL /* 60 s between the starts of two attempts */
#define NG_RETRY_IDLE_QUANTILES 17
#define NG_RETRY_MIN_IDLE_NS 1000000LL /* 1 ms */

typedef struct ng_retry_class {
    uint64_t refused;   /* first refused attempts (chains of any length, 0 included) */
    uint32_t *chains;   /* retries of each chain that had some */
    size_t n_chains;
} ng_retry_class;

typedef struct ng_retries {
    ng_retry_class cls[NG_APP_COUNT];
    double idle_s[NG_RETRY_IDLE_QUANTILES]; /* quantiles of the idle time between attempts */
    uint64_t flows;     /* retries seen in training; 0: the model has none */
} ng_retries;

/* A refused attempt, as training sees a flow and as generation sees a plan. */
bool ng_retry_refused_flow(const ng_flow *f);
bool ng_retry_refused_plan(const ng_flow_plan *p);

/* Mark the retries among flows[0..n) (any order; is_retry[i] for flows[i]) leaving out
 * the skipped flows (skip may be NULL), which are in no chain; when chain_len is not
 * NULL, chain_len[i] is the number of retries after flows[i] when it is a chain's first
 * attempt, else 0. Returns how many retries, or (size_t)-1 when out of memory. */
size_t ng_retries_mark(const ng_flow *flows, size_t n, const bool *skip, bool *is_retry,
                       uint32_t *chain_len);

/* Learn r from the flows not skipped (skip may be NULL). */
ng_status ng_retries_train(ng_retries *r, const ng_flow *flows, size_t n, const bool *skip,
                           ng_error *err);
void ng_retries_free(ng_retries *r);

/* The retries of class cls seen in training. */
uint64_t ng_retries_class_flows(const ng_retries *r, uint8_t cls);

/* Retries after a refused attempt of class cls (0 for a class without chains). */
uint32_t ng_retries_draw_chain(const ng_retries *r, uint8_t cls, ng_rng *rng);
/* The idle time from one attempt's last packet to the next one's first, ns (at least
 * NG_RETRY_MIN_IDLE_NS). */
int64_t ng_retries_draw_idle_ns(const ng_retries *r, ng_rng *rng);

/* NULL when the model has no retries. */
json_t *ng_retries_to_json(const ng_retries *r);
/* json may be NULL (no retries). Failures name `where`.retries and the key. */
ng_status ng_retries_from_json(ng_retries *r, const json_t *json, const char *where,
                               ng_error *err);

#endif
