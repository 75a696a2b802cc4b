/* report_json.h — every number of a comparison as one JSON document (jansson).
 *
 * {"format": "necstgen-compare/1", "real": summary, "synthetic": [summary + "scores"],
 *  "mean": scores, "max_ks", "settings"}; a summary holds file, packets, bytes, flows, tcp_flows, non_ip_packets,
 * duration_s, truncated, out_of_order, checksums {kind: {checked, valid}} and seqack
 * counts; scores hold "continuous", "categorical" and "structure" objects keyed by the
 * quantity names of quantities.h. Numbers that do not exist (NAN) are null. */
#ifndef NG_REPORT_REPORT_JSON_H
#define NG_REPORT_REPORT_JSON_H

#include "core/error.h"
#include "report/report_data.h"

/* Write the document to path atomically ("-" = stdout). */
ng_status ng_report_json_write(const ng_report_data *d, const char *path, ng_error *err);

#endif
