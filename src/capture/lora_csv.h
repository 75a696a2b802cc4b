/* lora_csv.h — reading the gateway-log CSV of LoRaWAN uplinks.
 *
 * The schema is that of the NeCSTGen reference (shared/data/lorawan): a header line
 * naming the columns, in any order; used are time, physical_payload (base64 PHYPayload),
 * frequency (Hz), spreading_factor, bandwidth (kHz), code_rate ("4/5"), rssi, snr,
 * crc_status and fcnt (all but time and physical_payload optional). MType, DevAddr,
 * FPort and the lengths come from the decoded PHYPayload, not from the CSV's derived
 * columns (its payload_length counts base64 characters). fcnt, when present and
 * consistent with the 16-bit FCnt on air, gives the full counter. A row with missing
 * columns, a bad base64 payload or a frame shorter than its header is skipped and
 * counted in *st; only an unreadable file or a header without the required columns
 * fails. */
#ifndef NG_CAPTURE_LORA_CSV_H
#define NG_CAPTURE_LORA_CSV_H

#include <stdio.h>

#include "capture/lora_record.h"

ng_status ng_lora_csv_read(const char *path, ng_lora_records *out, ng_lora_input_stats *st,
                           ng_error *err);
ng_status ng_lora_csv_read_fp(FILE *fp, const char *label, ng_lora_records *out,
                              ng_lora_input_stats *st, ng_error *err);

/* Fill the frame fields of rec (mtype, major, dev_addr, fctrl, fopts_len, fport, fcnt,
 * phy_len, frm_len) from a base64 PHYPayload; counts and returns -1 on a bad one. */
int ng_lora_record_from_base64(ng_lora_record *rec, const char *b64, size_t len,
                               ng_lora_input_stats *st, const char *where);

#endif
