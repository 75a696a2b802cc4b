/* lora_input.h — read any LoRa uplink input, choosing the reader from the content:
 * a pcap/pcapng magic -> LoRaTap (capture/lora_tap.h), a first non-blank '{' -> Semtech
 * JSON lines (model/lora_semtech.h), anything else -> gateway CSV (capture/lora_csv.h).
 * Records are appended to *out and then sorted by time. */
#ifndef NG_MODEL_LORA_INPUT_H
#define NG_MODEL_LORA_INPUT_H

#include <stdbool.h>

#include "capture/lora_record.h"

typedef enum ng_lora_input_kind { NG_LORA_IN_CSV, NG_LORA_IN_SEMTECH, NG_LORA_IN_LORATAP } ng_lora_input_kind;

ng_status ng_lora_input_sniff(const char *path, ng_lora_input_kind *kind, ng_error *err);
ng_status ng_lora_read(const char *path, ng_lora_records *out, ng_lora_input_stats *st,
                       ng_error *err);
const char *ng_lora_input_kind_name(ng_lora_input_kind kind);
/* True only when path is unmistakably LoRa uplinks: a pcap/pcapng of link type LoRaTap
 * (270), Semtech JSON lines (an rxpk object), or a gateway CSV (its header names
 * physical_payload or spreading_factor). Lets `necstgen compare` route such inputs. */
bool ng_lora_input_is_lora(const char *path);

#endif
