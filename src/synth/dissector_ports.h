/* dissector_ports.h — ports whose tshark dissector calls zero payloads malformed.
 *
 * tshark picks an application dissector by port. Generated payloads are zero bytes; on
 * most ports that is shown as data, but about 170 UDP and 80 TCP ports have dissectors
 * that flag zeros as malformed (RIPng 521, CAPWAP 5246, collectd 25826, MySQL 3306, ...).
 * The table was measured, not guessed: a capture with zero payloads of 1, 8, 40 and 200
 * bytes to every port 1..65535 (TCP after a full handshake, both directions) run through
 * tshark 4.0.17 with `-Y '_ws.malformed || _ws.expert.severity >= error'`
 * (the probe is described in docs/GENERATE.md).
 *
 * The generator keeps well-known class ports (flow/app_class.h) and gives the ports that
 * need a header a template (payload_template.h); any other port of a flow that is in this
 * table is moved to the next port of the same range (below 1024, 1024-49151, 49152 and
 * up) that is in neither table nor the class table, and the move is counted. */
#ifndef NG_SYNTH_DISSECTOR_PORTS_H
#define NG_SYNTH_DISSECTOR_PORTS_H

#include <stdbool.h>
#include <stdint.h>

/* True when tshark flags zero payloads on this port (proto 6 or 17). */
bool ng_port_rejects_zeros(uint8_t proto, uint16_t port);
/* port itself when it is safe for zero payloads (or a class port, or templated);
 * else the next safe port of its range. */
uint16_t ng_port_safe_for_zeros(uint8_t proto, uint16_t port);

#endif
