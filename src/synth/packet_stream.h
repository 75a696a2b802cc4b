/* packet_stream.h — `generate --level packet`: packets from the packet level alone.
 *
 * The packet level (VAE + latent mixture) draws packets without any flow structure:
 * protocol kind, class, direction, TCP flags, payload size and an inter-arrival time.
 * Timeline: packets follow each other by their own sampled IATs (the packet level's
 * within-flow gap, the only time it knows), starting at start_ns. Headers: each packet
 * is a conversation of its own between hosts drawn from a small pool (clients
 * 10.0.0.1-64, servers 10.0.1.1-16, before --ip-prefix), client port ephemeral, server
 * port the class's first well-known port. A TCP packet is one mid-stream segment put
 * through synth/tcp_state (so impossible flag combinations are corrected and counted);
 * UDP, ICMP echo and ARP frames are built directly; other kinds are skipped and counted
 * as unsupported. Packets are drawn in blocks of NG_PACKET_SAMPLE_BLOCK from one rng
 * stream, so the output is a pure function of the level, seed and options. */
#ifndef NG_SYNTH_PACKET_STREAM_H
#define NG_SYNTH_PACKET_STREAM_H

#include <stdint.h>

#include "core/error.h"
#include "model/packet_level.h"
#include "synth/address_map.h"
#include "synth/generator.h"
#include "synth/packet_output.h"

typedef struct ng_packet_stream_options {
    uint64_t seed;
    int64_t start_ns;
    int64_t end_ns;            /* INT64_MAX: none */
    uint64_t max_packets;      /* 0: none (then end_ns must be set) */
    ng_address_map *addresses; /* may be NULL */
} ng_packet_stream_options;

ng_status ng_packet_stream_generate(const ng_packet_level *pl, const ng_packet_stream_options *opt,
                                    ng_packet_output *out, ng_generate_stats *stats,
                                    ng_error *err);

#endif
