/* header_habits.h — per application class and direction, how real headers look.
 *
 * Learned from the packet rows of the class's flows, per direction (client→server,
 * server→client): the most common TTLs (of every IP packet), TCP windows (of every TCP
 * packet), and on the handshake packets (SYN from the client, SYN-ACK from the server)
 * the TCP option sets (NG_TCPOPT_* bits), MSS and window-scale values — each the
 * NG_HABIT_TOP most frequent values with counts (tally.h). Also, per protocol kind
 * (ng_flow_kind), how short frames were captured: frames whose content is below the
 * Ethernet minimum of 60 bytes either came unpadded (shorter than 60: seen on the
 * sending host before its NIC padded them, like DARPA's 54-byte LLC frames) or padded
 * to exactly 60; the timeline gives each plan direction unpadded frames with the
 * unpadded share of its (class, kind), padded to the shortest length seen
 * (ng_header_habits_unpadded_share). Both keep every value, not only the top 8. The generator reads them
 * through ng_aggregate_habits (aggregate_level.h); the timeline draws plan TTLs from
 * them when a host's own TTL is unknown. JSON: per class "habits": {"c2s": {...},
 * "s2c": {...}} with one ng_top per field; "unpadded" and "padded" (kinds as values)
 * may be missing (models saved before them: every short frame padded to 60). */
#ifndef NG_MODEL_HEADER_HABITS_H
#define NG_MODEL_HEADER_HABITS_H

#include <jansson.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"
#include "flow/app_class.h"
#include "model/dataset.h"
#include "model/tally.h"

#define NG_HABIT_TOP 8

typedef struct ng_direction_habits {
    ng_top ttl;       /* TTL / hop limit of IP packets */
    ng_top window;    /* raw TCP window field */
    ng_top syn_opts;  /* option bits on SYN (c2s) or SYN-ACK (s2c) */
    ng_top mss;       /* MSS on those handshake packets */
    ng_top wscale;    /* window scale on those handshake packets */
    ng_top unpadded;  /* kind * 64 + frame length of frames captured shorter than 60 */
    ng_top padded;    /* kinds of short frames captured padded to 60 bytes */
} ng_direction_habits;

typedef struct ng_header_habits {
    ng_direction_habits dir[2]; /* NG_DIR_C2S, NG_DIR_S2C */
} ng_header_habits;

/* habits[NG_APP_COUNT], one per class. */
ng_status ng_header_habits_train(ng_header_habits *habits, const ng_dataset *ds, ng_error *err);
void ng_header_habits_free(ng_header_habits *habits); /* all NG_APP_COUNT */

/* A TTL drawn from the direction's top values, fallback when none were seen. */
uint8_t ng_header_habits_sample_ttl(const ng_header_habits *h, int dir, ng_rng *rng,
                                    uint8_t fallback);

/* Share of the short frames of protocol kind `kind` (ng_flow_kind) sent in direction
 * dir that were captured unpadded, in [0, 1] (0 when none was seen), and the shortest
 * unpadded frame's length in *min_len (0 when none). */
double ng_header_habits_unpadded_share(const ng_header_habits *h, int dir, uint32_t kind,
                                       uint8_t *min_len);

json_t *ng_header_habits_to_json(const ng_header_habits *h);
ng_status ng_header_habits_from_json(ng_header_habits *h, const json_t *json, const char *where,
                                     ng_error *err);

#endif
