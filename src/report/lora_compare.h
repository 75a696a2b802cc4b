/* lora_compare.h — how close synthetic LoRaWAN uplinks are to real ones.
 *
 * Distances (stats/metrics.h): Kolmogorov–Smirnov statistic for PHYPayload length,
 * per-device inter-arrival time (gaps between consecutive uplinks of one DevAddr,
 * pooled over devices), RSSI and SNR; Jensen–Shannon divergence (bits) for the SF,
 * channel (frequency) and MType mixes. Validity: synthetic uplink pairs of one device
 * whose FCnt does not strictly increase. The targets of issue 9 are KS <= 0.10 and
 * JSD <= 0.05; ng_lora_compare_passes says whether all hold with no FCnt violation. */
#ifndef NG_REPORT_LORA_COMPARE_H
#define NG_REPORT_LORA_COMPARE_H

#include <stdbool.h>
#include <stdio.h>

#include "capture/lora_record.h"

#define NG_LORA_KS_TARGET 0.10
#define NG_LORA_JSD_TARGET 0.05

typedef struct ng_lora_comparison {
    size_t n_real, n_synth, devices_real, devices_synth;
    double ks_length, ks_iat, ks_rssi, ks_snr;
    double jsd_sf, jsd_channel, jsd_mtype;
    size_t fcnt_violations_real, fcnt_violations_synth;
} ng_lora_comparison;

ng_status ng_lora_compare(const ng_lora_records *real, const ng_lora_records *synth,
                          ng_lora_comparison *out, ng_error *err);
bool ng_lora_compare_passes(const ng_lora_comparison *c);
/* A table, one line per measure with its target and "ok"/"FAIL". */
void ng_lora_compare_print(const ng_lora_comparison *c, FILE *fp);
/* The same as one JSON object (jansson), written atomically to path. */
ng_status ng_lora_compare_write_json(const ng_lora_comparison *c, const char *path, ng_error *err);

#endif
