/* flows_csv_reader.h — reading flows.csv (written by `necstgen extract` or by
 * `generate --level aggregate`) back into flow records, for `generate --follow`.
 *
 * The header line must be NG_CSV_FLOW_HEADER's columns in that order. Each row gives one
 * ng_flow: class and start/end reasons by name, protocol ("tcp", "udp", "icmp",
 * "icmpv6", a protocol number, "arp", "llc" or an ethertype "0x...."), addresses
 * (dotted quad or IPv6, empty for non-IP), ports, MACs (empty when unknown), start and
 * duration in seconds with up to 9 decimals, and the per-direction counts. Errors name
 * the file, the line and the column that is wrong. */
#ifndef NG_SYNTH_FLOWS_CSV_READER_H
#define NG_SYNTH_FLOWS_CSV_READER_H

#include <stdbool.h>

#include "core/error.h"
#include "flow/flow.h"

/* True when path starts with the flows.csv header line. */
bool ng_flows_csv_detect(const char *path);
/* Call on_flow for every row in file order; stops at the first error. */
ng_status ng_flows_csv_read(const char *path,
                            ng_status (*on_flow)(void *user, const ng_flow *flow, ng_error *err),
                            void *user, ng_error *err);

#endif
