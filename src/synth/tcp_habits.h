/* tcp_habits.h — a class's TCP settings (synth/tcp_state.h) from its learned header
 * habits (model/header_habits.h).
 *
 * Starting from ng_tcp_config_default, per side (client, server) the most frequent
 * value wins where the class saw one: option set on its SYN (client) or SYN-ACK
 * (server), MSS, window scale, and the receive window (the most frequent raw window
 * field, scaled by the window scale when that option is offered). Mid-stream flows carry
 * timestamps only when both sides' handshakes offered them. A combination the state
 * machine refuses (ng_tcp_config_check) falls back to the default, so the result is
 * always usable. */
#ifndef NG_SYNTH_TCP_HABITS_H
#define NG_SYNTH_TCP_HABITS_H

#include "model/header_habits.h"
#include "synth/tcp_state.h"

void ng_tcp_config_from_habits(const ng_header_habits *habits, ng_tcp_config *cfg);

#endif
