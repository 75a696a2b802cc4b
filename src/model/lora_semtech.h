/* lora_semtech.h — reading Semtech UDP packet-forwarder JSON lines (rxpk objects).
 *
 * Each line is a JSON object: either {"rxpk": [ {...}, ... ]} as the forwarder sends
 * in PUSH_DATA, or one rxpk object on its own. Per rxpk: data (base64 PHYPayload,
 * required), time (ISO-8601 UTC; else tmst, the concentrator's microsecond counter,
 * is used as microseconds), freq (MHz), chan, stat (1 CRC ok, -1 bad, 0 none), modu
 * ("LORA"; FSK packets are skipped as bad datarate), datr ("SF7BW125"), codr ("4/5"),
 * rssi, lsnr. A line that is not such JSON, an unknown datr, a bad base64 payload or a
 * short PHYPayload is skipped and counted in *st; only an unreadable file fails. */
#ifndef NG_MODEL_LORA_SEMTECH_H
#define NG_MODEL_LORA_SEMTECH_H

#include <stdio.h>

#include "capture/lora_record.h"

ng_status ng_lora_semtech_read(const char *path, ng_lora_records *out,
                               ng_lora_input_stats *st, ng_error *err);
ng_status ng_lora_semtech_read_fp(FILE *fp, const char *label, ng_lora_records *out,
                                  ng_lora_input_stats *st, ng_error *err);

#endif
